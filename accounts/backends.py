"""The authentication backend: allauth's (user ID or email address), which
also refuses a revoked account by its status, whatever ``is_active`` says
(an admin or a script could set the flag back; review item 7)."""

from __future__ import annotations

from typing import Any

from allauth.account.auth_backends import AuthenticationBackend as AllauthBackend
from asgiref.sync import sync_to_async


class AuthenticationBackend(AllauthBackend):
    def get_user(self, user_id: Any) -> Any:
        # The user of a session is read from the database on every request
        # (never cached across requests: a deactivated or revoked account is
        # refused on its next one), with the layout's unread badge counted in
        # the same query.
        from portal.notifications.selectors import user_with_unread_count

        user = user_with_unread_count(pk=user_id)
        return user if user is not None and self.user_can_authenticate(user) else None

    async def aget_user(self, user_id: Any) -> Any:
        return await sync_to_async(self.get_user)(user_id)

    def user_can_authenticate(self, user: Any) -> bool:
        # Also used by get_user(): a session of an account revoked since is
        # no longer a signed-in user on its next request.
        from accounts.models import User

        return super().user_can_authenticate(user) and (
            getattr(user, "status", None) != User.Status.REVOKED
        )
