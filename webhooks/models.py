"""Webhook endpoints of organisations and their deliveries (the outbox).

A delivery is written in the transaction of the case event it reports
(``applications.events``), so a rolled-back step sends nothing; a worker
moves it PENDING -> SENDING -> DELIVERED, or back to PENDING with a later
``next_attempt_at`` after a failure, and DEAD once its retries are used up.
Each attempt leaves a ``DeliveryAttempt`` row: the organisation's delivery
log.  Bodies carry opaque codes only; the log shows no body at all.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Endpoint(models.Model):
    """A URL of the organisation's system that receives the chosen events,
    signed with a secret the organisation was shown once.  The secret is
    needed to sign, so it is stored encrypted (``portal.lib.encryption``),
    never in plain text."""

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    organization = models.ForeignKey(
        "accounts.Organization",
        verbose_name=_("organisation"),
        on_delete=models.CASCADE,
        related_name="webhook_endpoints",
    )
    url = models.CharField(_("URL"), max_length=500)
    description = models.CharField(_("description"), max_length=200, blank=True)
    events = models.JSONField(_("events"), default=list)
    # "fernet1:..." ciphertexts of "whsec_<base64>"; the previous secret keeps
    # signing beside the new one until ``previous_secret_until``.
    secret = models.TextField()
    previous_secret = models.TextField(blank=True)
    previous_secret_until = models.DateTimeField(null=True, blank=True)
    secret_version = models.PositiveIntegerField(default=1)
    secret_rotated_at = models.DateTimeField(null=True, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    # portal.lib.once: a double click on "Add" creates one endpoint.
    start_token = models.UUIDField(null=True, blank=True, unique=True, editable=False)

    class Meta:
        verbose_name = _("webhook endpoint")
        verbose_name_plural = _("webhook endpoints")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return self.url


class DeliveryState(models.TextChoices):
    PENDING = "pending", _("Waiting to be sent")
    SENDING = "sending", _("Being sent")
    DELIVERED = "delivered", _("Delivered")
    DEAD = "dead", _("Failed")


class Delivery(models.Model):
    """One event for one endpoint.  ``message_id`` is the ``webhook-id``
    header: the same on every attempt and replay, so the receiver can drop
    a message it already processed."""

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    endpoint = models.ForeignKey(
        Endpoint, on_delete=models.CASCADE, related_name="deliveries"
    )
    message_id = models.CharField(_("message id"), max_length=64)
    event_type = models.CharField(_("event"), max_length=64)
    case_code = models.UUIDField(_("case"), null=True, blank=True)
    body = models.TextField()
    state = models.CharField(
        _("status"),
        max_length=16,
        choices=DeliveryState.choices,
        default=DeliveryState.PENDING,
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    # Attempts made before the latest replay: the retry budget counts from here.
    replay_base = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(_("next attempt"), default=timezone.now)
    claimed_at = models.DateTimeField(null=True, blank=True)
    last_attempt_at = models.DateTimeField(_("last attempt"), null=True, blank=True)
    last_status_code = models.PositiveSmallIntegerField(
        _("last response"), null=True, blank=True
    )
    last_error = models.CharField(_("last error"), max_length=200, blank=True)
    delivered_at = models.DateTimeField(_("delivered"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        verbose_name = _("webhook delivery")
        verbose_name_plural = _("webhook deliveries")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["endpoint", "-created_at"], name="webhook_log"),
            models.Index(
                fields=["next_attempt_at"],
                name="webhook_due",
                condition=Q(state="pending"),
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["endpoint", "message_id"], name="webhook_one_per_endpoint"
            ),
            models.CheckConstraint(
                name="webhook_delivered_has_time",
                condition=~Q(state="delivered") | Q(delivered_at__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.event_type} → {self.endpoint_id}"


class DeliveryAttempt(models.Model):
    """One HTTP attempt: when, the response code (or what went wrong)."""

    delivery = models.ForeignKey(
        Delivery, on_delete=models.CASCADE, related_name="attempt_log"
    )
    number = models.PositiveSmallIntegerField(_("attempt"))
    started_at = models.DateTimeField(_("time"))
    status_code = models.PositiveSmallIntegerField(_("response"), null=True)
    error = models.CharField(_("error"), max_length=200, blank=True)
    succeeded = models.BooleanField(default=False)

    class Meta:
        ordering = ["number", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["delivery", "number"], name="webhook_attempt_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.delivery_id} #{self.number}"
