"""Writes of the webhooks app: endpoints (add, rotate the secret, disable,
enable, delete), the delivery rows each case event creates (the outbox), the
attempts and the sweep, and replays.

Guarantees:
- ``deliveries_for_event`` writes in the event's transaction: a rolled-back
  step leaves no delivery; the send is queued after commit and never runs
  in the request that caused the event.
- One attempt at a time per delivery: an attempt starts only after a
  compare-and-swap claim PENDING -> SENDING; a worker that died mid-send
  leaves a SENDING row the sweep reclaims after ``claim_timeout()``.
- Failed attempts are retried after ``WEBHOOK_RETRY_SCHEDULE[n]`` seconds;
  when the schedule is used up the delivery is DEAD.  A replay gives it a
  new run of the schedule with the same ``webhook-id``.
- Every change of an endpoint and every replay is audited; secrets are
  never logged and are stored encrypted.
"""

from __future__ import annotations

import json
import logging
import uuid
from datetime import UTC, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone

from accounts.models import Organization, User
from applications.events import CaseEvent, CaseEventData
from portal.audit.events import AuditAction
from portal.audit.services import audit_record
from portal.lib import encryption
from portal.lib.errors import StaleEdit
from portal.lib.once import create_once
from portal.lib.tasks import enqueue, enqueue_on_commit
from webhooks import signing, targets, transport
from webhooks.errors import WebhookError
from webhooks.models import Delivery, DeliveryAttempt, DeliveryState, Endpoint
from webhooks.rules import ensure_may_manage_webhooks

logger = logging.getLogger(__name__)

DELIVER_TASK = "webhooks.tasks.deliver_webhook"
MAX_ENDPOINTS = 10
SWEEP_BATCH = 500
# A retry due sooner than this is queued with a countdown by the worker that
# failed; later ones are left to the sweep (a countdown longer than the
# broker's visibility timeout would be redelivered).
COUNTDOWN_LIMIT = 60


# The delivery task's hard time limit (webhooks.tasks): past it, the worker
# that claimed a delivery is gone for sure.
TASK_TIME_LIMIT = 90


def claim_timeout() -> timedelta:
    """How long a SENDING claim lasts before the sweep presumes its worker
    dead: longer than the task may run, so a slow attempt is never sent a
    second time beside itself."""
    return timedelta(seconds=TASK_TIME_LIMIT + 30)


def clean_events(events: list[str]) -> list[str]:
    """The chosen events in the list's order; WebhookError when none or an
    unknown one."""
    chosen = set(events)
    if not chosen:
        raise WebhookError("webhook_events_required")
    if not chosen <= set(CaseEvent.values):
        raise WebhookError("webhook_events_unknown")
    return [value for value in CaseEvent.values if value in chosen]


# --- Endpoints ---------------------------------------------------------------------


def endpoint_create(
    *,
    organization: Organization,
    actor: User,
    url: str,
    events: list[str],
    description: str = "",
    start_token: uuid.UUID | None = None,
) -> tuple[Endpoint, str | None]:
    """Register an endpoint and return it with its new secret, the only time
    the secret is given out (``None`` when the same form was sent twice: the
    first request created the endpoint and showed its secret).

    PermissionDenied unless the actor may manage the organisation's webhooks;
    UnsafeTarget for a URL the portal may not send to; WebhookError for no
    events or too many endpoints."""
    ensure_may_manage_webhooks(actor, organization)
    url = targets.check_url(url).geturl()
    chosen = clean_events(events)
    secret = signing.new_secret()

    def create() -> Endpoint:
        with transaction.atomic():
            locked = Organization.objects.select_for_update().get(pk=organization.pk)
            if Endpoint.objects.filter(organization=locked).count() >= MAX_ENDPOINTS:
                raise WebhookError("webhook_too_many", limit=MAX_ENDPOINTS)
            endpoint = Endpoint.objects.create(
                organization=locked,
                url=url,
                description=description.strip(),
                events=chosen,
                secret=encryption.encrypt(secret),
                created_by=actor,
                start_token=start_token,
            )
            audit_record(
                actor=actor,
                action=AuditAction.WEBHOOK_ENDPOINT_CREATE,
                obj=endpoint,
                organization_code=organization.code,
                data={"events": ",".join(chosen)},
            )
            return endpoint

    endpoint, created = create_once(
        Endpoint,
        token=start_token,
        create=create,
        owned=lambda existing: existing.organization_id == organization.pk,
    )
    return endpoint, secret if created else None


