from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BatchesConfig(AppConfig):
    name = "batches"
    verbose_name = _("Batch filing")

    def ready(self) -> None:
        from batches import messages  # noqa: F401 - registers the error codes
        from batches.views import dashboard_panel
        from portal.lib.dashboard import register_panel

        register_panel(13, dashboard_panel)
