"""The authentication backend: allauth's (user ID or email address), which
also refuses a revoked account by its status, whatever ``is_active`` says
(an admin or a script could set the flag back; review item 7)."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from allauth.account.auth_backends import AuthenticationBackend as AllauthBackend
from asgiref.sync import sync_to_async

from accounts.selectors import ORGANIZATIONS_OF_USER, keep_organizations
from portal.lib.compiled import fetched_together


class AuthenticationBackend(AllauthBackend):
    def get_user(self, user_id: Any) -> Any:
        # The user of a session is read from the database on every request
        # (never cached across requests: a deactivated or revoked account is
        # refused on its next one), with the layout's unread badge and the
        # officer's roles in the same query, and — in the same round trip —
        # the organisations the user works for today, which every
        # organisation-side page reads (``organizations_today``).
        from portal.notifications.selectors import (
            USER_WITH_UNREAD_COUNT,
            inbox_version,
            user_with_unread_count,
        )

        try:
            pk = int(user_id)
        except (TypeError, ValueError):
            return None
        today = timezone.localdate()
        version = inbox_version()
        with fetched_together(
            (USER_WITH_UNREAD_COUNT, (pk,)), (ORGANIZATIONS_OF_USER, (pk, today))
        ):
            user = user_with_unread_count(pk=pk, version=version)
            if user is not None and user.user_category:
                keep_organizations(user, ORGANIZATIONS_OF_USER.objects(pk, today))
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
