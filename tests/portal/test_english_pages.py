"""Issue 12 item 12: English pages are English.

Key pages of every role are rendered with the language set to English, with
user data in Roman letters, and the main content must carry no Japanese
character — except where the page marks Japanese on purpose (``lang="ja"``,
for example the name of the Japanese version of a document). Labels that
come from data (document slots, statuses of residence imported from a roster,
countries, offices) must show their English names.
"""

from __future__ import annotations

import re
from datetime import timedelta

from django.urls import reverse
from django.utils import timezone, translation

import pytest

from accounts.models import OfficerRole, RosterEntry
from applications.workflow import Status
from tests.factories import (
    ApplicationFactory,
    OrganizationFactory,
    officer,
    staff,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("reference_data")]

JAPANESE = re.compile("[\u3040-\u30ff\u3400-\u9fff\uf900-\ufaff\uff01-\uff5e]")
MAIN = re.compile(r"<main\b.*?</main>", re.S)
MARKED_JA = re.compile(r"<(\w+)\b[^>]*\blang=\"ja\"[^>]*>.*?</\1>", re.S)


@pytest.fixture(autouse=True)
def _no_language_left_active():
    yield
    translation.deactivate_all()


def japanese_in_main(html: str) -> list[str]:
    """Snippets of Japanese in the page's main content, outside lang="ja"."""
    match = MAIN.search(html)
    assert match, "the page has no <main>"
    text = MARKED_JA.sub(" ", match.group(0))
    text = re.sub(r"<script\b.*?</script>", " ", text, flags=re.S)
    text = re.sub(r"<[^>]+>", " ", text)
    text = re.sub(r"\s+", " ", text)
    return [
        text[max(0, m.start() - 30) : m.end() + 30] for m in JAPANESE.finditer(text)
    ]


def test_the_check_finds_japanese_and_skips_marked_japanese():
    assert japanese_in_main("<main><p>Status: 審査中</p></main>")
    assert not japanese_in_main('<main><a lang="ja">日本語（PDF）</a> English</main>')
    assert not japanese_in_main('<main><p title="x">Plain English</p></main>')


@pytest.fixture
def english_client(client, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


@pytest.fixture
def org_en():
    return OrganizationFactory(name_ja="ACME TRADING KK", name_en="Acme Trading")


@pytest.fixture
def clerk_user(org_en):
    return staff(org_en, full_name="HANAKO TANAKA", language="en")


@pytest.fixture
def examiner_en():
    return officer(OfficerRole.Role.EXAMINER, full_name="ICHIRO SHINSA")


def _case(org, user, **fields):
    return ApplicationFactory(
        organization=org,
        created_by=user,
        status=Status.EXAMINING,
        shortcut=True,
        documents=True,
        **fields,
    )


def _page(client, user, url: str) -> str:
    client.force_login(user)
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return response.content.decode()


def _strings(value) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for v in value.values() for s in _strings(v)]
    if isinstance(value, (list, tuple)):
        return [s for v in value for s in _strings(v)]
    return []


def user_data(application) -> list[str]:
    """What the filer typed (the application form's answers, the person's
    name in kanji): shown as typed, in whatever script it was typed in."""
    person = application.foreign_national
    typed = [
        getattr(person, field.attname)
        for field in person._meta.concrete_fields
        if isinstance(getattr(person, field.attname), str)
    ]
    values = [*_strings(application.answers), *typed]
    return sorted((v for v in values if JAPANESE.search(v)), key=len, reverse=True)


def _assert_english(html: str, url: str, *, typed: list[str] = ()) -> None:
    for value in typed:
        html = html.replace(value, " ")
    found = japanese_in_main(html)
    assert not found, f"{url}: Japanese in the English page: {found[:8]}"


def test_applicant_pages_are_english(english_client, org_en, clerk_user):
    application = _case(org_en, clerk_user)
    for url in (
        reverse("dashboard"),
        reverse("applications:list"),
        reverse("applications:case", args=[application.code]),
    ):
        html = _page(english_client, clerk_user, url)
        _assert_english(html, url, typed=user_data(application))


