"""The authentication backend: allauth's (user ID or email address), which
also refuses a revoked account by its status, whatever ``is_active`` says
(an admin or a script could set the flag back; review item 7)."""

from __future__ import annotations

from typing import Any

from allauth.account.auth_backends import AuthenticationBackend as AllauthBackend


class AuthenticationBackend(AllauthBackend):
    def user_can_authenticate(self, user: Any) -> bool:
        # Also used by get_user(): a session of an account revoked since is
        # no longer a signed-in user on its next request.
        from accounts.models import User

        return super().user_can_authenticate(user) and (
            getattr(user, "status", None) != User.Status.REVOKED
        )
