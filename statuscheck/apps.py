from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StatusCheckConfig(AppConfig):
    """The foreign national's own status check (issue 13 item 3): a public
    page, no models; reads through ``statuscheck.selectors``."""

    name = "statuscheck"
    verbose_name = _("Application status check")
