"""Reads for the accounts app."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Count, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from accounts.models import (
    Appointment,
    Office,
    OfficerRole,
    Organization,
    Prefecture,
    RosterEntry,
    User,
    UseRequest,
    UseRequestDocument,
)
from accounts.permissions import officer_office_ids
from accounts.workflow import EDITABLE_STATUSES
from portal.audit.models import AuditEvent
from portal.files.access import Access


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


def use_request_get_for_officer(*, user: Any, code: Any) -> UseRequest:
    """A submitted request (or report) addressed to one of the reception
    officer's offices; 404 for anything else, drafts included."""
    offices = officer_office_ids(user, OfficerRole.Role.RECEPTION)
    try:
        return (
            UseRequest.objects.select_related(
                "office",
                "org_prefecture",
                "organization",
                "decided_by",
                "registered_by",
                "resulting_user",
                "filed_by",
            )
            .exclude(status=UseRequest.Status.DRAFT)
            .get(code=code, office_id__in=offices)
        )
    except (UseRequest.DoesNotExist, ValueError, ValidationError):
        raise Http404 from None


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


def use_request_get_for_requester(*, email: str, code: Any) -> UseRequest:
    """A new request owned by the proven ``email`` that its requester may still
    edit (draft or returned); 404 otherwise."""
    try:
        return UseRequest.objects.get(
            code=code,
            email__iexact=email,
            kind=UseRequest.Kind.NEW,
            status__in=EDITABLE_STATUSES,
        )
    except (UseRequest.DoesNotExist, ValueError, ValidationError):
        raise Http404 from None


def use_requests_of_requester(*, email: str) -> QuerySet[UseRequest]:
    return UseRequest.objects.filter(
        email__iexact=email, kind=UseRequest.Kind.NEW
    ).order_by("-created_at")


# --- Organisations ----------------------------------------------------------------


def organizations_for_user(*, user: Any) -> QuerySet[Organization]:
    """Organisations the user works for (membership) or is currently appointed
    by (an appointment that has not ended and is within its dates)."""
    if not user.is_authenticated:
        return Organization.objects.none()
    today = timezone.localdate()
    appointed = Appointment.objects.filter(
        appointee=user, ended_at__isnull=True, valid_from__lte=today
    ).filter(Q(valid_until__isnull=True) | Q(valid_until__gte=today))
    return Organization.objects.filter(
        Q(memberships__user=user) | Q(pk__in=appointed.values("organization_id"))
    ).distinct()


def organization_get_for_user(*, user: Any, code: Any) -> Organization:
    """The organisation if the user belongs to or is appointed by it; else 404."""
    try:
        return (
            organizations_for_user(user=user)
            .select_related("prefecture", "office")
            .get(code=code)
        )
    except (Organization.DoesNotExist, ValueError, ValidationError):
        raise Http404 from None


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
    "use_request.create",
    "use_request.submit",
    "use_request.return",
    "use_request.approve",
    "use_request.reject",
    "periodic_report.approve",
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
    officer's offices — by membership or by an appointment that has not
    ended — ordered by user ID."""
    offices = officer_office_ids(user, OfficerRole.Role.RECEPTION)
    ids = (
        User.objects.filter(user_category__isnull=False)
        .filter(
            Q(memberships__organization__office_id__in=offices)
            | Q(
                appointments__organization__office_id__in=offices,
                appointments__ended_at__isnull=True,
            )
        )
        .values("pk")
    )
    qs = User.objects.filter(pk__in=ids)
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("username")


def user_get_for_reception(*, user: Any, code: Any) -> User:
    """A portal user of one of the reception officer's offices; 404 otherwise."""
    try:
        return users_of_office(user=user).get(code=code)
    except (User.DoesNotExist, ValueError, ValidationError):
        raise Http404 from None


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


