from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core import context
from allauth.mfa.adapter import DefaultMFAAdapter
from allauth.mfa.models import Authenticator


class AccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request: HttpRequest) -> bool:
        # Accounts come only from approved requests for use.
        return False

    def is_ajax(self, request: HttpRequest) -> bool:
        return False

    def is_reauthentication_required(self, *, app: str, **kwargs: Any) -> bool:
        # First-time TOTP enrolment happens straight after signing in with the
        # password; asking for the password again there only adds friction.
        # Every later MFA change (and every officer decision) re-authenticates.
        if app == "allauth.mfa":
            user = getattr(context.request, "user", None)
            if user is not None and user.is_authenticated and not _has_totp(user):
                return False
        return super().is_reauthentication_required(app=app, **kwargs)


def _has_totp(user: Any) -> bool:
    return Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()


class MFAAdapter(DefaultMFAAdapter):
    def can_delete_authenticator(self, authenticator: Authenticator) -> bool:
        # TOTP is mandatory; it can be replaced (reset by an administrator) but
        # never switched off by the user.
        return authenticator.type != Authenticator.Type.TOTP

    def _get_user_identifier(self, user: Any) -> str:
        return str(user.username)
