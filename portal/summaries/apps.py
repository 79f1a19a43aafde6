from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SummariesConfig(AppConfig):
    name = "portal.summaries"
    label = "summaries"
    verbose_name = _("Summaries")
    default_auto_field = "django.db.models.BigAutoField"