def _locked(endpoint: Endpoint, actor: User) -> Endpoint:
    locked = (
        Endpoint.objects.select_for_update(of=("self",))
        .select_related("organization")
        .get(pk=endpoint.pk)
    )
    ensure_may_manage_webhooks(actor, locked.organization)
    return locked


def endpoint_update(
    *,
    endpoint: Endpoint,
    actor: User,
    url: str,
    events: list[str],
    description: str = "",
) -> Endpoint:
    """Change where the endpoint is and which events it receives (the secret
    stays).  Deliveries still waiting go to the new URL.  UnsafeTarget and
    WebhookError as for ``endpoint_create``."""
    url = targets.check_url(url).geturl()
    chosen = clean_events(events)
    with transaction.atomic():
        locked = _locked(endpoint, actor)
        url_changed = locked.url != url
        locked.url = url
        locked.events = chosen
        locked.description = description.strip()
        locked.save(update_fields=["url", "events", "description"])
        audit_record(
            actor=actor,
            action=AuditAction.WEBHOOK_ENDPOINT_UPDATE,
            obj=locked,
            organization_code=locked.organization.code,
            data={"events": ",".join(chosen), "url_changed": url_changed},
        )
    return locked


def endpoint_rotate_secret(
    *, endpoint: Endpoint, actor: User, expected_version: int | None = None
) -> str:
    """A new secret for the endpoint, returned once.  The previous secret
    keeps signing beside it for ``WEBHOOK_SECRET_OVERLAP_HOURS`` so the
    receiver can switch without losing deliveries.  StaleEdit when the
    secret was rotated since the page was shown (a double click would
    otherwise end the previous secret's overlap at once)."""
    with transaction.atomic():
        locked = _locked(endpoint, actor)
        if expected_version is not None and locked.secret_version != expected_version:
            raise StaleEdit
        secret = signing.new_secret()
        now = timezone.now()
        locked.previous_secret = locked.secret
        locked.previous_secret_until = now + timedelta(
            hours=settings.WEBHOOK_SECRET_OVERLAP_HOURS
        )
        locked.secret = encryption.encrypt(secret)
        locked.secret_version += 1
        locked.secret_rotated_at = now
        locked.save(
            update_fields=[
                "previous_secret",
                "previous_secret_until",
                "secret",
                "secret_version",
                "secret_rotated_at",
            ]
        )
        audit_record(
            actor=actor,
            action=AuditAction.WEBHOOK_SECRET_ROTATE,
            obj=locked,
            organization_code=locked.organization.code,
            data={"version": locked.secret_version},
        )
    return secret


def endpoint_set_active(*, endpoint: Endpoint, actor: User, active: bool) -> Endpoint:
    """Disable (nothing is sent; new events are not recorded for it) or
    enable it again (waiting deliveries go out).  A no-op when already so."""
    with transaction.atomic():
        locked = _locked(endpoint, actor)
        if locked.is_active == active:
            return locked
        locked.is_active = active
        locked.save(update_fields=["is_active"])
        audit_record(
            actor=actor,
            action=AuditAction.WEBHOOK_ENDPOINT_ENABLE
            if active
            else AuditAction.WEBHOOK_ENDPOINT_DISABLE,
            obj=locked,
            organization_code=locked.organization.code,
        )
        if active:
            for pk in Delivery.objects.filter(
                endpoint=locked, state=DeliveryState.PENDING
            ).values_list("pk", flat=True)[:SWEEP_BATCH]:
                enqueue_on_commit(DELIVER_TASK, pk)
    return locked


def endpoint_delete(*, endpoint: Endpoint, actor: User) -> None:
    """Delete the endpoint with its delivery log."""
    with transaction.atomic():
        locked = _locked(endpoint, actor)
        audit_record(
            actor=actor,
            action=AuditAction.WEBHOOK_ENDPOINT_DELETE,
            obj=locked,
            organization_code=locked.organization.code,
        )
        locked.delete()


# --- Deliveries --------------------------------------------------------------------