def use_request_get_for_counter_officer(*, user: Any, code: Any) -> UseRequest:
    """A paper request that a reception officer registers at the counter of one
    of their offices and may fill in through the requester's wizard (draft or
    returned); 404 for anything else."""
    offices = officer_office_ids(user, OfficerRole.Role.RECEPTION)
    try:
        return UseRequest.objects.get(
            code=code,
            kind=UseRequest.Kind.NEW,
            channel=UseRequest.Channel.COUNTER,
            status__in=EDITABLE_STATUSES,
            office_id__in=offices,
        )
    except (UseRequest.DoesNotExist, ValueError, ValidationError):
        raise Http404 from None


def use_request_get_submitted_for_requester(*, email: str, code: Any) -> UseRequest:
    """A request of the proven ``email`` that has been submitted (any status
    after the draft), for its confirmation page; 404 otherwise."""
    try:
        return UseRequest.objects.select_related("office").get(
            code=code,
            email__iexact=email,
            kind=UseRequest.Kind.NEW,
            reference_number__isnull=False,
        )
    except (UseRequest.DoesNotExist, ValueError, ValidationError):
        raise Http404 from None


def use_request_documents(*, use_request: UseRequest) -> QuerySet[UseRequestDocument]:
    return use_request.documents.select_related("file").order_by(
        "slot", "file__created_at"
    )


def use_request_document_get(
    *, use_request: UseRequest, file_code: Any
) -> UseRequestDocument:
    """One file of a request the caller already may see; 404 if it is not one."""
    try:
        return use_request.documents.select_related("file").get(file__code=file_code)
    except (UseRequestDocument.DoesNotExist, ValueError, ValidationError):
        raise Http404 from None


def use_request_file_access(user: Any, stored_file: Any) -> Access:
    """File-access checker for purpose "use_request" (registered in
    AccountsConfig.ready): reception officers of the request's office may view
    its files inline once it is submitted — or while a paper request they
    register at the counter is a draft; the user who filed a periodic report
    may download its files.  Nobody else: a requester without an account sees
    their files through the wizard's own view (accounts/views/request.py)."""
    document = (
        UseRequestDocument.objects.select_related("use_request")
        .filter(file_id=stored_file.pk)
        .first()
    )
    if document is None:
        return "none"
    r = document.use_request
    officer_may_see = (
        r.status != UseRequest.Status.DRAFT or r.channel == UseRequest.Channel.COUNTER
    )
    if officer_may_see and r.office_id in officer_office_ids(
        user, OfficerRole.Role.RECEPTION
    ):
        return "view_inline"
    if r.filed_by_id is not None and r.filed_by_id == user.pk:
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
        for a in Appointment.objects.filter(
            organization=organization, ended_at__isnull=True, valid_from__lte=today
        )
        .filter(Q(valid_until__isnull=True) | Q(valid_until__gte=today))
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
        .order_by("ended_at", "-valid_from", "id")
    )


def appointment_get_for_organization(
    *, organization: Organization, code: Any
) -> Appointment:
    """One appointment of an organisation the caller already may see; else 404."""
    try:
        return Appointment.objects.select_related("appointee", "organization").get(
            organization=organization, code=code
        )
    except (Appointment.DoesNotExist, ValueError, ValidationError):
        raise Http404 from None


def roster_entries(*, organization: Organization) -> QuerySet[RosterEntry]:
    return RosterEntry.objects.filter(organization=organization).order_by(
        "family_name", "given_name", "date_of_birth", "id"
    )


def roster_entry_get_for_organization(
    *, organization: Organization, code: Any
) -> RosterEntry:
    """One roster entry of an organisation the caller already may see; else 404."""
    try:
        return RosterEntry.objects.select_related("organization").get(
            organization=organization, code=code
        )
    except (RosterEntry.DoesNotExist, ValueError, ValidationError):
        raise Http404 from None


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
    try:
        return UseRequest.objects.select_related(
            "office", "organization", "filed_by"
        ).get(organization=organization, kind=UseRequest.Kind.PERIODIC, code=code)
    except (UseRequest.DoesNotExist, ValueError, ValidationError):
        raise Http404 from None


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
