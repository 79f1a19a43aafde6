from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WebhooksConfig(AppConfig):
    name = "webhooks"
    verbose_name = _("Webhooks")

    def ready(self) -> None:
        import webhooks.messages  # noqa: F401 - registers the error codes
        from applications.events import subscribe
        from portal.lib.dashboard import register_panel
        from webhooks.services import deliveries_for_event
        from webhooks.views import dashboard_panel

        # Every case event becomes a delivery row per matching endpoint, in
        # the event's transaction (the outbox); sent after commit by a task.
        subscribe(deliveries_for_event)
        register_panel(40, dashboard_panel)