def payload(event: CaseEventData) -> dict[str, Any]:
    """The body of every delivery of ``event`` (Standard Webhooks shape:
    ``type``, ``timestamp``, ``data``).  Opaque codes only: the receiver
    asks the API (or the portal) for details it may see."""
    case_path = reverse("applications:case", args=[event.case_code])
    return {
        "type": event.type,
        "timestamp": event.occurred_at.astimezone(UTC)
        .isoformat(timespec="milliseconds")
        .replace("+00:00", "Z"),
        "data": {
            "case": event.case_code,
            "receipt_number": event.receipt_number,
            "organization": event.organization_code,
            "application_type": event.application_type,
            "status": event.status,
            "companions": event.companions,
            **event.facts,
            "links": {"case": settings.PORTAL_BASE_URL.rstrip("/") + case_path},
        },
    }


def deliveries_for_event(event: CaseEventData) -> list[Delivery]:
    """One PENDING delivery per active endpoint of the case's organisation
    that chose ``event.type``, in the caller's transaction; each is queued
    after commit (and swept if the queueing fails)."""
    endpoints = [
        endpoint
        for endpoint in Endpoint.objects.filter(
            organization_id=event.organization_id, is_active=True
        ).only("pk", "events")
        if event.type in endpoint.events
    ]
    if not endpoints:
        return []
    body = json.dumps(payload(event), separators=(",", ":"), ensure_ascii=False)
    deliveries = Delivery.objects.bulk_create(
        Delivery(
            endpoint=endpoint,
            message_id=event.id,
            event_type=event.type,
            case_code=event.case_code,
            body=body,
            created_at=event.occurred_at,
            next_attempt_at=event.occurred_at,
        )
        for endpoint in endpoints
    )
    for delivery in deliveries:
        enqueue_on_commit(DELIVER_TASK, delivery.pk)
    return deliveries


def signing_secrets(endpoint: Endpoint) -> list[str]:
    """The secrets that sign now: the current one, and the previous one
    during its overlap after a rotation."""
    current = [encryption.decrypt(endpoint.secret)]
    if (
        endpoint.previous_secret
        and endpoint.previous_secret_until is not None
        and endpoint.previous_secret_until > timezone.now()
    ):
        current.append(encryption.decrypt(endpoint.previous_secret))
    return current


def delivery_attempt(*, delivery_id: int) -> bool:
    """Make one attempt at a due delivery nobody else holds; True when the
    endpoint accepted it (2xx).  Runs in a worker, never in a request."""
    now = timezone.now()
    claimed = Delivery.objects.filter(
        pk=delivery_id,
        state=DeliveryState.PENDING,
        next_attempt_at__lte=now,
        endpoint__is_active=True,
    ).update(state=DeliveryState.SENDING, claimed_at=now, attempts=F("attempts") + 1)
    if not claimed:
        return False
    delivery = Delivery.objects.select_related("endpoint").get(pk=delivery_id)
    body = delivery.body.encode()
    try:
        headers = signing.headers(
            signing_secrets(delivery.endpoint),
            msg_id=delivery.message_id,
            timestamp=now,
            body=body,
        )
    except encryption.DecryptionFailed:
        outcome = transport.Outcome(None, "secret cannot be decrypted")
    else:
        outcome = transport.post(
            delivery.endpoint.url,
            body=body,
            headers=headers,
            timeout=settings.WEBHOOK_TIMEOUT_SECONDS,
        )
    _record(delivery, outcome, started_at=now)
    return outcome.ok


