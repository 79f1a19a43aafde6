from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import Http404

from portal.notifications.models import Notification


def inbox_for_user(*, user: Any) -> QuerySet[Notification]:
    return (
        Notification.objects.filter(recipient=user)
        .select_related("recipient")
        .order_by("-created_at", "-id")
    )


def unread_count(*, user: Any) -> int:
    return inbox_for_user(user=user).filter(read_at__isnull=True).count()


def notification_get_for_user(*, user: Any, code: Any) -> Notification:
    """The user's own notification, or 404 (also for other users' codes)."""
    try:
        return Notification.objects.get(recipient=user, code=code)
    except (Notification.DoesNotExist, ValueError):
        raise Http404 from None