def test_document_slots_are_named_in_english(english_client, org_en, clerk_user):
    from tests.applications import filing_data as fd

    draft = fd.draft(clerk_user, fd.person(org_en), companions=("reentry",))
    url = reverse("applications:draft_documents", args=[draft.code])
    html = _page(english_client, clerk_user, url)
    assert "Photograph (4 cm high × 3 cm wide)" in html
    _assert_english(html, url)


def test_officer_pages_are_english(english_client, org_en, clerk_user, examiner_en):
    application = _case(org_en, clerk_user)
    for url in (
        reverse("review:queue"),
        reverse("review:case", args=[application.code]),
    ):
        html = _page(english_client, examiner_en, url)
        _assert_english(html, url, typed=user_data(application))


def test_recommendation_page_is_english(
    english_client, org_en, clerk_user, examiner_en
):
    from review.services import examination

    application = _case(org_en, clerk_user, type_code="coe", companions=())
    examination.case_claim(application=application, actor=examiner_en)
    url = reverse("review:case_recommend", args=[application.code])
    _assert_english(_page(english_client, examiner_en, url), url)


def test_processing_times_page_is_english(english_client):
    html = english_client.get(reverse("review:processing_times")).content.decode()
    _assert_english(html, "processing times")


def test_inactive_account_page_says_why_and_what_next(english_client, settings):
    html = english_client.get(reverse("account_inactive")).content.decode()
    assert "You cannot sign in with this account" in html
    assert "revoked or switched off" in html
    assert "What to do next" in html
    assert "new request for use" in html
    _assert_english(html, "account inactive")
    english_client.cookies[settings.LANGUAGE_COOKIE_NAME] = "ja"
    html = english_client.get(reverse("account_inactive")).content.decode()
    assert "このアカウントではログインできません" in html
    assert "次にすること" in html


def test_roster_statuses_and_countries_show_in_english(
    english_client, org_en, clerk_user
):
    RosterEntry.objects.create(
        organization=org_en,
        family_name="SANTOS",
        given_name="MARIA",
        sex="F",
        date_of_birth="1998-12-24",
        nationality="PH",
        # As a roster CSV import stores it: the Japanese name on the code list.
        status_of_residence="技術・人文知識・国際業務",
        period_expiry=timezone.localdate() + timedelta(days=80),
    )
    url = reverse("accounts:organization_roster", args=[org_en.code])
    html = _page(english_client, clerk_user, url)
    assert "Engineer/Specialist in Humanities/International Services" in html
    assert "Philippines" in html
    _assert_english(html, url)
    english_client.cookies["django_language"] = "ja"
    html = english_client.get(url).content.decode()
    assert "技術・人文知識・国際業務" in html
    assert "フィリピン" in html


ISO_DATE = re.compile(r"\b\d{4}-\d{2}-\d{2}\b")


@pytest.mark.parametrize(
    ("language", "pattern"),
    [
        (
            "en",
            r"\b\d{1,2} (January|February|March|April|May|June|July|August|"
            r"September|October|November|December) \d{4}\b",
        ),
        ("ja", r"\d{4}年\d{1,2}月\d{1,2}日"),
    ],
)
def test_check_answers_formats_its_dates_one_way(
    client, settings, org_en, clerk_user, language, pattern
):
    """Check answers showed 1997-06-15 next to 2026年12月5日: every date on
    the page is now in the page's one format (portal/formats)."""
    from tests.applications import filing_data as fd

    application = fd.ready_extension(
        clerk_user,
        fd.person(org_en),
        reentry_until=timezone.localdate() + timedelta(days=300),
    )
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    url = reverse("applications:draft_check", args=[application.code])
    html = _page(client, clerk_user, url)
    main = MAIN.search(html).group(0)
    text = re.sub(r"<[^>]+>", " ", re.sub(r'(value|datetime|href)="[^"]*"', "", main))
    assert re.search(pattern, text)
    assert not ISO_DATE.findall(text), ISO_DATE.findall(text)[:5]