def _record(delivery: Delivery, outcome: transport.Outcome, *, started_at: Any) -> None:
    now = timezone.now()
    run = delivery.attempts - delivery.replay_base
    schedule = settings.WEBHOOK_RETRY_SCHEDULE
    values: dict[str, Any] = {
        "last_attempt_at": started_at,
        "last_status_code": outcome.status_code,
        "last_error": outcome.error[:200],
        "claimed_at": None,
    }
    delay: float | None = None
    if outcome.ok:
        values.update(state=DeliveryState.DELIVERED, delivered_at=now)
    elif run <= len(schedule):
        delay = schedule[run - 1]
        values.update(
            state=DeliveryState.PENDING,
            next_attempt_at=now + timedelta(seconds=delay),
        )
    else:
        values["state"] = DeliveryState.DEAD
    with transaction.atomic():
        # Only while this worker still holds the claim (the endpoint may have
        # been deleted meanwhile, with its deliveries).
        held = Delivery.objects.filter(
            pk=delivery.pk, state=DeliveryState.SENDING
        ).update(**values)
        if held:
            DeliveryAttempt.objects.create(
                delivery_id=delivery.pk,
                number=delivery.attempts,
                started_at=started_at,
                status_code=outcome.status_code,
                error=outcome.error[:200],
                succeeded=outcome.ok,
            )
    if not held:
        return
    if not outcome.ok:
        logger.info(
            "Webhook delivery %s attempt %s failed (%s)%s",
            delivery.pk,
            delivery.attempts,
            outcome.status_code or outcome.error,
            "" if delay is not None else "; giving up",
        )
    if delay is not None and delay <= COUNTDOWN_LIMIT:
        _retry_later(delivery.pk, delay)


def _retry_later(delivery_id: int, delay: float) -> None:
    """Queue the next attempt with a countdown (best effort: the sweep sends
    it if this message is lost)."""
    from webhooks.tasks import deliver_webhook

    try:
        deliver_webhook.apply_async(args=[delivery_id], countdown=delay, retry=False)
    except Exception:
        logger.warning("could not queue retry of webhook %s", delivery_id)


def deliveries_sweep() -> int:
    """Queue every due delivery (retries whose time came, deliveries whose
    task was lost), reclaim those a dead worker left SENDING and forget
    finished ones past ``WEBHOOK_LOG_DAYS``; returns how many were queued.  The claim in ``delivery_attempt`` makes a delivery
    queued twice go out once."""
    now = timezone.now()
    Delivery.objects.filter(
        state=DeliveryState.SENDING, claimed_at__lt=now - claim_timeout()
    ).update(state=DeliveryState.PENDING, next_attempt_at=now, claimed_at=None)
    _forget_old(now)
    due = list(
        Delivery.objects.filter(
            state=DeliveryState.PENDING,
            next_attempt_at__lte=now,
            endpoint__is_active=True,
        )
        .order_by("next_attempt_at")
        .values_list("pk", flat=True)[:SWEEP_BATCH]
    )
    return sum(enqueue(DELIVER_TASK, pk) for pk in due)


def _forget_old(now: Any) -> int:
    """Delete delivered and failed deliveries older than ``WEBHOOK_LOG_DAYS``
    (a batch per sweep); returns how many."""
    cutoff = now - timedelta(days=settings.WEBHOOK_LOG_DAYS)
    old = list(
        Delivery.objects.filter(
            state__in=[DeliveryState.DELIVERED, DeliveryState.DEAD],
            created_at__lt=cutoff,
        ).values_list("pk", flat=True)[:SWEEP_BATCH]
    )
    if old:
        Delivery.objects.filter(pk__in=old).delete()
    return len(old)


def delivery_replay(*, delivery: Delivery, actor: User) -> Delivery:
    """Send a delivery again, with the same ``webhook-id`` and body and a
    fresh run of the retry schedule (a new attempt in the log).
    WebhookError when the endpoint is disabled or the delivery is already
    waiting to be sent."""
    with transaction.atomic():
        locked = (
            Delivery.objects.select_for_update(of=("self",))
            .select_related("endpoint__organization")
            .get(pk=delivery.pk)
        )
        ensure_may_manage_webhooks(actor, locked.endpoint.organization)
        if not locked.endpoint.is_active:
            raise WebhookError("webhook_endpoint_disabled")
        if locked.state in (DeliveryState.PENDING, DeliveryState.SENDING):
            raise WebhookError("webhook_delivery_in_progress")
        locked.state = DeliveryState.PENDING
        locked.next_attempt_at = timezone.now()
        locked.replay_base = locked.attempts
        locked.save(update_fields=["state", "next_attempt_at", "replay_base"])
        audit_record(
            actor=actor,
            action=AuditAction.WEBHOOK_DELIVERY_REPLAY,
            obj=locked,
            organization_code=locked.endpoint.organization.code,
            data={"event": locked.event_type},
        )
        enqueue_on_commit(DELIVER_TASK, locked.pk)
    return locked
