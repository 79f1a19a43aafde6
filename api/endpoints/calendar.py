"""Calendar items: the compliance calendar of the key's organisations
(``desk``) — periods of stay ending with their extension window and last
online day, requested documents due, the periodic report, approvals and
appointments ending — through the desk's own selector, so the API and the
page list the same items."""

# No "from __future__ import annotations": django-ninja reads the
# parameter annotations at import time.
import uuid
from datetime import date
from typing import Any, Literal

from django.http import HttpRequest

from ninja import Query, Router, Schema

from api.auth import principal
from api.endpoints.common import operation
from api.scopes import Scope
from desk import selectors as desk_selectors

router = Router()

KindName = Literal[
    "extension", "documents", "periodic_report", "approval", "appointment"
]


class CalendarItemOut(Schema):
    kind: KindName
    due: date
    days_left: int
    organization: uuid.UUID
    person: uuid.UUID | None
    person_name: str
    case: uuid.UUID | None
    receipt_number: str
    # Extension rows: the period of stay's last day and when the extension
    # window opens (``null``: no published window for short periods).
    period_expiry: date | None
    window_opens: date | None
    # Nothing to do now: an extension was already started or sent.
    in_progress: bool


class CalendarFilter(Schema):
    organization: uuid.UUID | None = None
    kind: KindName | None = None


def item_out(item: desk_selectors.CalendarItem) -> dict[str, Any]:
    dates = item.extension
    return {
        "kind": item.kind,
        "due": item.due,
        "days_left": item.days_left,
        "organization": item.organization.code,
        "person": item.person_code,
        "person_name": item.person_name,
        "case": item.application_code,
        "receipt_number": item.receipt_number,
        "period_expiry": dates.expiry if dates else None,
        "window_opens": dates.window_opens if dates else None,
        "in_progress": item.in_progress,
    }


@operation(router, "get", "", scope=Scope.READ_CASES, response=list[CalendarItemOut])
def list_calendar(
    request: HttpRequest, filters: Query[CalendarFilter]
) -> list[dict[str, Any]]:
    """The calendar of the key's organisations, soonest due first (the
    portal's calendar page, as data)."""
    found = principal(request)
    organizations = [
        o
        for o in desk_selectors.user_organizations(user=found.user)
        if o.pk in found.organization_ids
        and (filters.organization is None or o.code == filters.organization)
    ]
    items = desk_selectors.calendar_items(user=found.user, organizations=organizations)
    return [item_out(i) for i in items if filters.kind in (None, i.kind)]
