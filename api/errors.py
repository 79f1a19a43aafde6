"""The api app's domain errors (worded in ``api.messages``)."""

from __future__ import annotations

from portal.lib.errors import DomainError


class ApiKeyRefused(DomainError):
    """A key cannot be created or revoked as asked."""

    default_code = "api_key_refused"


# Codes for ApiKeyRefused
KEY_NO_ORGANISATION = "api_key_no_organisation"
KEY_NO_SCOPE = "api_key_no_scope"
KEY_EXPIRY_RANGE = "api_key_expiry_range"
KEY_ALREADY_REVOKED = "api_key_already_revoked"
