"""What the webhooks pages show, built without a request (testable alone)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any
from urllib.parse import urlencode

from django.utils.translation import gettext as _

from applications.events import CaseEvent
from webhooks.models import Delivery, DeliveryState, Endpoint

STATE_COLOURS = {
    DeliveryState.PENDING: "blue",
    DeliveryState.SENDING: "blue",
    DeliveryState.DELIVERED: "green",
    DeliveryState.DEAD: "red",
}


def event_label(value: str) -> str:
    try:
        return str(CaseEvent(value).label)
    except ValueError:
        return value


def endpoint_rows(endpoints: Iterable[Endpoint]) -> list[dict[str, Any]]:
    return [
        {
            "endpoint": endpoint,
            "events": [event_label(value) for value in endpoint.events],
        }
        for endpoint in endpoints
    ]


def delivery_rows(deliveries: Iterable[Delivery]) -> list[dict[str, Any]]:
    """The log's rows: event, state (with its tag colour), attempts, last
    response and times.  Never the body."""
    return [
        {
            "delivery": delivery,
            "event": event_label(delivery.event_type),
            "state": delivery.get_state_display(),
            "colour": STATE_COLOURS.get(DeliveryState(delivery.state), "grey"),
            "last_response": str(delivery.last_status_code or delivery.last_error),
        }
        for delivery in deliveries
    ]


def state_filters(base_url: str, current: str | None) -> list[dict[str, Any]]:
    """The log's filter links: every delivery, then one per state a reader
    looks for (failed, waiting, delivered)."""
    choices: list[tuple[str | None, str]] = [
        (None, _("All")),
        (DeliveryState.DEAD, str(DeliveryState.DEAD.label)),
        (DeliveryState.PENDING, str(DeliveryState.PENDING.label)),
        (DeliveryState.DELIVERED, str(DeliveryState.DELIVERED.label)),
    ]
    return [
        {
            "label": label,
            "url": f"{base_url}?{urlencode({'state': value})}" if value else base_url,
            "current": value == current,
        }
        for value, label in choices
    ]
