"""In Chromium: an attorney serving two organisations filters the
dashboard's urgency list, the compliance calendar and the drafts by client;
the calendar reads at 390 px and passes axe-core."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

import pytest

from tests.factories import (
    ForeignNationalFactory,
    OrganizationFactory,
    appoint,
    appointee,
)


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_attorney_filters_by_client(page, live_server, reference_data, sign_in, axe):
    first = OrganizationFactory(name_ja="株式会社一番", name_en="Ichiban KK")
    second = OrganizationFactory(name_ja="株式会社二番", name_en="Niban KK")
    lawyer = appointee(first, language="ja")
    appoint(lawyer, second)
    today = timezone.localdate()
    ForeignNationalFactory(
        organization=first, family_name="ALPHA", period_expiry=today + timedelta(30)
    )
    ForeignNationalFactory(
        organization=second, family_name="BRAVO", period_expiry=today + timedelta(45)
    )
    base = live_server.url

    sign_in(page, lawyer)
    axe(page, "dashboard")
    block = page.locator("section[aria-labelledby=action-needed-title]")
    # The urgency list spans both clients and names the organisation on each row.
    assert block.get_by_text("ALPHA", exact=False).count() == 1
    assert block.get_by_text("BRAVO", exact=False).count() == 1
    bravo_row = block.locator("li.item-list__item").filter(has_text="BRAVO")
    assert "株式会社二番" in bravo_row.inner_text()

    block.locator("select[name=organization]").select_option(str(second.code))
    with page.expect_navigation():
        block.locator("form[method=get] button").click()
    block = page.locator("section[aria-labelledby=action-needed-title]")
    assert block.get_by_text("BRAVO", exact=False).count() == 1
    assert block.get_by_text("ALPHA", exact=False).count() == 0

    # The calendar, on a phone, filtered to the first client.
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{base}/desk/calendar/")
    page.locator("select[name=organization]").select_option(str(first.code))
    with page.expect_navigation():
        page.locator("main form button[type=submit]").first.click()
    main = page.locator("main")
    assert main.get_by_text("ALPHA", exact=False).count() >= 1
    assert main.get_by_text("BRAVO", exact=False).count() == 0
    # Nothing wider than the screen.
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    axe(page, "calendar-390")

    # "Start the extension" on the row creates the draft and opens it.
    with page.expect_navigation():
        main.locator("form[action*='/extension/'] button").first.click()
    assert "/applications/drafts/" in page.url

    # The drafts, filtered by client.
    page.goto(f"{base}/applications/drafts/?organization={second.code}")
    assert page.locator("main").get_by_text("ALPHA", exact=False).count() == 0
    page.goto(f"{base}/applications/drafts/?organization={first.code}")
    assert page.locator("main").get_by_text("ALPHA", exact=False).count() >= 1
