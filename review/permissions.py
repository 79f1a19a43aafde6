"""Officer roles, by office."""

from __future__ import annotations

from typing import Any

from django.db.models import Q

from accounts.models import OfficerRole
from accounts.permissions import officer_office_ids

Role = OfficerRole.Role
CASE_ROLES = (Role.EXAMINER, Role.SUPERVISOR, Role.CLERK)


def case_office_ids(user: Any) -> set[int]:
    """Offices whose cases the user may see (any case-handling role)."""
    ids: set[int] = set()
    for role in CASE_ROLES:
        ids |= officer_office_ids(user, role)
    return ids


def has_role(user: Any, role: str, office_id: int | None) -> bool:
    return office_id is not None and office_id in officer_office_ids(user, role)


def officer_roles_preload(
    user: Any, *, with_examiners: bool = False
) -> list[OfficerRole]:
    """Load the user's officer roles in one query and fill the per-role cache
    that ``accounts.permissions.officer_office_ids`` keeps on the user object
    (attribute ``_officer_offices_<role>``), so that the role checks later in
    the request cost no query.

    Returns the roles (user and office selected); with ``with_examiners``, in
    the same query, also the examiner roles of every office where the user
    examines or supervises (for the assignee choices)."""
    if not getattr(user, "is_authenticated", False):
        return []
    mine = Q(user=user)
    if with_examiners:
        my_offices = OfficerRole.objects.filter(
            user=user, role__in=[Role.EXAMINER, Role.SUPERVISOR]
        ).values("office_id")
        mine |= Q(role=Role.EXAMINER, office_id__in=my_offices)
    roles = list(
        OfficerRole.objects.filter(mine)
        .select_related("user", "office")
        .order_by("office__sort_order", "user__username", "pk")
    )
    for role in Role.values:
        setattr(
            user,
            f"_officer_offices_{role}",
            {r.office_id for r in roles if r.role == role and r.user_id == user.pk},
        )
    return roles
