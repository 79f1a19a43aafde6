"""The filing steps in Chromium: the companions' questions are revealed under
their checkbox by portal.js (aria-controls and aria-expanded follow), the
person saved a moment ago is a summary, the period is asked with radios,
and the nationality picker shows names.  Screenshots of each step at 390 and
1280 px, in Japanese and English, with axe-core on each."""

from __future__ import annotations

import pytest

from applications.models import Application
from tests import factories
from tests.applications import filing_data as fd
from tests.e2e.test_filing_journey import document_slots  # noqa: F401 - a fixture

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("document_slots", "media_root"),
]


def test_companion_questions_are_revealed_when_ticked(page, live_server, sign_in):
    org = factories.OrganizationFactory(category=3)
    user = factories.staff(org, full_name="大阪 花子")
    application = fd.draft(user, fd.person(org))
    sign_in(page, user)
    page.goto(f"{live_server.url}/applications/drafts/{application.code}/companions/")
    reentry = page.locator("input[name=companions][value=reentry]")
    other = page.locator("input[name=companions][value=other_activity]")
    assert reentry.get_attribute("aria-controls") == "conditional-reentry"
    assert reentry.get_attribute("aria-expanded") == "false"
    assert not page.locator("input[name=reentry_variant]").first.is_visible()
    assert not page.locator("textarea[name=other_activity_details]").is_visible()

    reentry.check()
    assert reentry.get_attribute("aria-expanded") == "true"
    assert page.locator("input[name=reentry_variant]").first.is_visible()
    assert not page.locator("textarea[name=other_activity_details]").is_visible()
    assert other.get_attribute("aria-expanded") == "false"

    other.check()
    assert page.locator("textarea[name=other_activity_details]").is_visible()
    reentry.uncheck()
    assert not page.locator("input[name=reentry_variant]").first.is_visible()
    assert reentry.get_attribute("aria-expanded") == "false"


def test_the_changed_steps_at_both_widths_in_both_languages(
    page, live_server, sign_in, shot, axe_violations
):
    org = factories.OrganizationFactory(category=3, name_ja="株式会社なにわシステム")
    user = factories.staff(org, full_name="大阪 花子")
    person = fd.person(org, nationality="KG")
    sign_in(page, user)
    base = live_server.url

    # A person added while starting: the person page is a summary.
    page.goto(f"{base}/applications/people/{person.code}/")
    with page.expect_navigation():
        page.locator("main form.form button[type=submit]").last.click()
    page.goto(f"{base}/applications/new/person/{person.code}/")
    page.check("input[name=application_type][value=extension]")
    page.check("input[name=companions][value=reentry]")
    with page.expect_navigation():
        page.locator("main form.form button[type=submit]").last.click()
    application = Application.objects.get(main__isnull=True)
    draft = f"{base}/applications/drafts/{application.code}"
    assert "?change=1" in page.goto(f"{draft}/person/").text()

    pages = {
        "start-person": f"{base}/applications/new/{org.code}/",
        "add-person": f"{base}/applications/people/add/{org.code}/?next=start",
        "hub": f"{draft}/",
        "person-summary": f"{draft}/person/",
        "application": f"{draft}/application/",
        "companions": f"{draft}/companions/",
        "check": f"{draft}/check/",
    }
    problems = []
    for language in ("ja", "en"):
        page.context.add_cookies(
            [{"name": "django_language", "value": language, "url": base}]
        )
        for width in (390, 1280):
            page.set_viewport_size({"width": width, "height": 900})
            for name, url in pages.items():
                page.goto(url)
                if name == "companions":
                    page.check("input[name=companions][value=other_activity]")
                shot(page, f"{name}-{language}-{width}")
                overflow = page.evaluate(
                    "document.documentElement.scrollWidth > window.innerWidth"
                )
                if overflow:
                    problems.append(f"{name} {language} {width}: overflows")
                if width == 1280:
                    problems += [
                        f"{name} {language}: {v['id']}" for v in axe_violations(page)
                    ]
        page.goto(pages["add-person"])
        option = page.locator("select[name=nationality] option[value=KG]")
        assert option.text_content() == (
            "キルギス" if language == "ja" else "Kyrgyzstan"
        )
        page.goto(pages["application"])
        assert page.locator("input[type=radio][name=requested_period]").count() >= 2
    assert problems == []


def test_recommendation_outcomes_reveal_their_questions(
    page, live_server, sign_in, shot, axe_violations
):
    from tests.factories import ApplicationFactory, officer
    from tests.review.exam_helpers import Role, claimed

    org = factories.OrganizationFactory(category=3)
    user = factories.staff(org, full_name="申請 花子")
    examiner = officer(Role.EXAMINER, full_name="審査 一郎")
    case = claimed(
        ApplicationFactory(submitted=True, organization=org, created_by=user), examiner
    )
    sign_in(page, examiner)
    base = live_server.url
    url = f"{base}/office/cases/{case.code}/recommend/"
    page.goto(url)
    grant = page.locator("input[name=outcome][value=grant]")
    assert grant.get_attribute("aria-controls") == "conditional-grant"
    assert grant.get_attribute("aria-expanded") is None  # not allowed on radios
    assert not page.locator("textarea[name=denial_reasons]").is_visible()
    assert not page.locator("input[name=period]").first.is_visible()
    grant.check()
    assert page.locator("input[name=period]").first.is_visible()
    assert not page.locator("textarea[name=denial_reasons]").is_visible()
    page.check("input[name=outcome][value=deny]")
    assert page.locator("textarea[name=denial_reasons]").is_visible()
    assert not page.locator("input[name=period]").first.is_visible()
    problems = []
    for language in ("ja", "en"):
        page.context.add_cookies(
            [{"name": "django_language", "value": language, "url": base}]
        )
        for width in (390, 1280):
            page.set_viewport_size({"width": width, "height": 900})
            page.goto(url)
            page.check("input[name=outcome][value=grant]")
            shot(page, f"recommend-{language}-{width}")
            problems += [f"{language} {width}: {v['id']}" for v in axe_violations(page)]
    assert problems == []
