"""User-facing texts of the api app's refusals."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from portal.lib.errors import register_messages

MESSAGES = {
    "api_key_refused": _("The key could not be changed."),
    "api_key_no_organisation": _("Choose organisations you work for."),
    "api_key_no_scope": _("Choose at least one permission."),
    "api_key_expiry_range": _("A key can be valid for at most one year."),
    "api_key_already_revoked": _("The key was already revoked."),
}
register_messages(MESSAGES)
