from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApiConfig(AppConfig):
    name = "api"
    verbose_name = _("API")

    def ready(self) -> None:
        from api import messages  # noqa: F401 - registers the codes
        from api.panels import api_panel
        from portal.lib.dashboard import register_panel

        register_panel(40, api_panel)
