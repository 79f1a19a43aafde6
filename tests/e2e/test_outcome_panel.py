"""The outcome comes back, in Chromium (issue 10, item 7): a case granted
for 1 year against 3 requested and issued; the decision panel says so at
390 px and 1280 px in Japanese and English (screenshots in
var/screenshots/outcome-*.png), and the people list shows the new expiry."""

from __future__ import annotations

from pathlib import Path

import pytest

from applications.workflow import Status
from review.models import ResidenceCard
from tests.e2e.dates import shown
from tests.factories import OrganizationFactory, staff
from tests.review.issuance_helpers import clerk, decided, media, walk_to

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def media_root(settings, tmp_path: Path) -> Path:
    return media(settings, tmp_path)


def test_outcome_panel_in_chromium(
    browser, live_server, screenshot_dir, reference_data, media_root, sign_in
):
    base = live_server.url
    org = OrganizationFactory()
    user = staff(org, full_name="申請 花子")
    application = walk_to(
        decided(org, user, period="1y"), Status.ISSUED, actor=clerk(), user=user
    )
    card = ResidenceCard.objects.get(application=application)
    person = application.foreign_national
    person.refresh_from_db()
    context = browser.new_context(
        locale="ja-JP", viewport={"width": 1280, "height": 900}
    )
    page = context.new_page()
    page.set_default_timeout(20_000)
    sign_in(page, user)  # once: a TOTP code is accepted only once
    for language in ("ja", "en"):
        user.language = language
        user.save(update_fields=["language"])
        context.add_cookies(
            [{"name": "django_language", "value": language, "url": base}]
        )
        for width in (390, 1280):
            page.set_viewport_size({"width": width, "height": 900})
            page.goto(f"{base}/applications/{application.code}/")
            panel = page.locator("#outcome")
            text = panel.inner_text()
            assert card.number in text
            if language == "en":
                assert "Permission granted" in text
                assert "1 year" in text and "3 years" in text
            else:
                assert "許可されました" in text
            # The panel leads the page: above the timeline.
            assert (
                panel.bounding_box()["y"]
                < page.locator("#timeline-title").bounding_box()["y"]
            )
            page.screenshot(
                path=str(screenshot_dir / f"outcome-panel-{language}-{width}.png"),
                full_page=True,
            )
    page.goto(f"{base}/applications/people/")
    listing = page.locator("main").inner_text()
    assert any(text in listing for text in shown(person.period_expiry))
    context.close()
