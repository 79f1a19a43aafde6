from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class EmailState(models.TextChoices):
    PENDING = "pending", _("Waiting to be sent")
    SENDING = "sending", _("Being sent")
    SENT = "sent", _("Sent")
    DEAD = "dead", _("Failed")


class Notification(models.Model):
    """A message to one user: an entry in their inbox and, through the outbox
    columns, one email.  Written in the same transaction as the change it
    reports, so a rolled-back change leaves no notification behind."""

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    # A user (inbox entry + email), or — for people who have no account yet,
    # such as someone requesting use — just an address and a language.
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recipient"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    to_email = models.EmailField(_("email address"), blank=True)
    language = models.CharField(_("language"), max_length=2, blank=True)
    kind = models.CharField(_("kind"), max_length=64)
    context = models.JSONField(_("context"), default=dict, blank=True)
    link = models.CharField(_("link"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)

    # Outbox columns: the relay moves PENDING -> SENDING -> SENT (or DEAD).
    email_state = models.CharField(
        _("email"),
        max_length=16,
        choices=EmailState.choices,
        default=EmailState.PENDING,
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt"), default=timezone.now)
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["recipient", "-created_at"], name="notif_inbox"),
            # The unread badge on every page: only the unread rows, whatever
            # the size of the inbox.
            models.Index(
                fields=["recipient"],
                name="notif_unread",
                condition=Q(read_at__isnull=True),
            ),
            models.Index(
                fields=["next_attempt_at"],
                name="notif_outbox_due",
                condition=Q(email_state="pending"),
            ),
        ]
        constraints = [
            models.CheckConstraint(
                name="notif_has_recipient",
                condition=Q(recipient__isnull=False) | ~Q(to_email=""),
            ),
            models.CheckConstraint(
                name="notif_sent_has_time",
                condition=~Q(email_state="sent") | Q(sent_at__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} → {self.recipient_id or 'address'}"
