"""The webhooks pages in Chromium at 390 px: an organisation's staff adds an
endpoint through the form (fresh sign-in), copies the secret shown once,
sees the endpoint and the delivery log; every page passes axe-core and
nothing is wider than the screen."""

from __future__ import annotations

import time

import pytest

from tests.factories import ApplicationFactory, OrganizationFactory, staff
from webhooks import services
from webhooks.models import Delivery, Endpoint

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _fits(page) -> None:
    overflow = page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0, f"{page.url} is {overflow}px wider than the screen"


def test_adding_an_endpoint_and_reading_the_log_on_a_phone(
    page, live_server, reference_data, sign_in, submit, axe, media_root, settings
):
    settings.WEBHOOK_ALLOW_LOOPBACK = True
    org = OrganizationFactory()
    alice = staff(org, full_name="山田 アリス")
    page.set_viewport_size({"width": 390, "height": 844})
    sign_in(page, alice, reauthenticate=True)

    page.get_by_role("link", name=f"{org.name_ja} のWebhook").click()
    axe(page, "list-empty-ja")
    _fits(page)
    page.get_by_role("button", name="送信先を追加").click()
    axe(page, "add-ja")
    _fits(page)
    page.fill("input[name=url]", "http://127.0.0.1:9/hooks/zairyu")
    page.get_by_label("申請の受付").check()
    page.get_by_label("処分の決定").check()
    submit(page)
    secret = page.locator("#webhook-secret").inner_text()
    assert secret.startswith("whsec_")
    axe(page, "secret-ja")
    _fits(page)
    endpoint = Endpoint.objects.get()
    assert endpoint.events == ["case.received", "case.decided"]

    ApplicationFactory(organization=org, submitted=True)
    delivery = Delivery.objects.get()
    # One failed attempt (nothing listens on port 9), so the page shows the
    # attempts table; a worker of the test session may have made it already.
    services.delivery_attempt(delivery_id=delivery.pk)
    deadline = time.monotonic() + 20
    while not delivery.attempt_log.exists() and time.monotonic() < deadline:
        time.sleep(0.2)
    assert delivery.attempt_log.exists()
    page.get_by_role("link", name="シークレットを控えました。送信先へ進む").click()
    assert secret not in page.content()
    axe(page, "endpoint-ja")
    _fits(page)
    page.get_by_role("link", name="申請の受付").first.click()
    assert delivery.message_id in page.content()
    axe(page, "delivery-ja")
    _fits(page)
    page.goto(f"{live_server.url}/organizations/{org.code}/webhooks/deliveries/")
    axe(page, "log-ja")
    _fits(page)
