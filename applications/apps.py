from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApplicationsConfig(AppConfig):
    name = "applications"
    verbose_name = _("Applications")

    def ready(self) -> None:
        from applications.selectors import application_document_file_access
        from portal.files.access import register_file_access

        register_file_access("application_document", application_document_file_access)
