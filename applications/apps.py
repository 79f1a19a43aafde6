from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApplicationsConfig(AppConfig):
    name = "applications"
    verbose_name = _("Applications")

    def ready(self) -> None:
        from applications import messages  # noqa: F401 - registers the codes
        from applications.application_forms import (  # noqa: F401 - and the form's
            messages as form_messages,
        )
        from applications.rules import application_file_access
        from portal.files.access import register_file_access

        register_file_access("application_document", application_file_access)
        # The receipt PDFs (applications.documents): same readers.
        register_file_access("application_receipt", application_file_access)

        from accounts.roster_csv import register_status_names
        from applications.reference_data import status_names_for_rosters
        from applications.views.cases import dashboard_panel
        from applications.views.start import filing_panel

        # Rosters (accounts) name statuses of residence from our reference list.
        register_status_names(status_names_for_rosters)

        from applications.views.appointments import (
            offers_panel,
            organization_appointments_panel,
        )
        from portal.lib.dashboard import register_panel

        # Appointments waiting for the user's answer come first.
        register_panel(5, offers_panel)
        register_panel(12, filing_panel)
        register_panel(15, dashboard_panel)

        from accounts.panels import organization_panels

        organization_panels.register(10, organization_appointments_panel)
