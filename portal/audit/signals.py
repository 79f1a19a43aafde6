"""Sign-in, sign-out and MFA events are audited here, at the one place allauth
and Django announce them."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.signals import (
    user_logged_in,
    user_logged_out,
    user_login_failed,
)
from django.dispatch import receiver

from allauth.mfa import signals as mfa_signals

from portal.audit.services import audit_record


@receiver(user_logged_in)
def _logged_in(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    audit_record(actor=user, action="auth.login")


@receiver(user_logged_out)
def _logged_out(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    if user is not None:
        audit_record(actor=user, action="auth.logout")


@receiver(user_login_failed)
def _login_failed(sender: Any, credentials: dict[str, Any], **kwargs: Any) -> None:
    # The typed login is not stored (it may be an email address); the account,
    # when one matches, is.
    login = credentials.get("username") or credentials.get("email") or ""
    user = None
    if login:
        user_model = get_user_model()
        user = user_model.objects.filter(username=login).first()
    audit_record(actor=user, action="auth.login_failed")


@receiver(mfa_signals.authenticator_added)
def _mfa_added(
    sender: Any, request: Any, user: Any, authenticator: Any, **kwargs: Any
) -> None:
    audit_record(actor=user, action="mfa.added", data={"type": authenticator.type})


@receiver(mfa_signals.authenticator_removed)
def _mfa_removed(
    sender: Any, request: Any, user: Any, authenticator: Any, **kwargs: Any
) -> None:
    audit_record(actor=user, action="mfa.removed", data={"type": authenticator.type})


@receiver(mfa_signals.authenticator_reset)
def _mfa_reset(
    sender: Any, request: Any, user: Any, authenticator: Any, **kwargs: Any
) -> None:
    audit_record(actor=user, action="mfa.reset", data={"type": authenticator.type})
