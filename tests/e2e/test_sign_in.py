from __future__ import annotations

import pytest

from tests.factories import PASSWORD, UserFactory, fresh_totp_code

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_sign_in_with_password_and_totp_in_chromium(page, live_server, screenshot_dir):
    user = UserFactory(mfa=True, full_name="山田 花子")
    page.goto(f"{live_server.url}/accounts/login/")
    assert page.locator("html").get_attribute("lang") == "ja"
    page.fill("input[name=login]", user.username)
    page.fill("input[name=password]", PASSWORD)
    page.locator("main form button[type=submit]").first.click()
    page.wait_for_url("**/accounts/2fa/authenticate/")
    code_field = page.locator("input[name=code]")
    assert code_field.get_attribute("autocomplete") == "one-time-code"
    page.screenshot(path=str(screenshot_dir / "sign-in-code-step.png"), full_page=True)
    code_field.fill(fresh_totp_code(user))
    page.locator("main form button[type=submit]").first.click()
    page.wait_for_url("**/dashboard/")
    page.screenshot(
        path=str(screenshot_dir / "dashboard-after-sign-in.png"), full_page=True
    )
    assert page.locator("main h1").count() == 1


def test_new_user_is_sent_to_mfa_setup_and_can_only_leave_by_enrolling(
    page, live_server
):
    user = UserFactory()
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=login]", user.email)
    page.fill("input[name=password]", PASSWORD)
    page.locator("main form button[type=submit]").first.click()
    page.wait_for_url("**/accounts/2fa/totp/activate/")
    page.goto(f"{live_server.url}/inbox/")
    assert page.url.endswith("/accounts/2fa/totp/activate/")
