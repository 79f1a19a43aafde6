"""Reception's decisions on requests for use and periodic reports: approve
(which creates the organisation, the account and its relations, or extends a
periodic report's users), return for correction, reject.  Each goes through
``use_request_transition``, which checks the deciding officer."""

from __future__ import annotations

import secrets
from datetime import date

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from dateutil.relativedelta import relativedelta

from accounts import permissions
from accounts.errors import ExistingAccountRefused
from accounts.models import Appointment, Membership, Organization, User, UseRequest
from accounts.services.roster import import_roster
from accounts.services.tokens import absolute_url, set_password_token_issue
from accounts.services.use_requests import use_request_transition
from accounts.workflow import RequestAction
from portal.lib.codes import allocate_unique
from portal.notifications.kinds import NotificationKind
from portal.notifications.services import notify

# User IDs: no 0/O, 1/I/L, so they can be read out and typed from paper.
_ID_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"


def _new_user_id() -> str:
    """A random candidate user ID (10 characters, not sequential)."""
    return "".join(secrets.choice(_ID_ALPHABET) for _ in range(10))


def _approval_until(today: date) -> date:
    return today + relativedelta(years=settings.USE_APPROVAL_YEARS)


def use_request_approve(
    *, use_request: UseRequest, actor: User, expected_version: int | None = None
) -> UseRequest:
    """Approve a request for use or a periodic report.

    New request: creates or reuses the organisation (by corporate number),
    creates the person's account with a generated user ID, the membership
    (category 1) or appointments (2–4), imports the roster, and emails the ID
    with a single-use set-password link (72 hours).  Periodic report: extends
    the approval of every user of the organisation.  Raises PermissionDenied
    unless ``actor`` is reception of the request's office, StaleEdit,
    IllegalTransition."""

    def apply(locked: UseRequest) -> list[str]:
        today = timezone.localdate()
        until = _approval_until(today)
        if locked.kind == UseRequest.Kind.PERIODIC:
            _extend_organization_users(locked, until)
        else:
            _create_account(locked, today, until)
        locked.decided_at = timezone.now()
        locked.decided_by = actor
        return ["decided_at", "decided_by", "organization", "resulting_user"]

    return use_request_transition(
        use_request=use_request,
        action=RequestAction.APPROVE,
        actor=actor,
        expected_version=expected_version,
        apply=apply,
    )


def _extend_organization_users(report: UseRequest, until: date) -> None:
    organization = report.organization
    if organization is None:  # a periodic report always names one
        raise ValueError("periodic report without an organisation")
    users = _organization_users(organization)
    User.objects.filter(pk__in=[user.pk for user in users]).update(valid_until=until)
    for user in users:
        notify(
            recipient=user,
            kind=NotificationKind.PERIODIC_REPORT_APPROVED,
            context={
                "reference_number": report.reference_number,
                "valid_until": until.isoformat(),
                "organization": organization.name_ja,
            },
        )


def _create_account(use_request: UseRequest, today: date, until: date) -> None:
    existing = permissions.existing_account_for(use_request)
    if existing is not None:
        _link_account(use_request, existing, today, until)
        return
    organization = _organization_for(use_request)
    user = User(
        email=use_request.email,
        full_name=use_request.full_name,
        full_name_kana=use_request.full_name_kana,
        phone=use_request.phone,
        position=use_request.position,
        affiliation=use_request.affiliation,
        language=use_request.language,
        user_category=use_request.user_category,
        valid_until=until,
    )
    user.set_unusable_password()

    def write(username: str) -> User:
        user.username = username
        user.save()
        return user

    allocate_unique(_new_user_id, write, label="user ID")
    _relate(use_request, user, organization, today)
    import_roster(organization, use_request.roster)
    use_request.resulting_user = user
    token = set_password_token_issue(user)
    notify(
        recipient=user,
        kind=NotificationKind.ACCOUNT_APPROVED,
        context={
            "user_id": user.username,
            "reference_number": use_request.reference_number,
            "valid_until": until.isoformat(),
            "secret_link": absolute_url("accounts:set_password", token),
        },
    )
    use_request.organization = organization


def _relate(
    use_request: UseRequest, user: User, organization: Organization, today: date
) -> None:
    """The membership (category 1) or the appointments (2–4: the organisation
    and every appointer) the request asks for; an existing live relation is
    kept as it is."""
    if use_request.user_category == User.Category.ORG_STAFF:
        Membership.objects.get_or_create(user=user, organization=organization)
        return
    appointers = [organization] + [
        appointer.organization
        for appointer in use_request.appointers.select_related("organization")
        if appointer.organization is not None
    ]
    for appointer_organization in dict.fromkeys(appointers):
        if not Appointment.objects.filter(
            appointee=user, organization=appointer_organization, ended_at=None
        ).exists():
            # Approval is the appointee's own request: accepted when made,
            # with the scope "everything" (the organisation may narrow it).
            Appointment.objects.create(
                appointee=user,
                organization=appointer_organization,
                valid_from=today,
                accepted_at=timezone.now(),
            )


