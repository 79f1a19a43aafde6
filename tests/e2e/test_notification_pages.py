"""Issue 12 items 5 and 6 in Chromium: the grant's one message in the inbox
as a web page (heading, paragraphs, key facts, one button) and the clerk's
counter handover step, at 390 px and 1280 px in Japanese and English, each
checked with axe and for horizontal overflow (screenshots in
var/screenshots/notification-pages-*.png)."""

from __future__ import annotations

from pathlib import Path

import pytest

from applications.workflow import Status
from portal.notifications.models import Notification
from review import issuance_rules
from review.services import issuance, payments
from tests.factories import OrganizationFactory, staff
from tests.review.issuance_helpers import clerk, decided, media

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

OVERFLOW = "document.documentElement.scrollWidth > document.documentElement.clientWidth"


@pytest.fixture
def media_root(settings, tmp_path: Path) -> Path:
    return media(settings, tmp_path)


def test_inbox_message_and_counter_handover_in_chromium(
    browser, live_server, reference_data, media_root, sign_in, axe
):
    base = live_server.url
    org = OrganizationFactory()
    user = staff(org, full_name="申請 花子")
    application = decided(org, user)
    note = Notification.objects.get(recipient=user, kind="decision_granted")
    the_clerk = clerk()
    payments.payment_declare(
        application=application,
        actor=user,
        return_method="counter",
        current_card_sent=issuance_rules.needs_current_card(application),
    )
    payments.payment_record_stamps(
        application=application,
        actor=the_clerk,
        amount=application.payment.amount_due,
    )
    issuance.card_receipt_record(application=application, actor=the_clerk)
    issuance.application_issue(application=application, actor=the_clerk)
    application.refresh_from_db()
    assert application.status == Status.ISSUED

    for person, pages in (
        (user, [("inbox", "/inbox/"), ("message", f"/inbox/{note.code}/")]),
        (
            the_clerk,
            [
                ("checklist", f"/office/cases/{application.code}/issuance/"),
                (
                    "handover",
                    f"/office/cases/{application.code}/issuance/dispatch/",
                ),
                (
                    "dispatch",
                    f"/office/cases/{application.code}/issuance/dispatch/?by=post",
                ),
            ],
        ),
    ):
        context = browser.new_context(
            locale="ja-JP", viewport={"width": 1280, "height": 900}
        )
        page = context.new_page()
        page.set_default_timeout(20_000)
        sign_in(page, person)
        for language in ("ja", "en"):
            context.add_cookies(
                [{"name": "django_language", "value": language, "url": base}]
            )
            for width in (390, 1280):
                page.set_viewport_size({"width": width, "height": 900})
                for name, path in pages:
                    page.goto(base + path)
                    assert not page.evaluate(OVERFLOW), (name, language, width)
                    axe(page, f"{name}-{language}-{width}")
                    if name == "message":
                        main = page.locator("main")
                        assert main.locator("h1").count() == 1
                        assert main.locator("pre").count() == 0
                        button = main.locator("a.button")
                        assert button.count() == 1
                        assert button.get_attribute("href") == (
                            f"/issuance/{application.code}/"
                        )
                    if name == "handover":
                        assert page.locator("input[name=method]").count() == 0
        context.close()
