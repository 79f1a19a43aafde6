"""Writing notifications and relaying them as email (the transactional outbox).

Guarantees:
- ``notify`` writes in the caller's transaction; a rollback leaves nothing.
- A row is emailed at most once by concurrent relays: sending starts only after
  a compare-and-swap claim PENDING -> SENDING succeeds.
- Failed sends retry with exponential backoff and end DEAD after
  NOTIFICATION_MAX_ATTEMPTS.
- The "sent" mark after the SMTP accept is retried on a fresh database
  connection, so a database blip (failover, a killed connection) does not
  leave a SENDING row behind to be sent again.
- A relay that died mid-send leaves a SENDING row, which the sweep reclaims
  after ``claim_timeout()`` (a little longer than the SMTP timeout, so not
  ten minutes) and sends again.  Every attempt carries the same
  ``Message-ID`` (built from the notification's code), so mail systems drop
  the second copy of a message whose first copy they did accept.
- The sweep claims each row just before sending it (not a whole batch at
  once) and stops before the task's time limit, so a long batch never holds
  claims that could expire under it.
"""

from __future__ import annotations

import logging
import time
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import InterfaceError, OperationalError, connection, transaction
from django.db.models import F
from django.utils import timezone

from portal.lib.emails import render_email
from portal.lib.tasks import enqueue_on_commit
from portal.notifications.kinds import NotificationKind
from portal.notifications.models import EmailState, Notification
from portal.notifications.selectors import inbox_changed

logger = logging.getLogger(__name__)

SWEEP_BATCH = 100
# A sweep stops claiming new rows after this long (below the task soft limit).
SWEEP_SECONDS = 60
# Attempts at the final "sent" mark (with a reconnect between them).
MARK_ATTEMPTS = 5


def claim_timeout() -> timedelta:
    """How long a SENDING claim lasts: the render plus the SMTP timeout plus a
    margin.  After that the relay that held it is presumed dead."""
    return timedelta(seconds=settings.NOTIFICATION_CLAIM_SECONDS)


def message_id(notification: Notification) -> str:
    """The same ``Message-ID`` for every attempt at one notification."""
    domain = settings.DEFAULT_FROM_EMAIL.rsplit("@", 1)[-1].strip(" >") or "zairyu"
    return f"<notification-{notification.code}@{domain}>"


def notify(
    *,
    recipient: Any | None = None,
    kind: NotificationKind | str,
    context: dict[str, Any] | None = None,
    link: str = "",
    to_email: str = "",
    language: str = "",
) -> Notification:
    """Queue a notification for ``recipient`` (inbox entry + one email), or
    only an email to ``to_email`` in ``language`` for someone without an
    account.

    Call inside the business transaction.  After commit a relay task is
    kicked; if the broker is down the periodic sweep sends it later.
    """
    if recipient is None and not to_email:
        raise ValueError("a notification needs a recipient or an address")
    kind = NotificationKind(kind)  # ValueError on a kind with no templates
    notification = Notification.objects.create(
        recipient=recipient,
        to_email=to_email,
        language=language,
        kind=kind,
        context=context or {},
        link=link,
    )
    inbox_changed()
    enqueue_on_commit(
        "portal.notifications.tasks.deliver_notification", notification.pk
    )
    return notification


def _claim(queryset: Any, now: Any) -> int:
    return int(
        queryset.update(
            email_state=EmailState.SENDING, claimed_at=now, attempts=F("attempts") + 1
        )
    )


def notification_deliver(*, notification_id: int) -> bool:
    """Send one notification's email if it is due and nobody else has it.
    Returns True when this call sent it."""
    now = timezone.now()
    claimed = _claim(
        Notification.objects.filter(
            pk=notification_id, email_state=EmailState.PENDING, next_attempt_at__lte=now
        ),
        now,
    )
    if not claimed:
        return False
    return _send_claimed(
        Notification.objects.select_related("recipient").get(pk=notification_id)
    )


