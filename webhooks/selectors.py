"""Reads of the webhooks app and the one place object access is decided:
an organisation's webhooks are visible to its own staff (members), and
every endpoint or delivery is looked up within the organisation the user
reached that way — anyone else gets a 404, whatever code they type."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db.models import F, QuerySet
from django.db.models.fields.tuple_lookups import Tuple, TupleLessThan

from accounts.models import Organization
from portal.lib import keyset
from portal.lib.access import get_or_404
from webhooks.models import Delivery, DeliveryAttempt, Endpoint

LOG_PAGE_SIZE = 50


def webhook_organizations_for_user(*, user: Any) -> QuerySet[Organization]:
    """The organisations whose webhooks the user may see: those they work
    for (membership), whatever their account's state."""
    if not user.is_authenticated:
        return Organization.objects.none()
    return Organization.objects.filter(memberships__user=user).distinct()


def webhook_organization_get_for_user(*, user: Any, code: Any) -> Organization:
    """The organisation ``code`` if the user works for it; else 404."""
    return get_or_404(webhook_organizations_for_user(user=user), code=code)


def endpoints_of(*, organization: Organization) -> list[Endpoint]:
    return list(Endpoint.objects.filter(organization=organization))


def endpoint_get(*, organization: Organization, code: Any) -> Endpoint:
    """The organisation's endpoint ``code``; 404 for any other."""
    return get_or_404(
        Endpoint.objects.filter(organization=organization).select_related(
            "organization"
        ),
        code=code,
    )


def delivery_get(*, organization: Organization, code: Any) -> Delivery:
    """The delivery ``code`` of one of the organisation's endpoints; 404 else."""
    return get_or_404(
        Delivery.objects.filter(endpoint__organization=organization).select_related(
            "endpoint", "endpoint__organization"
        ),
        code=code,
    )


def delivery_attempts(*, delivery: Delivery) -> list[DeliveryAttempt]:
    return list(delivery.attempt_log.order_by("-number"))


def delivery_log(
    *,
    organization: Organization,
    endpoint: Endpoint | None = None,
    state: str | None = None,
    after: tuple[datetime, int] | None = None,
    size: int | None = None,
) -> tuple[list[Delivery], str | None]:
    """One page of the organisation's deliveries, newest first (optionally
    of one endpoint, or in one state), without their bodies; and the cursor of the next page
    (None on the last).  One query, no OFFSET."""
    size = size or LOG_PAGE_SIZE
    rows = Delivery.objects.filter(endpoint__organization=organization).defer("body")
    if endpoint is not None:
        rows = rows.filter(endpoint=endpoint)
    if state is not None:
        rows = rows.filter(state=state)
    if after is not None:
        rows = rows.filter(TupleLessThan(Tuple(F("created_at"), F("id")), after))
    page = list(
        rows.select_related("endpoint").order_by("-created_at", "-id")[: size + 1]
    )
    more = len(page) > size
    page = page[:size]
    cursor = keyset.encode(page[-1].created_at, page[-1].pk) if more else None
    return page, cursor


def decode_cursor(text: str | None) -> tuple[datetime, int] | None:
    decoded = keyset.decode(text)
    return decoded[1] if decoded else None
