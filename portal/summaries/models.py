from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Summary(models.Model):
    """A figure the worker computes off the request path (queue counts,
    processing times), kept durably so that pages never recompute it when
    the shared cache is cold or unreachable.  ``data`` is plain JSON."""

    key = models.CharField(max_length=200, primary_key=True)
    data = models.JSONField()
    computed_at = models.DateTimeField()

    class Meta:
        verbose_name = _("summary")
        verbose_name_plural = _("summaries")

    def __str__(self) -> str:
        return self.key
