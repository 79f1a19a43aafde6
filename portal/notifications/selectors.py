from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import F, Func, IntegerField, OuterRef, Q, QuerySet, Subquery
from django.http import Http404

from accounts.permissions import OFFICER_ROLES_TEXT
from accounts.selectors import officer_roles_text
from portal.lib.compiled import CompiledQuery
from portal.notifications.models import Notification

UNREAD = Q(read_at__isnull=True)
# Where ``user_with_unread_count`` leaves the count on the user, and the inbox
# version it was counted at.
_UNREAD_COUNT = "_zairyu_unread_count"
_UNREAD_VERSION = "_zairyu_unread_version"
# Bumped by every write of this process that can change someone's unread
# count (``portal.notifications.services``): a count loaded with the user
# before such a write in the same request (the notification just opened, or
# one created for the user who acted) is not shown; the badge counts again.
_inbox_version = 0


def inbox_changed() -> None:
    global _inbox_version
    _inbox_version += 1


def inbox_for_user(*, user: Any) -> QuerySet[Notification]:
    return (
        Notification.objects.filter(recipient=user)
        .select_related("recipient")
        .order_by("-created_at", "-id")
    )


def _users_with_unread_count() -> QuerySet[Any]:
    unread = (
        Notification.objects.filter(UNREAD, recipient=OuterRef("pk"))
        .order_by()
        # COUNT without GROUP BY: one row, 0 when nothing is unread.
        .annotate(count=Func(F("pk"), function="COUNT"))
        .values("count")
    )
    return get_user_model()._default_manager.annotate(
        **{
            _UNREAD_COUNT: Subquery(unread, output_field=IntegerField()),
            # The officer's roles, for the pages' role checks (one query
            # fewer on every officer page).
            OFFICER_ROLES_TEXT: officer_roles_text(),
        }
    )


# The request's user with the unread count and the officer roles, compiled
# to SQL once per process: this query runs on every signed-in request, and
# compiling it each time cost more CPU (0.3 ms) than the database spent on
# it.  ``accounts.backends`` may send it with the organisations' read.
USER_WITH_UNREAD_COUNT = CompiledQuery(
    lambda pk: (
        _users_with_unread_count()
        .filter(pk=pk)
        .values_list(
            *(f.attname for f in get_user_model()._meta.concrete_fields),
            _UNREAD_COUNT,
            OFFICER_ROLES_TEXT,
        )
    ),
    prepared=True,
)


def inbox_version() -> int:
    """Read before the user is: a count read with the user is shown only if
    no notification was written since (``unread_count``)."""
    return _inbox_version


def user_with_unread_count(*, pk: int, version: int | None = None) -> Any | None:
    """The user ``pk`` (None if there is none), read from the database, with
    the number of their unread notifications counted in the same query: the
    unread badge that every page with the layout shows (``unread_count``).
    The count walks the partial index ``notif_unread``.  ``version``: the
    ``inbox_version()`` taken before the query was sent, if it was sent
    earlier (with other reads)."""
    version = _inbox_version if version is None else version
    found = USER_WITH_UNREAD_COUNT.objects(pk)
    if not found:
        return None
    user = found[0]
    setattr(user, _UNREAD_VERSION, version)
    return user


def unread_count(*, user: Any) -> int:
    """The user's unread notifications: the count loaded with the user, while
    no notification was written since in this process; else one query."""
    loaded = getattr(user, _UNREAD_COUNT, None)
    if loaded is not None and getattr(user, _UNREAD_VERSION, None) == _inbox_version:
        return int(loaded)
    return Notification.objects.filter(UNREAD, recipient=user).count()


def notification_get_for_user(*, user: Any, code: Any) -> Notification:
    """The user's own notification, or 404 (also for other users' codes)."""
    try:
        return Notification.objects.get(recipient=user, code=code)
    except (Notification.DoesNotExist, ValueError):
        raise Http404 from None
