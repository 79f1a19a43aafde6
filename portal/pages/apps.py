from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PagesConfig(AppConfig):
    name = "portal.pages"
    label = "pages"
    verbose_name = _("Pages")

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from portal.lib import checks  # noqa: F401 - registers the system checks
        from portal.lib.middleware import start_session_clock

        user_logged_in.connect(start_session_clock, dispatch_uid="zairyu_session_clock")
