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


_ROLES_CACHE = "_zairyu_officer_offices"


def officer_offices_by_role(user: Any) -> dict[str, set[int]]:
    """{role: office ids} for the user, loaded with one query and kept on the
    user object for the rest of the request."""
    if not user.is_authenticated:
        return {}
    cached = getattr(user, _ROLES_CACHE, None)
    if cached is None:
        cached = {}
        for role, office_id in OfficerRole.objects.filter(user=user).values_list(
            "role", "office_id"
        ):
            cached.setdefault(role, set()).add(office_id)
        setattr(user, _ROLES_CACHE, cached)
    return cached


def prime_officer_offices(user: Any, roles: Any) -> None:
    """Fill the cache from OfficerRole rows already loaded (no query)."""
    cached: dict[str, set[int]] = {}
    for r in roles:
        if r.user_id == user.pk:
            cached.setdefault(r.role, set()).add(r.office_id)
    setattr(user, _ROLES_CACHE, cached)


def officer_office_ids(user: Any, role: str) -> set[int]:
    return set(officer_offices_by_role(user).get(role, set()))


CASE_ROLES = (
    OfficerRole.Role.EXAMINER,
    OfficerRole.Role.SUPERVISOR,
    OfficerRole.Role.CLERK,
)


def case_office_ids(user: Any) -> set[int]:
    """Offices whose cases the user may see (any case-handling role)."""
    by_role = officer_offices_by_role(user)
    return set().union(*(by_role.get(role, set()) for role in CASE_ROLES))


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
