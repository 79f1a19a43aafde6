from __future__ import annotations

import time
from typing import Any

from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.db import transaction
from django.http import HttpRequest

from allauth.account import app_settings as account_settings
from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.internal.flows.login import get_authentication_records
from allauth.core import context
from allauth.core.internal.cryptokit import compare_user_code
from allauth.mfa.adapter import DefaultMFAAdapter
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import (
    format_hotp_value,
    hotp_value,
    yield_hotp_counters_from_time,
)

from accounts import messages
from portal.audit.events import AuditAction
from portal.audit.signals import account_for_credentials
from portal.audit.throttling import record_throttled
from portal.lib import encryption


class AccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request: HttpRequest) -> bool:
        # Accounts come only from approved requests for use.
        return False

    def is_ajax(self, request: HttpRequest) -> bool:
        return False

    def get_client_ip(self, request: HttpRequest) -> str:
        # allauth raises ImproperlyConfigured (a 500) when X-Forwarded-For has
        # fewer entries than TRUSTED_PROXY_COUNT: such a request did not come
        # through our proxies, so its own address is the one to count.
        try:
            return str(super().get_client_ip(request))
        except ImproperlyConfigured:
            return str(request.META.get("REMOTE_ADDR") or "unknown")

    def pre_login(self, request: HttpRequest, user: Any, **kwargs: Any) -> Any:
        # A revoked account never signs in, by any route (password, a
        # set-password link), whatever its is_active flag says.
        from accounts.models import User

        if getattr(user, "status", None) == User.Status.REVOKED:
            from allauth.account.internal.stagekit import clear_login

            clear_login(request)
            return self.respond_user_inactive(request, user)
        return super().pre_login(request, user, **kwargs)

    def pre_authenticate(self, request: HttpRequest, **credentials: Any) -> None:
        # A sign-in refused by the per-account/per-address limit is audited
        # (it never reaches Django's user_login_failed).
        try:
            super().pre_authenticate(request, **credentials)
        except ValidationError:
            record_throttled(
                request,
                action=AuditAction.AUTH_LOGIN_THROTTLED,
                actor=account_for_credentials(credentials),
            )
            raise

    def is_reauthentication_required(self, *, app: str, **kwargs: Any) -> bool:
        # First-time TOTP enrolment (and the recovery codes shown right after
        # it) happens straight after signing in; asking for the password again
        # there only adds friction.  So for MFA setup, a sign-in within the
        # re-authentication window counts.  Later MFA changes and every officer
        # decision still need an explicit re-authentication.
        if app == "allauth.mfa":
            request = context.request
            user = getattr(request, "user", None)
            if (
                user is not None
                and user.is_authenticated
                and (not _has_totp(user) or _signed_in_recently(request, user))
            ):
                return False
        return super().is_reauthentication_required(app=app, **kwargs)


def _has_totp(user: Any) -> bool:
    return Authenticator.objects.filter(
        user=user, type=Authenticator.Type.TOTP
    ).exists()


def _signed_in_recently(request: HttpRequest, user: Any) -> bool:
    records = get_authentication_records(request, user)
    return bool(records) and (
        time.time() - records[-1]["at"] < account_settings.REAUTHENTICATION_TIMEOUT
    )


class MFAAdapter(DefaultMFAAdapter):
    # A wrong code says what to do (issue 12): the newest code, every 30 s.
    error_messages = {
        **DefaultMFAAdapter.error_messages,
        "incorrect_code": messages.MFA_CODE_INCORRECT,
    }

    def can_delete_authenticator(self, authenticator: Authenticator) -> bool:
        # TOTP is mandatory; it can be replaced (reset by an administrator) but
        # never switched off by the user.
        return authenticator.type != Authenticator.Type.TOTP

    def _get_user_identifier(self, user: Any) -> str:
        return str(user.username)

    # TOTP seeds and recovery-code seeds are stored encrypted with keys from
    # the environment (review M2): a database dump yields no second factor.
    def encrypt(self, text: str) -> str:
        return encryption.encrypt(text)

    def decrypt(self, encrypted_text: str) -> str:
        return encryption.decrypt(encrypted_text)

    def claim_totp_code(self, *, user_id: int, code: str) -> bool:
        """Record that ``code`` was used, in the database: the authenticator
        keeps the last time step it accepted, and a code of that step or an
        earlier one is refused (RFC 6238 section 5.2).  Called through the
        cache's TOTP marker (``portal.lib.cache``), so replay protection holds
        in every process and does not depend on Redis."""
        with transaction.atomic():
            authenticator = (
                Authenticator.objects.select_for_update()
                .filter(user_id=user_id, type=Authenticator.Type.TOTP)
                .first()
            )
            if authenticator is None:
                return False
            secret = self.decrypt(authenticator.data["secret"])
            step = next(
                (
                    counter
                    for counter in yield_hotp_counters_from_time()
                    if compare_user_code(
                        actual=code,
                        expected=format_hotp_value(hotp_value(secret, counter)),
                    )
                ),
                None,
            )
            last = authenticator.data.get(TOTP_LAST_STEP)
            if step is None or (last is not None and step <= int(last)):
                return False
            Authenticator.objects.filter(pk=authenticator.pk).update(
                data={**authenticator.data, TOTP_LAST_STEP: step}
            )
        return True


# Key in Authenticator.data: the time step of the last accepted TOTP code.
TOTP_LAST_STEP = "last_used_step"
