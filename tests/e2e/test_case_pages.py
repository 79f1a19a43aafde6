"""The organisation's case pages in Chromium pass axe-core in Japanese and
English."""

from __future__ import annotations

from django.urls import reverse

import pytest

from applications.workflow import Action, Status
from tests.applications.test_cases import advance, case_url, list_url
from tests.factories import ApplicationFactory, OrganizationFactory, appoint, staff


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_case_pages_pass_axe_in_both_languages(
    live_server, client, page, settings, reference_data, screenshot_dir, axe_violations
):
    from django.conf import settings as django_settings

    from applications import documents

    org = OrganizationFactory()
    alice = staff(org, full_name="山田 アリス")
    appoint(alice, OrganizationFactory())
    application = ApplicationFactory(
        submitted=True,
        organization=org,
        created_by=alice,
        companions=("reentry", "other_activity"),
    )
    advance(application, Action.START_EXAMINATION, Action.REQUEST_DOCUMENTS)
    documents.receipt_render(application_id=application.pk)
    ApplicationFactory(
        shortcut=True, organization=org, created_by=alice, status=Status.WITHDRAWN
    )
    client.force_login(alice)
    session = client.cookies[django_settings.SESSION_COOKIE_NAME].value
    pages = [
        ("list", list_url()),
        ("list-error", list_url(q="ab")),
        ("list-empty", list_url(state="denied")),
        ("case", case_url(application)),
        ("withdraw", case_url(application, "withdraw")),
        ("dashboard", reverse("dashboard")),
    ]
    for language in ("ja", "en"):
        page.context.clear_cookies()
        page.context.add_cookies(
            [
                {
                    "name": django_settings.SESSION_COOKIE_NAME,
                    "value": session,
                    "url": live_server.url,
                },
                {"name": "django_language", "value": language, "url": live_server.url},
            ]
        )
        for name, url in pages:
            page.goto(live_server.url + url)
            assert page.locator("html").get_attribute("lang") == language
            page.screenshot(
                path=str(screenshot_dir / f"cases-{name}-{language}.png"),
                full_page=True,
            )
            violations = axe_violations(page)
            assert violations == [], (name, language, violations)
        # The withdrawal form with its error summary.
        page.goto(live_server.url + case_url(application, "withdraw"))
        page.click("main button[type=submit]")
        assert page.locator(".error-summary").is_visible()
        assert axe_violations(page) == [], ("withdraw-error", language)
