from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DeskConfig(AppConfig):
    name = "desk"
    verbose_name = _("The organisation's desk")

    def ready(self) -> None:
        from desk.views import action_needed_panel
        from portal.lib.dashboard import register_panel

        # Before every other panel: the action-needed block leads the dashboard.
        register_panel(5, action_needed_panel)
