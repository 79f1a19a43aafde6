"""The webhooks app's domain errors; ``webhooks.messages`` has the words."""

from __future__ import annotations

from portal.lib.errors import DomainError


class WebhookError(DomainError):
    """A rule of endpoints or deliveries refused the action."""

    default_code = "webhook_refused"


class UnsafeTarget(WebhookError):
    """The endpoint's URL is not one the portal may send to (scheme, address)."""

    default_code = "webhook_url_invalid"
