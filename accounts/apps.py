from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Accounts and organisations")

    def ready(self) -> None:
        from accounts import messages, receivers  # noqa: F401
        from accounts.selectors import use_request_file_access
        from portal.files.access import register_file_access

        register_file_access("use_request", use_request_file_access)

        from accounts.views.reception import dashboard_panel as reception_panel
        from portal.lib.dashboard import register_panel

        register_panel(20, reception_panel)

        from accounts.views.organization import dashboard_panel as organization_panel

        register_panel(10, organization_panel)

        from accounts.views.officer_roles import dashboard_panel as bureau_panel

        register_panel(25, bureau_panel)
