from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditEvent(models.Model):
    """One append-only record per security-relevant event.

    Holds who did what to which object, never personal values (no names,
    passport or card numbers): objects are named by type and opaque code.
    The database refuses UPDATE, DELETE (migration 0002) and TRUNCATE (0004).
    """

    at = models.DateTimeField(_("time"), auto_now_add=True, db_index=True)
    # No database FK on the actor: deleting or anonymising a user must never be
    # blocked by, or cascade into, the audit trail.
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("actor"),
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )
    actor_username = models.CharField(_("actor user ID"), max_length=64, blank=True)
    organization_code = models.UUIDField(
        _("acting for organisation"), null=True, blank=True
    )
    action = models.CharField(_("action"), max_length=64, db_index=True)
    object_type = models.CharField(_("object type"), max_length=64, blank=True)
    object_code = models.CharField(
        _("object"), max_length=64, blank=True, db_index=True
    )
    request_id = models.CharField(_("request id"), max_length=64, blank=True)
    # The client's address as the trusted proxy reports it (TRUSTED_PROXY_COUNT).
    client_address = models.CharField(_("client address"), max_length=45, blank=True)
    data = models.JSONField(_("details"), default=dict, blank=True)

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.actor_username or '-'} {self.action}"