def _link_account(
    use_request: UseRequest, existing: User, today: date, until: date
) -> None:
    """The request's email already has an account: link that account to the
    organisation instead of creating a second one (which the unique email
    constraint refuses).  The account keeps its user ID and password; its
    approval is extended to ``until`` if that is later; no set-password link
    is sent.  Raises ExistingAccountRefused when it cannot be linked."""
    refusal = permissions.existing_account_refusal(use_request)
    if refusal is not None:
        raise ExistingAccountRefused(refusal)
    user = User.objects.select_for_update().get(pk=existing.pk)
    organization = _organization_for(use_request)
    _relate(use_request, user, organization, today)
    if user.valid_until is not None and user.valid_until < until:
        user.valid_until = until
        user.save(update_fields=["valid_until"])
    import_roster(organization, use_request.roster)
    use_request.resulting_user = user
    use_request.organization = organization
    notify(
        recipient=user,
        kind=NotificationKind.ACCOUNT_LINKED,
        context={
            "user_id": user.username,
            "reference_number": use_request.reference_number,
            "valid_until": str(user.valid_until or ""),
            "organization": organization.name_ja,
        },
    )


def _organization_for(use_request: UseRequest) -> Organization:
    if use_request.organization is not None:
        return use_request.organization
    if use_request.org_corporate_number:
        existing = Organization.objects.filter(
            corporate_number=use_request.org_corporate_number
        ).first()
        if existing is not None:
            return existing
    if (
        use_request.org_category is None
        or use_request.org_prefecture is None
        or use_request.office is None
    ):
        # use_request_problems refuses submission without them.
        raise ValueError(
            "an approved request always has category, prefecture and office"
        )
    return Organization.objects.create(
        name_ja=use_request.org_name_ja,
        name_en=use_request.org_name_en,
        is_corporation=bool(use_request.org_is_corporation),
        corporate_number=use_request.org_corporate_number or None,
        category=use_request.org_category,
        postal_code=use_request.org_postal_code,
        prefecture=use_request.org_prefecture,
        address=use_request.org_address,
        representative=use_request.org_representative,
        phone=use_request.org_phone,
        office=use_request.office,
    )


def _organization_users(organization: Organization) -> list[User]:
    today = timezone.localdate()
    return list(
        User.objects.filter(
            Q(memberships__organization=organization)
            | (
                Q(
                    appointments__organization=organization,
                    appointments__ended_at__isnull=True,
                    appointments__valid_from__lte=today,
                )
                & (
                    Q(appointments__valid_until__isnull=True)
                    | Q(appointments__valid_until__gte=today)
                )
            )
        )
        .exclude(status=User.Status.REVOKED)
        .distinct()
    )


def use_request_return(
    *,
    use_request: UseRequest,
    actor: User,
    comments: dict[str, str],
    expected_version: int | None = None,
) -> UseRequest:
    """Return for correction with a comment per item; the requester corrects
    and resubmits.  ``comments`` must name at least one item."""
    comments = {k: v.strip() for k, v in comments.items() if v and v.strip()}
    if not comments:
        raise ValueError("at least one comment is required")

    def apply(locked: UseRequest) -> list[str]:
        locked.return_comments = comments
        return ["return_comments"]

    return use_request_transition(
        use_request=use_request,
        action=RequestAction.RETURN,
        actor=actor,
        expected_version=expected_version,
        apply=apply,
        audit_data={"items": ",".join(sorted(comments))},
        notify_kind=NotificationKind.USE_REQUEST_RETURNED,
        email_context={"secret_link": absolute_url("accounts:request_start")},
    )


def use_request_reject(
    *,
    use_request: UseRequest,
    actor: User,
    reason: str,
    expected_version: int | None = None,
) -> UseRequest:
    """Reject with a reason the requester is sent."""
    reason = reason.strip()
    if not reason:
        raise ValueError("a reason is required")

    def apply(locked: UseRequest) -> list[str]:
        locked.decision_reason = reason
        locked.decided_at = timezone.now()
        locked.decided_by = actor
        return ["decision_reason", "decided_at", "decided_by"]

    return use_request_transition(
        use_request=use_request,
        action=RequestAction.REJECT,
        actor=actor,
        expected_version=expected_version,
        apply=apply,
        notify_kind=NotificationKind.USE_REQUEST_REJECTED,
        notify_context={"reason": reason},
    )
