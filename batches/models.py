"""A batch (一括申請): one uploaded file of many people for one form, its
rows as checked (the preview), and the drafts confirmed from them.

The batch's lifecycle is the table in ``TRANSITIONS``; every change goes
through ``services`` (compare-and-swap on ``status``)."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Batch(models.Model):
    class Status(models.TextChoices):
        RECEIVED = "received", _("Waiting to be checked")
        CHECKING = "checking", _("Being checked")
        REFUSED = "refused", _("File refused")
        READY = "ready", _("Checked: waiting for your confirmation")
        CREATING = "creating", _("Creating drafts")
        CONFIRMED = "confirmed", _("Drafts created")

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    organization = models.ForeignKey(
        "accounts.Organization", on_delete=models.PROTECT, related_name="batches"
    )
    application_type = models.ForeignKey(
        "applications.ApplicationType", on_delete=models.PROTECT, related_name="+"
    )
    edition_key = models.CharField(_("form"), max_length=100)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    start_token = models.UUIDField(null=True, blank=True, unique=True, editable=False)
    file_name = models.CharField(max_length=200)
    file_sha256 = models.CharField(max_length=64)
    # The uploaded bytes, kept until the file is checked (then emptied).
    content = models.BinaryField(default=bytes, editable=False)
    status = models.CharField(
        max_length=16, choices=Status.choices, default=Status.RECEIVED
    )
    # A file-level refusal: the message code and its parameters.
    refusal_code = models.CharField(max_length=64, blank=True)
    refusal_params = models.JSONField(default=dict, blank=True)
    rows_total = models.PositiveIntegerField(default=0)
    rows_done = models.PositiveIntegerField(default=0)
    language = models.CharField(max_length=8, default="ja")

    class Meta:
        verbose_name = _("batch")
        verbose_name_plural = _("batches")
        constraints = [
            # The same file uploaded twice leads to the first batch.
            models.UniqueConstraint(
                fields=["organization", "file_sha256"], name="batch_once_per_file"
            )
        ]

    def __str__(self) -> str:
        return f"{self.file_name} ({self.code})"

    @property
    def progress_percent(self) -> int:
        if not self.rows_total:
            return 0
        return min(100, round(100 * self.rows_done / self.rows_total))


class BatchRow(models.Model):
    """One person's line of the file: the problems found (each naming the
    line, the column, the value and the rule), or what confirming creates."""

    batch = models.ForeignKey(Batch, on_delete=models.CASCADE, related_name="rows")
    line = models.PositiveIntegerField(_("line"))
    label = models.CharField(max_length=400, blank=True)
    problems = models.JSONField(default=list, blank=True)
    # The cleaned values the draft is created from (emptied once created).
    payload = models.JSONField(default=dict, blank=True)
    application = models.OneToOneField(
        "applications.Application",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="batch_row",
    )

    class Meta:
        ordering = ["line"]
        constraints = [
            models.UniqueConstraint(fields=["batch", "line"], name="batch_row_line")
        ]

    def __str__(self) -> str:
        return f"{self.batch_id}:{self.line}"

    @property
    def valid(self) -> bool:
        return not self.problems
