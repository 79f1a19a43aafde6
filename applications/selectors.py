"""Reads for the applications app."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q, QuerySet
from django.http import Http404

from accounts.permissions import can_file
from accounts.selectors import organizations_for_user
from applications.models import (
    Application,
    ApplicationType,
    DocumentSlot,
    Fee,
    ForeignNational,
    StatusOfResidence,
)


def fee_for(
    *,
    application_type: ApplicationType | str,
    variant: str = "",
    channel: str,
    received_on: date,
) -> int:
    """The fee in yen for an application of ``application_type`` (an instance
    or its code) and ``variant`` ("" or, for re-entry, "single"/"multiple")
    filed through ``channel`` ("online"/"counter") and received on
    ``received_on``: the amount of the fee row with the greatest ``valid_from``
    on or before that day.  Free types return 0 (they have rows of 0).

    Raises Fee.DoesNotExist when the table has no such row — a data error,
    never read as "free".
    """
    fees = Fee.objects.filter(
        variant=variant, channel=channel, valid_from__lte=received_on
    )
    if isinstance(application_type, ApplicationType):
        fees = fees.filter(application_type=application_type)
    else:
        fees = fees.filter(application_type__code=application_type)
    amount = fees.order_by("-valid_from").values_list("amount_yen", flat=True).first()
    if amount is None:
        raise Fee.DoesNotExist(
            f"no fee for {application_type} {variant!r} {channel} on {received_on}"
        )
    return amount


# --- Access -----------------------------------------------------------------------


def user_organization_ids(*, user: Any) -> set[int]:
    """Organisations whose applications the user may see (cached per request
    on the user object)."""
    if not hasattr(user, "_zairyu_org_ids"):
        user._zairyu_org_ids = set(
            organizations_for_user(user=user).values_list("pk", flat=True)
        )
    return set(user._zairyu_org_ids)


def applications_for_user(*, user: Any) -> QuerySet[Application]:
    """Main applications (companions travel with them) of the user's
    organisations; drafts included."""
    return (
        Application.objects.filter(
            organization_id__in=user_organization_ids(user=user), main__isnull=True
        )
        .select_related("application_type", "foreign_national", "organization")
        .prefetch_related("companions__application_type")
    )


def application_get_for_user(*, user: Any, code: Any, for_write: bool = False) -> Application:
    """The application if it belongs to one of the user's organisations, else
    404 (also for companions addressed directly: they are reached through
    their main application).  ``for_write`` additionally requires an active
    account (403 for suspended or expired users, who may only read)."""
    try:
        application = (
            Application.objects.select_related(
                "application_type", "foreign_national", "organization", "office",
                "target_status", "target_subcategory",
            )
            .get(code=code, main__isnull=True,
                 organization_id__in=user_organization_ids(user=user))
        )
    except (Application.DoesNotExist, ValueError, ValidationError):
        raise Http404 from None
    if for_write and not can_file(user):
        raise PermissionDenied
    return application


def foreign_nationals_for_user(*, user: Any) -> QuerySet[ForeignNational]:
    return ForeignNational.objects.filter(
        organization_id__in=user_organization_ids(user=user)
    ).select_related("organization", "current_status")


def foreign_national_get_for_user(*, user: Any, code: Any) -> ForeignNational:
    try:
        return foreign_nationals_for_user(user=user).get(code=code)
    except (ForeignNational.DoesNotExist, ValueError, ValidationError):
        raise Http404 from None


# --- Reference data lookups ---------------------------------------------------------


def document_slots_for(
    *, application_type: ApplicationType, status: StatusOfResidence | None,
    org_category: int | None,
) -> list[DocumentSlot]:
    """The document slots for a filing.  Rows match when each of their keys is
    empty (wildcard) or equal; for each slot code the most specific matching
    row wins (type, then status, then category count as specificity)."""
    candidates = DocumentSlot.objects.filter(
        Q(application_type__isnull=True) | Q(application_type=application_type),
        Q(status__isnull=True) | Q(status=status),
        Q(org_category__isnull=True) | Q(org_category=org_category),
    )
    best: dict[str, tuple[int, DocumentSlot]] = {}
    for slot in candidates:
        score = (
            (slot.application_type_id is not None) * 4
            + (slot.status_id is not None) * 2
            + (slot.org_category is not None)
        )
        if slot.code not in best or score > best[slot.code][0]:
            best[slot.code] = (score, slot)
    return sorted((slot for _, slot in best.values()), key=lambda s: (s.sort_order, s.code))
