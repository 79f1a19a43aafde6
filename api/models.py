"""API keys and the record of idempotent requests."""

from __future__ import annotations

import uuid
from datetime import date, datetime, timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from api.scopes import Scope


class ApiKey(models.Model):
    """A key acting as its user for some of the user's organisations.

    Only a SHA-256 digest of the secret is stored (the secret has 256 bits
    of entropy, so a plain digest is enough; a slow hash would only cost
    every request).  The key is shown once, when it is created."""

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    prefix = models.CharField(_("prefix"), max_length=16, unique=True)
    secret_hash = models.CharField(max_length=64)
    name = models.CharField(_("name"), max_length=100)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="api_keys",
    )
    organizations = models.ManyToManyField(
        "accounts.Organization", verbose_name=_("organisations"), related_name="+"
    )
    # A list of Scope values (JSON: the portal also runs on SQLite).
    scopes = models.JSONField(_("scopes"), default=list)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField(_("expires"))
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)

    class Meta:
        verbose_name = _("API key")
        verbose_name_plural = _("API keys")

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix})"

    @property
    def last_valid_day(self) -> date:
        """The last day (Tokyo) the key works: it expires at the start of the
        next one."""
        return timezone.localdate(self.expires_at - timedelta(microseconds=1))

    @property
    def scope_labels(self) -> list[str]:
        labels = dict(Scope.choices)
        return [str(labels.get(scope, scope)) for scope in self.scopes]

    def is_usable(self, now: datetime | None = None) -> bool:
        now = now or timezone.now()
        return self.revoked_at is None and self.expires_at > now


class IdempotencyRecord(models.Model):
    """The first answer to a request sent with an ``Idempotency-Key``: the
    same key and body get it again; the same key with another body is
    refused."""

    api_key = models.ForeignKey(ApiKey, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=255)
    operation = models.CharField(max_length=100)
    request_hash = models.CharField(max_length=64)
    status = models.PositiveSmallIntegerField()
    body = models.JSONField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["api_key", "key"], name="api_idempotency_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.operation} ({self.status})"
