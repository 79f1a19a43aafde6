from __future__ import annotations

from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from allauth.mfa.adapter import DefaultMFAAdapter
from allauth.mfa.models import Authenticator
from django.http import HttpRequest


class AccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request: HttpRequest) -> bool:
        # Accounts come only from approved requests for use.
        return False

    def is_ajax(self, request: HttpRequest) -> bool:
        return False


class MFAAdapter(DefaultMFAAdapter):
    def can_delete_authenticator(self, authenticator: Authenticator) -> bool:
        # TOTP is mandatory; it can be replaced (reset by an administrator) but
        # never switched off by the user.
        return authenticator.type != Authenticator.Type.TOTP

    def _get_user_identifier(self, user: Any) -> str:
        return str(user.username)
