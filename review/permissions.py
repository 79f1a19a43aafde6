"""Officer roles, by office."""

from __future__ import annotations

from typing import Any

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
