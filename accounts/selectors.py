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
    User,
    UseRequest,
    UseRequestDocument,
)
from accounts.permissions import officer_office_ids
from portal.audit.models import AuditEvent
from portal.files.access import Access

# The purpose files attached to requests for use and periodic reports are
# stored under; accounts/apps.py registers use_request_document_access for it.
USE_REQUEST_DOCUMENT_PURPOSE = "use_request_document"


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
            UseRequest.objects.select_related("office", "org_prefecture", "organization")
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
        qs = qs.filter(submitted_at__lte=timezone.now() - timedelta(days=older_than_days))
    return qs.select_related("office").order_by("submitted_at", "id")


def use_request_get_for_requester(*, email: str, code: Any) -> UseRequest:
    """A new request owned by the proven ``email`` that its requester may still
    edit (draft or returned); 404 otherwise."""
    try:
        return UseRequest.objects.get(
            code=code,
            email__iexact=email,
            kind=UseRequest.Kind.NEW,
            status__in=[UseRequest.Status.DRAFT, UseRequest.Status.RETURNED],
        )
    except (UseRequest.DoesNotExist, ValueError, ValidationError):
        raise Http404 from None


def use_requests_of_requester(*, email: str) -> QuerySet[UseRequest]:
    return UseRequest.objects.filter(email__iexact=email, kind=UseRequest.Kind.NEW).order_by(
        "-created_at"
    )


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
        return organizations_for_user(user=user).select_related("prefecture", "office").get(
            code=code
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


def use_request_document_access(user: Any, stored_file: Any) -> Access:
    """File-access checker for documents attached to requests and reports
    (purpose ``USE_REQUEST_DOCUMENT_PURPOSE``): reception officers of the
    request's office may view them inline (not while it is still a draft);
    the user who filed a periodic report may download its files."""
    document = (
        UseRequestDocument.objects.select_related("use_request")
        .filter(file=stored_file)
        .first()
    )
    if document is None:
        return "none"
    r = document.use_request
    offices = officer_office_ids(user, OfficerRole.Role.RECEPTION)
    if r.office_id in offices and r.status != UseRequest.Status.DRAFT:
        return "view_inline"
    if r.filed_by_id is not None and r.filed_by_id == user.pk:
        return "view"
    return "none"


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