def outbox_sweep() -> int:
    """Send every due notification; returns how many were sent.

    Two sweeps at once pick disjoint rows (``skip_locked``)."""
    started = time.monotonic()
    now = timezone.now()
    # Reclaim rows whose relay died while sending.
    Notification.objects.filter(
        email_state=EmailState.SENDING, claimed_at__lt=now - claim_timeout()
    ).update(email_state=EmailState.PENDING, next_attempt_at=now)

    with transaction.atomic():
        ids = list(
            Notification.objects.select_for_update(skip_locked=True)
            .filter(email_state=EmailState.PENDING, next_attempt_at__lte=now)
            .order_by("next_attempt_at")
            .values_list("pk", flat=True)[:SWEEP_BATCH]
        )
    sent = 0
    for pk in ids:
        if time.monotonic() - started > SWEEP_SECONDS:
            break  # the next sweep takes the rest
        sent += notification_deliver(notification_id=pk)
    return sent


def _send_claimed(notification: Notification) -> bool:
    recipient = notification.recipient
    address = recipient.email if recipient is not None else notification.to_email
    language = (
        recipient.language if recipient is not None else notification.language
    ) or settings.LANGUAGE_CODE
    try:
        if not address:
            raise ValueError("recipient has no email address")
        rendered = render_email(
            notification.kind,
            {**notification.context, "recipient": recipient, "link": notification.link},
            language,
        )
        message = EmailMultiAlternatives(
            subject=rendered.subject,
            body=rendered.text,
            to=[address],
            headers={
                "X-Zairyu-Notification": str(notification.code),
                "Message-ID": message_id(notification),
            },
        )
        message.attach_alternative(rendered.html, "text/html")
        message.send()
    except Exception as exc:
        _record_failure(notification, exc)
        return False
    # Single-use links ("secret_*" keys) live only until the email is out.
    scrubbed = {
        k: v for k, v in notification.context.items() if not k.startswith("secret_")
    }
    _mark_sent(notification.pk, scrubbed)
    return True


def _mark_sent(pk: int, scrubbed: dict[str, Any]) -> None:
    """The email is out: record it, retrying on a fresh connection if the
    database connection broke meanwhile (otherwise the row would stay SENDING
    and be sent again once its claim expires)."""
    for attempt in range(MARK_ATTEMPTS):
        try:
            Notification.objects.filter(pk=pk, email_state=EmailState.SENDING).update(
                email_state=EmailState.SENT,
                sent_at=timezone.now(),
                last_error="",
                context=scrubbed,
            )
            return
        except (OperationalError, InterfaceError) as exc:
            if connection.in_atomic_block or attempt == MARK_ATTEMPTS - 1:
                raise
            logger.warning(
                "Notification %s sent, but marking it failed (%s); retrying", pk, exc
            )
            connection.close()  # the next query opens a new connection
            time.sleep(0.2 * 2**attempt)


def _record_failure(notification: Notification, exc: Exception) -> None:
    attempts = notification.attempts
    dead = attempts >= settings.NOTIFICATION_MAX_ATTEMPTS
    delay = settings.NOTIFICATION_BACKOFF_SECONDS * (2 ** max(0, attempts - 1))
    logger.warning(
        "Notification %s email attempt %s failed%s: %s",
        notification.pk,
        attempts,
        " (giving up)" if dead else "",
        exc,
    )
    Notification.objects.filter(
        pk=notification.pk, email_state=EmailState.SENDING
    ).update(
        email_state=EmailState.DEAD if dead else EmailState.PENDING,
        next_attempt_at=timezone.now() + timedelta(seconds=delay),
        last_error=f"{type(exc).__name__}: {exc}"[:2000],
    )


def notification_mark_read(*, notification: Notification) -> Notification:
    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])
        inbox_changed()
    return notification


def notifications_mark_all_read(*, user: Any) -> int:
    marked = Notification.objects.filter(recipient=user, read_at__isnull=True).update(
        read_at=timezone.now()
    )
    inbox_changed()
    return int(marked)
