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

from allauth.account import signals as account_signals
from allauth.mfa import signals as mfa_signals

from portal.audit.events import AuditAction
from portal.audit.services import audit_record


@receiver(user_logged_in)
def _logged_in(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    audit_record(actor=user, action="auth.login")


@receiver(user_logged_out)
def _logged_out(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    if user is not None:
        audit_record(actor=user, action="auth.logout")


def account_for_credentials(credentials: dict[str, Any]) -> Any | None:
    """The account a sign-in attempt names, by user ID or email address (the
    typed value itself is never stored)."""
    user_model = get_user_model()
    username = credentials.get("username")
    if username:
        user = user_model.objects.filter(username=username).first()
        if user is not None:
            return user
    # allauth also tries an email address as a user ID, so look it up as an
    # address whether or not a user ID was tried first.
    email = credentials.get("email")
    if email:
        return user_model.objects.filter(email__iexact=email).first()
    return None


@receiver(user_login_failed)
def _login_failed(sender: Any, credentials: dict[str, Any], **kwargs: Any) -> None:
    audit_record(
        actor=account_for_credentials(credentials), action=AuditAction.AUTH_LOGIN_FAILED
    )


@receiver(mfa_signals.authentication_failed)
def _mfa_failed(
    sender: Any, request: Any, user: Any, authenticator: Any, **kwargs: Any
) -> None:
    audit_record(
        actor=user,
        action=AuditAction.MFA_FAILED,
        data={
            "type": authenticator.type,
            "reauthentication": bool(kwargs.get("reauthentication")),
        },
    )


@receiver(account_signals.password_reset)
def _password_reset(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    audit_record(actor=user, action=AuditAction.AUTH_PASSWORD_RESET, obj=user)


@receiver(account_signals.password_changed)
def _password_changed(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    audit_record(actor=user, action=AuditAction.AUTH_PASSWORD_CHANGED, obj=user)


@receiver(account_signals.password_set)
def _password_set(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    audit_record(actor=user, action=AuditAction.ACCOUNT_PASSWORD_SET, obj=user)


@receiver(account_signals.email_changed)
def _email_changed(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    # Neither address is recorded (personal values).
    audit_record(actor=user, action=AuditAction.AUTH_EMAIL_CHANGED, obj=user)


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
