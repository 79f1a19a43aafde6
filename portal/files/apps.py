from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FilesConfig(AppConfig):
    name = "portal.files"
    label = "files"
    verbose_name = _("Uploaded files")

    def ready(self) -> None:
        from portal.files.access import register_builtin_checkers

        register_builtin_checkers()
