"""Small named predicates; object access lives in selectors."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied

from accounts.permissions import can_file


def may_file_for(user: Any, organization_ids: set[int], organization_id: int) -> bool:
    """The user may create or change applications of this organisation."""
    return organization_id in organization_ids and can_file(user)


def ensure_can_file_for(user: Any, organization_id: int) -> None:
    """The one filer guard every service uses (applications and review):
    PermissionDenied unless ``user`` may file for the organisation."""
    from accounts.selectors import user_organization_ids

    if not may_file_for(user, user_organization_ids(user=user), organization_id):
        raise PermissionDenied
