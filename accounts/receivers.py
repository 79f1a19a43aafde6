"""Reactions to allauth's events (allauth is outside our flow, so signals)."""

from __future__ import annotations

from typing import Any

from django.dispatch import receiver

from allauth.mfa import signals as mfa_signals

from portal.notifications.kinds import NotificationKind
from portal.notifications.services import notify


@receiver(mfa_signals.authenticator_added)
def _tell_user_mfa_added(
    sender: Any, request: Any, user: Any, authenticator: Any, **kwargs: Any
) -> None:
    if authenticator.type == "totp":
        notify(recipient=user, kind=NotificationKind.MFA_ENABLED, link="/accounts/2fa/")
