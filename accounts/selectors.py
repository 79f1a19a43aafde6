"""Reads for the accounts app."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone

from accounts.models import (
    Appointment,
    Office,
    OfficerRole,
    Organization,
    Prefecture,
    UseRequest,
)
from accounts.permissions import officer_office_ids


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
