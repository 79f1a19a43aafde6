"""Small named predicates about users.  Object access lives in selectors."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.utils import timezone

from accounts.models import OfficerRole, User


def is_portal_user(user: Any) -> bool:
    """An organisation-side user (categories 1–4), not an officer."""
    return bool(user.is_authenticated and user.user_category)


def approval_expired(user: User, today: date | None = None) -> bool:
    today = today or timezone.localdate()
    return user.valid_until is not None and user.valid_until < today


def can_file(user: Any, today: date | None = None) -> bool:
    """May create or change anything on the organisation side: an active,
    unexpired account.  Suspended or expired users keep read access."""
    return (
        is_portal_user(user)
        and user.status == User.Status.ACTIVE
        and not approval_expired(user, today)
    )


def officer_office_ids(user: Any, role: str) -> set[int]:
    if not user.is_authenticated:
        return set()
    cache_attr = f"_officer_offices_{role}"
    if not hasattr(user, cache_attr):
        setattr(
            user,
            cache_attr,
            set(
                OfficerRole.objects.filter(user=user, role=role).values_list(
                    "office_id", flat=True
                )
            ),
        )
    return set(getattr(user, cache_attr))


def is_reception_officer(user: Any) -> bool:
    return bool(officer_office_ids(user, OfficerRole.Role.RECEPTION))


def is_member(user: Any, organization: Any) -> bool:
    """Category-1 staff of the organisation (not an appointee)."""
    from accounts.models import Membership

    return bool(
        user.is_authenticated
        and Membership.objects.filter(user=user, organization=organization).exists()
    )


def can_end_appointments(user: Any, organization: Any) -> bool:
    """Only the organisation's own staff, with write access, end appointments;
    an appointee cannot end anyone's (their own included)."""
    return can_file(user) and is_member(user, organization)
