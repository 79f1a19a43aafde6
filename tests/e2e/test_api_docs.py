"""The API reference page works under the site's Content-Security-Policy
with its own assets (no CDN; the machines have no internet)."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db(transaction=True)


def test_api_reference_renders_every_operation_without_csp_violations(
    browser, live_server
):
    page = browser.new_page()
    page.set_default_timeout(20_000)
    violations: list[str] = []
    page.on(
        "console",
        lambda message: (
            violations.append(message.text)
            if "Content Security Policy" in message.text
            else None
        ),
    )
    outside: list[str] = []
    page.on(
        "request",
        lambda request: (
            outside.append(request.url)
            if not request.url.startswith((live_server.url, "data:", "blob:"))
            else None
        ),
    )
    page.goto(f"{live_server.url}/api/v1/docs")
    page.wait_for_selector(".opblock", timeout=20_000)
    assert page.locator(".opblock").count() >= 18
    assert not violations, violations
    assert not outside, outside
    page.close()


def test_a_key_is_created_at_390_px_and_used(
    browser, live_server, sign_in, axe, reference_data, org, org_staff
):
    context = browser.new_context(
        locale="ja-JP", viewport={"width": 390, "height": 844}
    )
    page = context.new_page()
    page.set_default_timeout(20_000)
    sign_in(page, org_staff, reauthenticate=True)
    page.goto(f"{live_server.url}/account/api-keys/new/")
    axe(page, "api_key_form")
    page.fill("input[name=name]", "人事システム")
    page.locator("input[name=organizations]").first.check()
    page.locator("input[name=scopes][value='cases:read']").check()
    with page.expect_navigation():
        page.locator("main form button[type=submit]").last.click()
    token = page.input_value("#api-token")
    assert token.startswith("zk_")
    axe(page, "api_key_created")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390
    page.goto(f"{live_server.url}/account/api-keys/")
    assert token not in page.content()
    axe(page, "api_keys")
    context.close()
