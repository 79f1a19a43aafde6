"""Every user-facing error text of the webhooks app, registered by code with
``portal.lib.errors.register_messages`` (imported in ``WebhooksConfig.ready``)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from portal.lib.errors import register_messages

register_messages(
    {
        "webhook_refused": _("This action is not possible for this endpoint now."),
        "webhook_url_invalid": _(
            "Enter the full address of your endpoint, such as "
            "https://example.com/zairyu/webhooks (no user name or password in it)."
        ),
        "webhook_url_scheme": _(
            "The address must start with https:// — deliveries are only sent over "
            "an encrypted connection."
        ),
        "webhook_url_private": _(
            "The address points to a private or local network. Enter an address "
            "that can be reached from the internet."
        ),
        "webhook_url_unresolved": _("The host name of the address could not be found."),
        "webhook_events_required": _("Choose at least one event."),
        "webhook_events_unknown": _("Choose events from the list."),
        "webhook_too_many": _(
            "An organisation can have at most %(limit)s endpoints. Delete one you no "
            "longer use first."
        ),
        "webhook_endpoint_disabled": _(
            "The endpoint is disabled. Enable it before you send the delivery again."
        ),
        "webhook_delivery_in_progress": _(
            "This delivery is already waiting to be sent; it was not queued again."
        ),
    }
)
