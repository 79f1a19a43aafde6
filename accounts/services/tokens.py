"""Single-use links: the email proof of a requester without an account and
the set-password link of a newly approved user."""

from __future__ import annotations

import secrets
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from accounts import permissions
from accounts.errors import PasswordLinkRefused, TokenError
from accounts.models import EmailProof, SetPasswordToken, User
from accounts.selectors import set_password_token_check, token_hash
from portal.audit.events import AuditAction
from portal.audit.services import audit_record
from portal.notifications.kinds import NotificationKind
from portal.notifications.services import notify

EMAIL_PROOF_LIFETIME = timedelta(hours=1)
SET_PASSWORD_LIFETIME = timedelta(hours=72)


def absolute_url(name: str, *args: Any) -> str:
    return settings.PORTAL_BASE_URL.rstrip("/") + reverse(name, args=args)


# --- Email proof for requesters without an account --------------------------------


def email_proof_send(*, email: str, language: str) -> EmailProof:
    """Email a single-use link (valid one hour) that proves the address."""
    token = secrets.token_urlsafe(32)
    with transaction.atomic():
        proof = EmailProof.objects.create(
            email=email.strip(),
            token_hash=token_hash(token),
            expires_at=timezone.now() + EMAIL_PROOF_LIFETIME,
        )
        notify(
            to_email=proof.email,
            language=language,
            kind=NotificationKind.EMAIL_PROOF,
            context={"secret_link": absolute_url("accounts:request_verify", token)},
        )
    return proof


def email_proof_redeem(*, token: str) -> str:
    """Use a proof link once; returns the proven address or raises TokenError."""
    with transaction.atomic():
        proof = (
            EmailProof.objects.select_for_update()
            .filter(token_hash=token_hash(token))
            .first()
        )
        if proof is None:
            raise TokenError("unknown")
        if proof.used_at is not None:
            raise TokenError("used")
        if proof.expires_at < timezone.now():
            raise TokenError("expired")
        proof.used_at = timezone.now()
        proof.save(update_fields=["used_at"])
    return proof.email


# --- Set-password links -------------------------------------------------------------------


def set_password_token_issue(user: User) -> str:
    """A new set-password token for ``user`` (valid 72 hours); the caller
    emails the link in the same transaction.

    One live link per account: every older unused link is revoked (marked
    used) in the same transaction, so a late or forwarded email cannot set the
    password after a newer one was sent."""
    token = secrets.token_urlsafe(32)
    now = timezone.now()
    with transaction.atomic():
        SetPasswordToken.objects.filter(user=user, used_at__isnull=True).update(
            used_at=now
        )
        SetPasswordToken.objects.create(
            user=user,
            token_hash=token_hash(token),
            expires_at=now + SET_PASSWORD_LIFETIME,
        )
    return token


def set_password_complete(*, token: str, password: str) -> User:
    """Set the first password through a link, once.  Raises TokenError or
    django ValidationError (password rules).

    Locks the account row, refuses when the account already has a usable
    password, and consumes every link of the account (not only this one)."""
    with transaction.atomic():
        found = set_password_token_check(token=token)
        user = User.objects.select_for_update().get(pk=found.user_id)
        if user.has_usable_password():
            raise TokenError("used")
        validate_password(password, user)
        claimed = SetPasswordToken.objects.filter(
            pk=found.pk, used_at__isnull=True
        ).update(used_at=timezone.now())
        if not claimed:
            raise TokenError("used")
        SetPasswordToken.objects.filter(user=user, used_at__isnull=True).update(
            used_at=timezone.now()
        )
        user.set_password(password)
        user.save(update_fields=["password"])
        audit_record(actor=user, action=AuditAction.ACCOUNT_PASSWORD_SET, obj=user)
    return user


def set_password_link_refused(*, token: str, reason: str) -> None:
    """Audit a refused use of a set-password link that names an account (an
    unknown token names nobody and is not recorded)."""
    found = (
        SetPasswordToken.objects.select_related("user")
        .filter(token_hash=token_hash(token))
        .first()
    )
    if found is None:
        return
    audit_record(
        actor=None,
        action=AuditAction.ACCOUNT_PASSWORD_LINK_REFUSED,
        obj=found.user,
        data={"reason": reason},
    )


def set_password_link_reissue(*, user: User, actor: User) -> None:
    """Reception sends a fresh link (e.g. the first expired).  Raises
    PermissionDenied unless ``actor`` manages the account, and
    PasswordLinkRefused when the user has a password or is revoked."""
    with transaction.atomic():
        locked = User.objects.select_for_update().get(pk=user.pk)
        if not permissions.may_manage_account(actor, locked):
            raise PermissionDenied
        refusal = permissions.password_link_refusal(locked)
        if refusal is not None:
            raise PasswordLinkRefused(refusal)
        token = set_password_token_issue(locked)
        audit_record(
            actor=actor, action=AuditAction.ACCOUNT_PASSWORD_LINK_REISSUED, obj=locked
        )
        notify(
            recipient=locked,
            kind=NotificationKind.ACCOUNT_APPROVED,
            context={
                "user_id": locked.username,
                "valid_until": str(locked.valid_until or ""),
                "secret_link": absolute_url("accounts:set_password", token),
            },
        )
