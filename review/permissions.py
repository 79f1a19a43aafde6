"""Officer roles, by office."""

from __future__ import annotations

from typing import Any

from django.db.models import Q

from accounts.models import OfficerRole
from accounts.permissions import (
    CASE_ROLES,
    case_office_ids,
    officer_office_ids,
    officer_roles_loaded,
    prime_officer_offices,
)

# Re-exported: the review app's views and selectors take them from here.
__all__ = ["CASE_ROLES", "Role", "case_office_ids", "has_role", "officer_roles_preload"]

Role = OfficerRole.Role


def has_role(user: Any, role: str, office_id: int | None) -> bool:
    return office_id is not None and office_id in officer_office_ids(user, role)


def officer_roles_preload(
    user: Any, *, with_examiners: bool = False
) -> list[OfficerRole]:
    """Load the user's officer roles in one query and prime the role cache of
    ``accounts.permissions``, so that the role checks later in the request
    cost no query.

    Returns the user's roles (``role.user`` is ``user`` itself; no join, the
    office not selected).  With ``with_examiners``, in the same query, also
    the examiner roles of every office where the user supervises, users
    selected, ordered by user ID (the assignee choices: only supervisors
    assign, so an examiner's case page loads no colleagues — sixty at
    Tokyo's scale)."""
    if not getattr(user, "is_authenticated", False):
        return []
    if with_examiners:
        my_offices = OfficerRole.objects.filter(user=user, role=Role.SUPERVISOR).values(
            "office_id"
        )
        roles = list(
            OfficerRole.objects.filter(
                Q(user=user) | Q(role=Role.EXAMINER, office_id__in=my_offices)
            )
            .select_related("user")
            .order_by("user__username", "pk")
        )
    else:
        # The common case (every officer page): read with the request's user
        # (accounts.permissions.officer_roles_text); else four narrow
        # columns, where selecting the user again would read the whole user
        # row per role.
        loaded = officer_roles_loaded(user)
        if loaded is not None:
            return loaded
        roles = list(OfficerRole.objects.filter(user=user).order_by("pk"))
    for role in roles:
        if role.user_id == user.pk:
            role.user = user
    prime_officer_offices(user, roles)
    return roles
