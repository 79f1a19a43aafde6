"""The foreign national's own status check in Chromium at 390 px: a
Vietnamese reader finds their application's stage, without JavaScript
getting in the way and without the page overflowing the screen
(screenshot in var/screenshots/status-check-*.png)."""

from __future__ import annotations

import pytest

from applications.workflow import Status
from tests.factories import ApplicationFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_status_check_at_390_px_in_vietnamese(
    browser, live_server, reference_data, shot, axe_violations
):
    application = ApplicationFactory(shortcut=True, status=Status.AWAITING_DOCUMENTS)
    born = application.foreign_national.date_of_birth
    context = browser.new_context(
        locale="vi-VN", viewport={"width": 390, "height": 844}
    )
    page = context.new_page()
    page.set_default_timeout(20_000)
    page.goto(f"{live_server.url}/application-status/")
    assert page.locator("h1").inner_text() == "Kiểm tra tình trạng hồ sơ của bạn"
    page.fill("input[name=receipt_number]", application.receipt_number.lower())
    page.fill("input[name=date_of_birth]", f"{born:%Y/%m/%d}")
    with page.expect_navigation():
        page.locator("main form.form button[type=submit]").click()
    result = page.locator("#result-title").locator("..").inner_text()
    assert "Yêu cầu bổ sung giấy tờ" in result  # additional documents requested
    assert application.foreign_national.family_name not in page.content()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    shot(page, "vi-390")
    assert axe_violations(page) == []
    context.close()
