"""Writes of the desk: starting an extension from the calendar, the user's
digest preference, the secret calendar feed, the weekly digest."""

from __future__ import annotations

import secrets
import uuid
from datetime import date
from typing import Any

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from accounts.selectors import token_hash
from applications import services as application_services
from applications.models import Application, ApplicationType, ForeignNational
from desk import calendar, selectors
from desk.models import CalendarFeed, DeskPreference, WeeklyDigest
from portal.audit.events import AuditAction
from portal.audit.services import audit_record
from portal.notifications.kinds import NotificationKind
from portal.notifications.services import notify

EXTENSION = "extension"
# At most this many items in one digest email (the calendar page has them all).
DIGEST_ITEMS = 20


def extension_start(
    *, person: ForeignNational, actor: User, start_token: uuid.UUID | None
) -> Application:
    """Start an extension draft for ``person`` through the applications
    service (which checks that the actor may file for the person's
    organisation, raising PermissionDenied, and with ``start_token`` makes a
    double click create one draft).  The draft's pages are pre-filled from the
    person's record, the organisation's profile and the person's last
    application by the form engine's pre-fill."""
    extension = ApplicationType.objects.get(code=EXTENSION)
    return application_services.application_create(
        foreign_national=person,
        application_type=extension,
        companions=[],
        actor=actor,
        start_token=start_token,
    )


def digest_preference_set(*, user: User, weekly_digest: bool) -> DeskPreference:
    """Turn the weekly digest on or off for ``user``."""
    with transaction.atomic():
        preference, _created = DeskPreference.objects.select_for_update().get_or_create(
            user=user
        )
        if preference.weekly_digest != weekly_digest:
            preference.weekly_digest = weekly_digest
            preference.save(update_fields=["weekly_digest", "updated_at"])
            audit_record(
                actor=user,
                action=AuditAction.DESK_PREFERENCE_CHANGE,
                obj=user,
                data={"weekly_digest": weekly_digest},
            )
    return preference


def calendar_feed_create(*, user: User) -> str:
    """A new secret feed token for ``user`` (any live one is revoked first).
    Returns the token; only its hash is stored, so it is shown once."""
    token = secrets.token_urlsafe(32)
    with transaction.atomic():
        User.objects.select_for_update().filter(pk=user.pk).first()
        CalendarFeed.objects.filter(user=user, revoked_at__isnull=True).update(
            revoked_at=timezone.now()
        )
        feed = CalendarFeed.objects.create(user=user, token_hash=token_hash(token))
        audit_record(actor=user, action=AuditAction.CALENDAR_FEED_CREATE, obj=feed)
    return token


def calendar_feed_revoke(*, user: User) -> int:
    """Revoke the user's live feed; its URL answers 404 from now on."""
    with transaction.atomic():
        revoked = CalendarFeed.objects.filter(
            user=user, revoked_at__isnull=True
        ).update(revoked_at=timezone.now())
        if revoked:
            audit_record(actor=user, action=AuditAction.CALENDAR_FEED_REVOKE, obj=user)
    return int(revoked)


def _digest_row(item: selectors.CalendarItem) -> dict[str, Any]:
    """One item as the email's context keeps it (JSON): the names the
    dashboard shows, no passport or card numbers."""
    return {
        "kind": item.kind,
        "due": item.due.isoformat(),
        "days_left": item.days_left,
        "organization_ja": item.organization.name_ja,
        "organization_en": item.organization.name_en or item.organization.name_ja,
        "person": item.person_name,
        "user": item.user_name,
        "receipt_number": item.receipt_number,
        "reference_date": item.reference_date.isoformat()
        if item.reference_date
        else "",
        "window_opens": item.extension.window_opens.isoformat()
        if item.extension and item.extension.window_opens
        else "",
    }


def weekly_digest_send(*, user: User, today: date | None = None) -> bool:
    """Queue this ISO week's digest for ``user`` through the outbox, once:
    the unique (user, ISO year, ISO week) row is written in the same
    transaction as the notification, so a second run in the same week —
    concurrent or not — sends nothing.  Nothing is sent when the user turned
    the digest off or has nothing in the next ACTION_DAYS days.  Returns
    whether a digest was queued."""
    today = today or timezone.localdate()
    if not selectors.digest_enabled(user=user):
        return False
    items = selectors.action_needed(selectors.calendar_items(user=user, today=today))
    if not items:
        return False
    year, week = calendar.iso_week(today)
    try:
        with transaction.atomic():
            WeeklyDigest.objects.create(
                user=user, iso_year=year, iso_week=week, items=len(items)
            )
            notify(
                recipient=user,
                kind=NotificationKind.WEEKLY_DIGEST,
                context={
                    "week": f"{year}-W{week:02d}",
                    "count": len(items),
                    "items": [_digest_row(item) for item in items[:DIGEST_ITEMS]],
                    "more": max(0, len(items) - DIGEST_ITEMS),
                },
                link=reverse("desk:calendar"),
            )
    except IntegrityError:
        return False
    return True


def weekly_digests_send(*, today: date | None = None) -> int:
    """Send this week's digest to every recipient who has not had it yet;
    safe to run any number of times a week.  Returns how many were queued."""
    today = today or timezone.localdate()
    year, week = calendar.iso_week(today)
    done = WeeklyDigest.objects.filter(iso_year=year, iso_week=week).values("user_id")
    sent = 0
    for user in selectors.digest_recipients().exclude(pk__in=done).iterator():
        sent += weekly_digest_send(user=user, today=today)
    return sent
