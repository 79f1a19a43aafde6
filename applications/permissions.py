"""Small named predicates; object access lives in selectors."""

from __future__ import annotations

from typing import Any

from accounts.permissions import can_file


def may_file_for(user: Any, organization_ids: set[int], organization_id: int) -> bool:
    """The user may create or change applications of this organisation."""
    return organization_id in organization_ids and can_file(user)
