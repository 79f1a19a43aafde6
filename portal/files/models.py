from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from portal.lib.files import Kind


class StoredFile(models.Model):
    """One validated upload kept in private storage (``default_storage``).

    ``code`` is the only identifier that appears in URLs.  ``name`` is the
    storage path the server generated (``private/<yyyy>/<mm>/<random>.<ext>``);
    the user's file name is kept only in ``original_name``, for display.
    ``purpose`` names the feature that owns the file and selects the access
    checker (see ``portal.files.access``).
    """

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    name = models.CharField(_("storage name"), max_length=255, unique=True)
    original_name = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(_("content type"), max_length=64)
    kind = models.CharField(_("type"), max_length=8, choices=Kind.choices)
    size = models.PositiveBigIntegerField(_("size (bytes)"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    purpose = models.CharField(_("purpose"), max_length=64, db_index=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("stored file")
        verbose_name_plural = _("stored files")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                name="storedfile_size_positive", condition=Q(size__gt=0)
            ),
            models.CheckConstraint(
                name="storedfile_sha256_hex",
                condition=Q(sha256__regex=r"^[0-9a-f]{64}$"),
            ),
            models.CheckConstraint(
                name="storedfile_kind_valid", condition=Q(kind__in=Kind.values)
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} ({self.kind}, {self.purpose})"
