"""Who may see and change an organisation's webhooks: the organisation's own
staff (members).  Appointees file for the organisation but do not configure
its systems.  Suspended or expired staff may look but not change anything.
The pages ask these to show buttons; the services ask them to refuse."""

from __future__ import annotations

from typing import Any

from accounts.permissions import can_file, ensure, is_member


def may_manage_webhooks(user: Any, organization: Any) -> bool:
    """Add, rotate, disable, enable, delete endpoints and replay deliveries."""
    return can_file(user) and is_member(user, organization)


def ensure_may_manage_webhooks(user: Any, organization: Any) -> None:
    ensure(may_manage_webhooks(user, organization))
