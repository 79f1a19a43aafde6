"""Calendar items through the API: the same items as the portal's calendar
page, for the key's organisations only."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

import pytest

from desk import selectors as desk_selectors
from tests.factories import ForeignNationalFactory

pytestmark = pytest.mark.django_db


def test_the_calendar_lists_the_key_organisations_items(
    api_for, org, org_staff, other_org
):
    soon = ForeignNationalFactory(
        organization=org,
        family_name="SOON",
        period_expiry=timezone.localdate() + timedelta(days=40),
        current_period="1y",
    )
    api = api_for(org_staff, [org], ["cases:read"])
    response = api.get("/api/v1/calendar")
    assert response.status_code == 200, response.content
    items = response.json()
    page = desk_selectors.calendar_items(user=org_staff)
    assert [i["kind"] for i in items] == [i.kind for i in page]
    row = next(i for i in items if i["person"] == str(soon.code))
    assert row["kind"] == "extension"
    assert row["period_expiry"] == soon.period_expiry.isoformat()
    assert row["window_opens"] is not None
    assert all(i["organization"] == str(org.code) for i in items)
    only_documents = api.get("/api/v1/calendar", kind="documents")
    assert all(i["kind"] == "documents" for i in only_documents.json())
    other = api.get("/api/v1/calendar", organization=str(other_org.code))
    assert other.json() == []
    assert api.get("/api/v1/calendar", kind="nonsense").status_code in (400, 422)
