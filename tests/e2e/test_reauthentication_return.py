"""Re-authentication in Chromium (issue 12): after confirming, the clerk is
back on the action with what they entered.  When the action still fails (the
stamps do not add up to the fee), its error page is at the action's own
address, with the amount as typed, and a corrected amount goes through
without a second prompt (one confirmation covers the sitting)."""

from __future__ import annotations

from datetime import date

import pytest

from applications.workflow import Status
from tests.factories import PASSWORD
from tests.review.issuance_helpers import clerk, decided, org_and_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_clerk_lands_back_on_the_stamps_page_with_the_error_and_the_amount(
    page, live_server, reference_data, eager_celery, media_root, sign_in, submit, shot
):
    org, user = org_and_user()
    case = decided(org, user, received_on=date(2025, 6, 2))
    the_clerk = clerk()
    sign_in(page, the_clerk)
    stamps = f"/office/cases/{case.code}/issuance/stamps/"
    page.goto(f"{live_server.url}{stamps}")
    page.fill("input[name=amount]", "4000")
    submit(page)
    assert "/accounts/reauthenticate/" in page.url
    page.fill("input[name=password]", PASSWORD)
    submit(page)
    # The action's own address (with its one-time token), its error, the amount.
    assert page.url.startswith(f"{live_server.url}{stamps}?resume="), page.url
    assert page.locator(".error-summary").is_visible()
    assert page.locator("input[name=amount]").input_value() == "4000"
    shot(page, "stamps-error-after-confirming")
    case.refresh_from_db()
    assert case.status == Status.GRANTED
    page.fill("input[name=amount]", "12000")
    submit(page)  # no second prompt within the window
    assert page.url == f"{live_server.url}/office/cases/{case.code}/issuance/"
    case.refresh_from_db()
    assert case.status == Status.FEE_PAID
