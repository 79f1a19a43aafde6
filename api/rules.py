"""Who may do what with API keys (the pages and the services ask the same)."""

from __future__ import annotations

from typing import Any

from accounts.permissions import can_file, is_member, is_portal_user
from api.models import ApiKey


def may_create_key(user: Any) -> bool:
    """An active, unexpired organisation-side user (two-step verification
    is already required of every signed-in user)."""
    return is_portal_user(user) and can_file(user)


def may_revoke(user: Any, api_key: ApiKey) -> bool:
    """The key's own user, or write-enabled staff (members, not appointees)
    of an organisation the key serves."""
    if api_key.user_id == user.pk:
        return True
    if not can_file(user):
        return False
    return any(is_member(user, org) for org in api_key.organizations.all())
