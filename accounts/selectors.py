"""Reads for the accounts app."""

from __future__ import annotations

import hashlib
from datetime import date, timedelta
from typing import Any, Literal

from django.db.models import (
    CharField,
    Count,
    OuterRef,
    Q,
    QuerySet,
    StringAgg,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Cast, Concat
from django.http import Http404
from django.utils import timezone

from accounts.declarations import DECLARATION_FIELDS
from accounts.errors import Problem, TokenError
from accounts.models import (
    Appointment,
    EmailProof,
    Membership,
    Office,
    OfficerRole,
    Organization,
    Prefecture,
    RosterEntry,
    SetPasswordToken,
    User,
    UseRequest,
    UseRequestDocument,
)
from accounts.permissions import officer_office_ids
from accounts.workflow import EDITABLE_STATUSES
from portal.audit.events import AuditAction
from portal.audit.models import AuditEvent
from portal.files.access import Access
from portal.lib.access import get_or_404
from portal.lib.compiled import CompiledQuery


def offices_taking_use_requests() -> QuerySet[Office]:
    """The offices a request for use may be sent to, in display order (airport
    district offices and other inspection-only offices excluded)."""
    return Office.objects.filter(accepts_use_requests=True).order_by(
        "sort_order", "code"
    )


def office_for_prefecture(*, prefecture: Prefecture | int) -> Office | None:
    """The office that takes requests for use from an organisation in
    ``prefecture`` (a Prefecture or its JIS code): the one whose jurisdiction
    covers it.  None when no such office is configured."""
    code = prefecture.pk if isinstance(prefecture, Prefecture) else prefecture
    return offices_taking_use_requests().filter(jurisdiction=code).first()


# --- Requests for use -----------------------------------------------------------


def _use_request_get_for_officer(*, user: Any, code: Any) -> UseRequest:
    """A submitted request (or report) addressed to one of the reception
    officer's offices; 404 for anything else, drafts included."""
    offices = officer_office_ids(user, OfficerRole.Role.RECEPTION)
    return get_or_404(
        UseRequest.objects.select_related(
            "office",
            "org_prefecture",
            "organization",
            "decided_by",
            "registered_by",
            "resulting_user",
            "filed_by",
        ).exclude(status=UseRequest.Status.DRAFT),
        code=code,
        office_id__in=offices,
    )


def use_request_queue(
    *,
    user: Any,
    status: str | None = None,
    category: int | None = None,
    older_than_days: int | None = None,
    kind: str | None = None,
) -> QuerySet[UseRequest]:
    """The reception queue: requests for the officer's offices, oldest first."""
    offices = officer_office_ids(user, OfficerRole.Role.RECEPTION)
    qs = UseRequest.objects.filter(office_id__in=offices).exclude(
        status=UseRequest.Status.DRAFT
    )
    if status:
        qs = qs.filter(status=status)
    if category:
        qs = qs.filter(user_category=category)
    if kind:
        qs = qs.filter(kind=kind)
    if older_than_days is not None:
        qs = qs.filter(
            submitted_at__lte=timezone.now() - timedelta(days=older_than_days)
        )
    return qs.select_related("office").order_by("submitted_at", "id")


def _use_request_get_for_requester(*, email: str, code: Any) -> UseRequest:
    """A new request owned by the proven ``email`` that its requester may still
    edit (draft or returned); 404 otherwise."""
    return get_or_404(
        UseRequest.objects.all(),
        code=code,
        email__iexact=email,
        kind=UseRequest.Kind.NEW,
        status__in=EDITABLE_STATUSES,
    )


def use_requests_of_requester(*, email: str) -> QuerySet[UseRequest]:
    return UseRequest.objects.filter(
        email__iexact=email, kind=UseRequest.Kind.NEW
    ).order_by("-created_at")


# --- Organisations ----------------------------------------------------------------


def current_appointments(*, today: Any = None) -> QuerySet[Appointment]:
    """Appointments that give access today: accepted, not ended, and within
    their dates.  An offer waiting for an answer, a declined or ended one,
    and one whose validity date has passed give none."""
    today = today or timezone.localdate()
    return Appointment.objects.filter(
        accepted_at__isnull=False, ended_at__isnull=True, valid_from__lte=today
    ).filter(Q(valid_until__isnull=True) | Q(valid_until__gte=today))


def organizations_for_user(*, user: Any) -> QuerySet[Organization]:
    """Organisations the user works for (membership) or is currently appointed
    by (``current_appointments``: accepted, not ended, within its dates).
    An appointee's scope (types, people) is applied by the applications
    selectors."""
    if not user.is_authenticated:
        return Organization.objects.none()
    return _organizations_of(user.pk, timezone.localdate())


def _organizations_of(user_id: int, today: date) -> QuerySet[Organization]:
    appointed = current_appointments(today=today).filter(appointee_id=user_id)
    # pk IN (memberships UNION appointments): two index lookups, where a
    # LEFT JOIN + OR + DISTINCT scanned both whole tables (every
    # organisation-side page pays for this query).
    mine = (
        Membership.objects.filter(user_id=user_id)
        .values("organization_id")
        .union(appointed.values("organization_id"))
    )
    return Organization.objects.filter(pk__in=mine)


# The same read for the pages every organisation user opens (the case list,
# the case page, the filing steps), compiled once per process: building the
# union cost about 2 ms of Python a page (README, "Performance").
ORGANIZATIONS_OF_USER = CompiledQuery(
    lambda user_id, today: (
        _organizations_of(user_id, today)
        .order_by("name_ja", "pk")
        .values_list("pk", "code", "name_ja", "name_en")
    ),
    kinds=(int, date),
    prepared=True,
)


def officer_roles_text() -> Subquery:
    """For the query that reads the request's user (an ``OuterRef("pk")``
    subquery): the user's officer roles as ``id:role:office_id`` joined by
    commas (NULL for none), so that the roles cost no second query on every
    officer page.  Read afresh with the user on each request, like the user:
    a role withdrawn is gone on the next one."""
    return Subquery(
        OfficerRole.objects.filter(user=OuterRef("pk"))
        .order_by()
        .values("user")
        .annotate(
            text=StringAgg(
                Concat(
                    Cast("pk", CharField()),
                    Value(":"),
                    "role",
                    Value(":"),
                    Cast("office_id", CharField()),
                    output_field=CharField(),
                ),
                Value(","),
            )
        )
        .values("text"),
        output_field=CharField(),
    )


_KEPT = "_zairyu_organizations"


def keep_organizations(user: Any, organizations: list[Organization]) -> None:
    """Keep the user's organisations of today (``ORGANIZATIONS_OF_USER``
    objects, read with the user by the authentication backend) on the user
    object for the rest of the request."""
    setattr(user, _KEPT, organizations)


def organizations_today(*, user: Any) -> list[Organization]:
    """The organisations the user works for today (pk, code and names read),
    by Japanese name: as read with the user, or read now (once a request)."""
    if not user.is_authenticated:
        return []
    kept = getattr(user, _KEPT, None)
    if kept is None:
        kept = ORGANIZATIONS_OF_USER.objects(user.pk, timezone.localdate())
        keep_organizations(user, kept)
    # An API key may narrow the request to some of them (api/auth.py).
    narrowed = getattr(user, "_zairyu_org_ids", None)
    return [o for o in kept if narrowed is None or o.pk in narrowed]


def organization_get_for_user(*, user: Any, code: Any) -> Organization:
    """The organisation if the user belongs to or is appointed by it; else 404."""
    return get_or_404(
        organizations_for_user(user=user).select_related("prefecture", "office"),
        code=code,
    )


# --- Reception --------------------------------------------------------------------


def use_request_status_counts(*, user: Any) -> dict[str, int]:
    """How many requests and reports of the officer's offices are in each
    status (drafts excluded); one grouped query."""
    offices = officer_office_ids(user, OfficerRole.Role.RECEPTION)
    rows = (
        UseRequest.objects.filter(office_id__in=offices)
        .exclude(status=UseRequest.Status.DRAFT)
        .values("status")
        .annotate(n=Count("id"))
    )
    counts = {row["status"]: row["n"] for row in rows}
    return {
        status: counts.get(status, 0)
        for status in UseRequest.Status.values
        if status != UseRequest.Status.DRAFT
    }


def use_request_waiting_by_kind(*, user: Any) -> dict[str, int]:
    """Submitted requests and periodic reports waiting for the officer's
    offices, by kind (for the dashboard panel); one grouped query."""
    offices = officer_office_ids(user, OfficerRole.Role.RECEPTION)
    rows = (
        UseRequest.objects.filter(
            office_id__in=offices, status=UseRequest.Status.SUBMITTED
        )
        .values("kind")
        .annotate(n=Count("id"))
    )
    counts = {row["kind"]: row["n"] for row in rows}
    return {kind: counts.get(kind, 0) for kind in UseRequest.Kind.values}


# Audit actions that make up a request's history on the review page.
_HISTORY_ACTIONS = (
    AuditAction.USE_REQUEST_CREATE,
    AuditAction.USE_REQUEST_SUBMIT,
    AuditAction.USE_REQUEST_RETURN,
    AuditAction.USE_REQUEST_APPROVE,
    AuditAction.USE_REQUEST_REJECT,
    AuditAction.PERIODIC_REPORT_APPROVE,
)


def use_request_history(*, use_request: UseRequest) -> QuerySet[AuditEvent]:
    """Submissions, returns and decisions of a request, oldest first (read
    from the audit trail, which the application cannot rewrite)."""
    return AuditEvent.objects.filter(
        object_type=UseRequest._meta.label_lower,
        object_code=str(use_request.code),
        action__in=_HISTORY_ACTIONS,
    ).order_by("at", "id")


def users_of_office(*, user: Any, status: str | None = None) -> QuerySet[User]:
    """Portal users whose organisations belong to one of the reception
    officer's offices — by membership or by an accepted appointment that has
    not ended — ordered by user ID."""
    offices = officer_office_ids(user, OfficerRole.Role.RECEPTION)
    ids = (
        User.objects.filter(user_category__isnull=False)
        .filter(
            Q(memberships__organization__office_id__in=offices)
            | Q(
                appointments__organization__office_id__in=offices,
                appointments__ended_at__isnull=True,
                # An offer not accepted yet is not work for the organisation.
                appointments__accepted_at__isnull=False,
            )
        )
        .values("pk")
    )
    qs = User.objects.filter(pk__in=ids)
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("username")


def office_ids_of_user(*, user: User) -> set[int]:
    """Offices of the organisations the user works for now: memberships and
    accepted appointments that have not ended (one query)."""
    return set(
        Organization.objects.filter(
            Q(memberships__user=user)
            | Q(
                appointments__appointee=user,
                appointments__ended_at__isnull=True,
                appointments__accepted_at__isnull=False,
            )
        ).values_list("office_id", flat=True)
    )


def user_get_for_reception(*, user: Any, code: Any) -> User:
    """A portal user of one of the reception officer's offices; 404 otherwise."""
    return get_or_404(users_of_office(user=user), code=code)


def organizations_of_user(*, user: User) -> QuerySet[Organization]:
    """Every organisation a user belongs to or is (or was) appointed by, for
    reception's user page."""
    return (
        Organization.objects.filter(
            Q(memberships__user=user) | Q(appointments__appointee=user)
        )
        .select_related("office")
        .distinct()
        .order_by("name_ja")
    )


# --- The requester's side -------------------------------------------------------------


def _use_request_get_for_counter_officer(*, user: Any, code: Any) -> UseRequest:
    """A paper request that a reception officer registers at the counter of one
    of their offices and may fill in through the requester's wizard (draft or
    returned); 404 for anything else."""
    offices = officer_office_ids(user, OfficerRole.Role.RECEPTION)
    return get_or_404(
        UseRequest.objects.all(),
        code=code,
        kind=UseRequest.Kind.NEW,
        channel=UseRequest.Channel.COUNTER,
        status__in=EDITABLE_STATUSES,
        office_id__in=offices,
    )


def _use_request_get_submitted_for_requester(*, email: str, code: Any) -> UseRequest:
    """A request of the proven ``email`` that has been submitted (any status
    after the draft), for its confirmation page; 404 otherwise."""
    return get_or_404(
        UseRequest.objects.select_related("office"),
        code=code,
        email__iexact=email,
        kind=UseRequest.Kind.NEW,
        reference_number__isnull=False,
    )


Purpose = Literal["edit", "confirmation", "review"]


def use_request_get_for_visitor(
    *, user: Any, proven_email: str, code: Any, purpose: Purpose
) -> UseRequest:
    """The one access function for requests for use; 404 for anyone else,
    whether or not the request exists.

    - ``edit``: the requester, by the email address proven in their session
      (a draft or returned request), or a reception officer of the office for
      a paper request registered at the counter.
    - ``confirmation``: the requester of a submitted request, or reception of
      its office.
    - ``review``: reception of the request's office, any status but draft.
    """
    if purpose != "review" and proven_email:
        try:
            if purpose == "edit":
                return _use_request_get_for_requester(email=proven_email, code=code)
            return _use_request_get_submitted_for_requester(
                email=proven_email, code=code
            )
        except Http404:
            pass
    if not getattr(user, "is_authenticated", False):
        raise Http404
    if purpose == "edit":
        return _use_request_get_for_counter_officer(user=user, code=code)
    return _use_request_get_for_officer(user=user, code=code)


def use_request_acting_user(
    *, user: Any, proven_email: str, use_request: UseRequest
) -> User | None:
    """Who acts on a request reached with ``purpose="edit"``: None for its
    requester (no account), else the counter officer."""
    if proven_email and use_request.email.lower() == proven_email.lower():
        return None
    return user if isinstance(user, User) else None


def use_request_documents(*, use_request: UseRequest) -> QuerySet[UseRequestDocument]:
    return use_request.documents.select_related("file").order_by(
        "slot", "file__created_at"
    )


def use_request_document_get(
    *, use_request: UseRequest, file_code: Any
) -> UseRequestDocument:
    """One file of a request the caller already may see; 404 if it is not one."""
    return get_or_404(
        use_request.documents.select_related("file"), file__code=file_code
    )


def use_request_documents_size(use_request: UseRequest) -> int:
    """Bytes of all files attached to the request."""
    total = UseRequestDocument.objects.filter(use_request=use_request).aggregate(
        total=Sum("file__size")
    )["total"]
    return int(total or 0)


def use_request_file_access(user: Any, stored_file: Any) -> Access:
    """File-access checker for purpose "use_request" (registered in
    AccountsConfig.ready): reception officers of the request's office may view
    its files inline once it is submitted — or while a paper request they
    register at the counter is a draft; the user who filed a periodic report
    may download its files.  Nobody else: a requester without an account sees
    their files through the wizard's own view (accounts/views/request_wizard.py)."""
    document = (
        UseRequestDocument.objects.select_related("use_request")
        .filter(file_id=stored_file.pk)
        .first()
    )
    if document is None:
        return "none"
    use_request = document.use_request
    officer_may_see = (
        use_request.status != UseRequest.Status.DRAFT
        or use_request.channel == UseRequest.Channel.COUNTER
    )
    if officer_may_see and use_request.office_id in officer_office_ids(
        user, OfficerRole.Role.RECEPTION
    ):
        return "view_inline"
    if use_request.filed_by_id is not None and use_request.filed_by_id == user.pk:
        return "view"
    return "none"


# --- The organisation side ------------------------------------------------------------


def organization_users(*, organization: Organization) -> list[dict[str, Any]]:
    """The organisation's portal users: its staff (membership) and its current
    appointees, each as ``{"user", "relation": "member"|"appointee",
    "appointment"}``, staff first, then by name.  Two queries."""
    today = timezone.localdate()
    members = [
        {"user": m.user, "relation": "member", "appointment": None}
        for m in organization.memberships.select_related("user")
    ]
    appointees = [
        {"user": a.appointee, "relation": "appointee", "appointment": a}
        for a in current_appointments(today=today)
        .filter(organization=organization)
        .select_related("appointee")
    ]

    def order(item: dict[str, Any]) -> tuple[int, str]:
        return (0 if item["relation"] == "member" else 1, item["user"].display_name)

    return sorted(members + appointees, key=order)


def organization_appointments(*, organization: Organization) -> QuerySet[Appointment]:
    """Every appointment of the organisation, current first, with the appointee."""
    return (
        Appointment.objects.filter(organization=organization)
        .select_related("appointee")
        .order_by("ended_at", "-created_at", "-id")
    )


def appointments_offered_to(*, user: Any) -> QuerySet[Appointment]:
    """Appointments offered to the user and waiting for their answer (not
    past their validity date), oldest first, with the organisation."""
    today = timezone.localdate()
    return (
        Appointment.objects.filter(
            appointee=user,
            accepted_at__isnull=True,
            ended_at__isnull=True,
        )
        .filter(Q(valid_until__isnull=True) | Q(valid_until__gte=today))
        .select_related("organization", "appointed_by")
        .order_by("created_at", "id")
    )


def appointment_get_for_appointee(*, user: Any, code: Any) -> Appointment:
    """One of the user's own appointments (any state); else 404."""
    if not getattr(user, "is_authenticated", False):
        raise Http404
    return get_or_404(
        Appointment.objects.select_related("organization"),
        appointee=user,
        code=code,
    )


def appointment_get_for_organization(
    *, organization: Organization, code: Any
) -> Appointment:
    """One appointment of an organisation the caller already may see; else 404."""
    return get_or_404(
        Appointment.objects.select_related("appointee", "organization"),
        organization=organization,
        code=code,
    )


def roster_entries(*, organization: Organization) -> QuerySet[RosterEntry]:
    return RosterEntry.objects.filter(organization=organization).order_by(
        "family_name", "given_name", "date_of_birth", "id"
    )


def roster_entry_get_for_organization(
    *, organization: Organization, code: Any
) -> RosterEntry:
    """One roster entry of an organisation the caller already may see; else 404."""
    return get_or_404(
        RosterEntry.objects.select_related("organization"),
        organization=organization,
        code=code,
    )


def periodic_report_open(*, organization: Organization) -> UseRequest | None:
    """The organisation's periodic report in progress (draft, submitted or
    returned), if any."""
    return (
        UseRequest.objects.filter(
            organization=organization,
            kind=UseRequest.Kind.PERIODIC,
            status__in=[
                UseRequest.Status.DRAFT,
                UseRequest.Status.SUBMITTED,
                UseRequest.Status.RETURNED,
            ],
        )
        .select_related("office", "filed_by")
        .order_by("-created_at")
        .first()
    )


def periodic_reports_of_organization(
    *, organization: Organization
) -> QuerySet[UseRequest]:
    return (
        UseRequest.objects.filter(
            organization=organization, kind=UseRequest.Kind.PERIODIC
        )
        .exclude(status=UseRequest.Status.DRAFT)
        .select_related("filed_by")
        .order_by("-submitted_at")
    )


def periodic_report_get_for_organization(
    *, organization: Organization, code: Any
) -> UseRequest:
    """A periodic report of an organisation the caller already may see; else 404."""
    return get_or_404(
        UseRequest.objects.select_related("office", "organization", "filed_by"),
        organization=organization,
        kind=UseRequest.Kind.PERIODIC,
        code=code,
    )


def officers_of_office(*, office_id: int | None, roles: list[str]) -> list[User]:
    """Active officers holding any of ``roles`` at the office (for
    notifications), in a stable order."""
    if office_id is None:
        return []
    return list(
        User.objects.filter(
            officer_roles__office_id=office_id,
            officer_roles__role__in=roles,
            is_active=True,
        )
        .distinct()
        .order_by("pk")
    )


# --- Tokens and the requester's wizard ----------------------------------------------------


def token_hash(token: str) -> str:
    """How link tokens are stored: only their hash."""
    return hashlib.sha256(token.encode()).hexdigest()


def email_proof_check(*, token: str) -> EmailProof:
    """The live proof for ``token`` without using it, or TokenError
    ('unknown'|'used'|'expired').  The link's page calls this on GET so that a
    mail scanner opening the link does not use it up; redeeming is a POST."""
    proof = EmailProof.objects.filter(token_hash=token_hash(token)).first()
    if proof is None:
        raise TokenError("unknown")
    if proof.used_at is not None:
        raise TokenError("used")
    if proof.expires_at < timezone.now():
        raise TokenError("expired")
    return proof


def set_password_token_check(*, token: str) -> SetPasswordToken:
    """The live token for ``token`` or TokenError('unknown'|'used'|'replaced'|
    'expired').

    A link is dead once the account has a usable password, whichever link set
    it ('used'; later changes go through the password reset), and once a newer
    link was issued ('replaced': issuing marks the older ones used while the
    account still has no password)."""
    found = (
        SetPasswordToken.objects.select_related("user")
        .filter(token_hash=token_hash(token))
        .first()
    )
    if found is None:
        raise TokenError("unknown")
    if found.user.has_usable_password():
        raise TokenError("used")
    if found.used_at is not None:
        raise TokenError("replaced")
    if found.expires_at < timezone.now():
        raise TokenError("expired")
    return found


# Document slots every request needs; the registry certificate (corporations)
# and proof of appointment (categories 2–4) are added by use_request_problems.
REQUIRED_DOCUMENTS = {
    UseRequest.Kind.NEW: ["org_summary", "pledge", "category"],
    UseRequest.Kind.PERIODIC: ["user_list", "category"],
}

ORG_FIELDS = (
    "org_name_ja",
    "org_postal_code",
    "org_prefecture_id",
    "org_address",
    "org_representative",
    "org_phone",
    "org_category",
)


def use_request_problems(use_request: UseRequest) -> list[Problem]:
    """What still stops this request from being submitted, as (item, message)
    pairs for the check-answers page.  Reads the request's documents and any
    other pending request of the same requester; writes nothing."""
    from accounts import messages

    problems: list[Problem] = []
    if use_request.kind == UseRequest.Kind.NEW:
        problems += _new_request_problems(use_request)
    if not all(getattr(use_request, name) for name in DECLARATION_FIELDS):
        problems.append(("declarations", messages.MISSING_DECLARATIONS))
    slots = set(use_request.documents.values_list("slot", flat=True))
    required = list(REQUIRED_DOCUMENTS[UseRequest.Kind(use_request.kind)])
    if use_request.kind == UseRequest.Kind.NEW and use_request.org_is_corporation:
        required.append("registry")
    if (
        use_request.kind == UseRequest.Kind.NEW
        and use_request.user_category
        and use_request.user_category > 1
    ):
        required.append("appointment")
    for slot in required:
        if slot not in slots:
            label = UseRequestDocument.Slot(slot).label
            problems.append(
                ("documents", messages.MISSING_DOCUMENT.format(document=label))
            )
    if use_request.office is None:
        problems.append(("office", messages.MISSING_OFFICE))
    elif not use_request.office.accepts_use_requests:
        problems.append(("office", messages.OFFICE_NOT_ACCEPTING))
    if use_request.kind == UseRequest.Kind.NEW and use_request.org_corporate_number:
        duplicate = UseRequest.objects.filter(
            email__iexact=use_request.email,
            org_corporate_number=use_request.org_corporate_number,
            status__in=[UseRequest.Status.SUBMITTED, UseRequest.Status.RETURNED],
        ).exclude(pk=use_request.pk)
        if duplicate.exists():
            problems.append(("organization", messages.DUPLICATE_PENDING))
    return problems


def _new_request_problems(use_request: UseRequest) -> list[Problem]:
    from accounts import messages

    problems: list[Problem] = []
    if not use_request.user_category:
        problems.append(("category", messages.MISSING_CATEGORY))
    if use_request.org_is_corporation is None or any(
        not getattr(use_request, name) for name in ORG_FIELDS
    ):
        problems.append(("organization", messages.MISSING_ORGANIZATION))
    elif use_request.org_is_corporation and not use_request.org_corporate_number:
        problems.append(("organization", messages.MISSING_CORPORATE_NUMBER))
    if not all(
        [
            use_request.full_name,
            use_request.full_name_kana,
            use_request.phone,
            use_request.position,
        ]
    ):
        problems.append(("person", messages.MISSING_PERSON))
    if (
        use_request.user_category
        and use_request.user_category > 1
        and not use_request.affiliation
    ):
        problems.append(("person", messages.MISSING_AFFILIATION))
    if use_request.user_category == User.Category.ATTORNEY and not (
        use_request.toritsugi_number and use_request.toritsugi_issuer
    ):
        problems.append(("person", messages.MISSING_TORITSUGI))
    if not use_request.roster:
        problems.append(("roster", messages.MISSING_ROSTER))
    return problems


# --- Officer roles (bureau administrators) --------------------------------------------


def officer_roles_at(*, office_ids: list[int]) -> QuerySet[OfficerRole]:
    """The officer roles held at these offices, by office, role and user."""
    return (
        OfficerRole.objects.filter(office_id__in=office_ids)
        .select_related("user", "office")
        .order_by("office__sort_order", "office__code", "role", "user__username")
    )


def officer_role_get_at(*, office_ids: list[int], pk: int) -> OfficerRole:
    """One officer role at these offices; 404 for any other."""
    return get_or_404(officer_roles_at(office_ids=office_ids), pk=pk)
