"""The foreign national's own status check (issue 13 item 3)."""

from __future__ import annotations

import re
import uuid
from datetime import date, timedelta
from html.parser import HTMLParser

from django.core.cache.backends.locmem import LocMemCache
from django.test import Client
from django.utils import timezone

import pytest

from applications.workflow import Status
from portal.audit.models import AuditEvent
from statuscheck import presenters, views
from statuscheck.forms import normalize_receipt_number
from tests.factories import ApplicationFactory, ForeignNationalFactory, UserFactory

pytestmark = pytest.mark.django_db

URL = "/application-status/"
BORN = date(1991, 7, 23)


@pytest.fixture(autouse=True)
def own_rate_limit_cache(monkeypatch):
    # A cache of the test's own: parallel workers clear the shared one.
    from portal.lib import ratelimit

    # (LocMemCache instances of one name share their data: a new name each test.)
    monkeypatch.setattr(ratelimit, "cache", LocMemCache(uuid.uuid4().hex, {}))


@pytest.fixture
def case():
    """An application under examination for a person born on BORN."""
    application = ApplicationFactory(shortcut=True, status=Status.EXAMINING)
    person = application.foreign_national
    person.date_of_birth = BORN
    person.family_name = "PHAMTHIQUYNH"
    person.given_name = "LANHUONG"
    person.nationality = "NP"
    person.passport_number = "ZX9876543"
    person.save()
    return application


def check(client, receipt: str, born: str, *, lang: str | None = None, **extra):
    url = URL + (f"?lang={lang}" if lang else "")
    return client.post(url, {"receipt_number": receipt, "date_of_birth": born}, **extra)


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


def visible_text(response) -> str:
    parser = _Text()
    parser.feed(response.content.decode())
    return " ".join(" ".join(parser.parts).split())


# --- The answer ------------------------------------------------------------------------


def test_the_page_is_public_and_asks_for_the_two_values(client):
    response = client.get(URL)
    assert response.status_code == 200
    body = response.content.decode()
    assert 'name="receipt_number"' in body and 'name="date_of_birth"' in body
    assert 'method="post"' in body


def test_found_shows_the_public_stage_its_date_and_the_office(client, case):
    response = check(client, case.receipt_number.lower(), "1991/7/23")
    assert response.status_code == 200
    text = visible_text(response)
    assert "Under examination" in text  # the case list's words for the stage
    assert "Tokyo" in text  # the receiving office
    assert timezone.localdate(case.submitted_at).strftime("%Y") in text


@pytest.mark.parametrize(
    "typed", ["1991-07-23", "1991/7/23", "1991年7月23日", "19910723", "平成3年7月23日"]
)
def test_the_date_of_birth_is_read_as_everywhere_in_the_portal(client, case, typed):
    assert "Under examination" in visible_text(
        check(client, case.receipt_number, typed)
    )


def test_no_personal_data_in_the_page(client, case):
    response = check(client, case.receipt_number, "1991-07-23")
    assert "Under examination" in visible_text(response)
    body = response.content.decode()
    person = case.foreign_national
    for secret in (
        person.family_name,
        person.given_name,
        person.passport_number,
        person.residence_card_number,
        case.organization.name_en,
        case.organization.name_ja,
    ):
        assert secret not in body, secret
    text = visible_text(response)
    assert not re.search(r"\bNP\b", text)  # nationality
    assert "Nepal" not in text
    assert "1991" not in text  # the date of birth is not shown back on a find


def test_unknown_number_and_wrong_birth_date_get_the_same_answer(client, case):
    """Same status, same page (but for the number typed, the CSRF token and the
    CSP nonce), same queries."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    unknown = "TKY-2026-9999999"
    with CaptureQueriesContext(connection) as unknown_queries:
        miss_number = check(client, unknown, "1991-07-23")
    with CaptureQueriesContext(connection) as wrong_queries:
        miss_birth = check(client, case.receipt_number, "1991-07-24")
    assert miss_number.status_code == miss_birth.status_code == 200

    def normalised(response, number: str, born: str) -> str:
        body = response.content.decode().replace(number, "NUMBER")
        body = body.replace(born, "BORN")
        body = re.sub(r'nonce="[^"]*"', 'nonce=""', body)
        return re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", body)

    assert "No application found" in miss_number.content.decode()
    assert normalised(miss_number, unknown, "1991-07-23") == normalised(
        miss_birth, case.receipt_number, "1991-07-24"
    )
    assert len(unknown_queries) == len(wrong_queries)


def test_a_draft_or_another_persons_birth_date_is_not_found(client, case):
    other = ForeignNationalFactory(organization=case.organization)
    assert (
        "No application found"
        in check(
            client, case.receipt_number, other.date_of_birth.isoformat()
        ).content.decode()
    )


def test_bad_input_gets_a_clear_message_and_keeps_what_was_typed(client):
    response = check(client, "12345", "1991-02-30")
    assert response.status_code == 400
    body = response.content.decode()
    assert "three letters, the year and seven digits" in body
    assert "not a real date" in body
    assert 'value="12345"' in body and 'value="1991-02-30"' in body
    future = (timezone.localdate() + timedelta(days=2)).isoformat()
    assert (
        "cannot be in the future"
        in check(client, "TKY-2026-0000001", future).content.decode()
    )


def test_receipt_numbers_are_read_as_typed():
    assert (
        normalize_receipt_number(" ｔｋｙ－２０２６－０１２３４５６ ")
        == "TKY-2026-0123456"
    )
    assert normalize_receipt_number("tky20260123456") == "TKY-2026-0123456"
    assert normalize_receipt_number("TKY-2026") is None


def test_stage_date_is_when_the_current_stage_began():
    day = timezone.now().replace(hour=3)
    history = [
        ("submitted", day - timedelta(days=20)),
        ("examining", day - timedelta(days=15)),
        ("awaiting_documents", day - timedelta(days=10)),
        ("examining", day - timedelta(days=5)),
        ("decision_proposed", day - timedelta(days=2)),
    ]
    assert presenters.stage_since("decision_proposed", history, None) == (
        timezone.localdate(day - timedelta(days=5))
    )
    assert presenters.stage_since("submitted", [], day) == timezone.localdate(day)


def test_the_stage_date_follows_the_real_flow(client):
    from django.utils.formats import date_format
    from django.utils.translation import override

    application = ApplicationFactory(examining=True)
    started = application.events.get(to_status=Status.EXAMINING).at
    born = application.foreign_national.date_of_birth.isoformat()
    response = check(client, application.receipt_number, born)
    text = visible_text(response)
    assert "Under examination" in text
    assert "Application received" not in text
    with override("en"):
        day = date_format(timezone.localdate(started), "DATE_FORMAT")
    assert f"Since {day}" in text


@pytest.mark.parametrize(
    ("status", "words"),
    [
        (Status.SUBMITTED, "Application received"),
        (Status.DECISION_PROPOSED, "Under examination"),  # internal review not shown
        (Status.AWAITING_DOCUMENTS, "Additional documents requested"),
        (Status.FEE_PAID, "Granted — fee and issuance"),
        (Status.COMPLETED, "Completed"),
        (Status.DENIED, "Denied"),
        (Status.WITHDRAWN, "Withdrawn"),
    ],
)
def test_the_stage_in_the_words_of_the_case_list(client, status, words):
    application = ApplicationFactory(shortcut=True, status=status)
    born = application.foreign_national.date_of_birth.isoformat()
    text = visible_text(check(client, application.receipt_number, born))
    assert words in text
    assert "Decision awaiting approval" not in text


# --- Privacy of the request and the answer ---------------------------------------------


def test_the_answer_is_never_cached_and_the_values_stay_out_of_urls(client, case):
    response = check(client, case.receipt_number, "1991-07-23")
    assert "no-store" in response["Cache-Control"]
    assert "no-store" in client.get(URL)["Cache-Control"]
    assert case.receipt_number not in response.content.decode().split("action=")[1][:80]
    lookups = AuditEvent.objects.filter(action="status_check.lookup").count()
    assert (
        client.get(URL + "?receipt_number=x").status_code == 200
    )  # GET never looks up
    assert AuditEvent.objects.filter(action="status_check.lookup").count() == lookups


def test_csrf_is_required():
    strict = Client(enforce_csrf_checks=True)
    response = strict.post(
        URL, {"receipt_number": "TKY-2026-0000001", "date_of_birth": "1991-07-23"}
    )
    assert response.status_code == 403


def test_a_signed_in_user_without_a_second_factor_may_open_it(client):
    client.force_login(UserFactory())
    assert client.get(URL).status_code == 200
    assert client.get("/dashboard/").status_code == 302  # elsewhere MFA still rules


# --- Rate limits and audit -------------------------------------------------------------


def test_rate_limited_per_client_address(client, case):
    for i in range(views.CLIENT_LIMIT):
        assert check(client, f"TKY-2026-{i:07d}", "1991-07-23").status_code == 200
    response = check(client, case.receipt_number, "1991-07-23")
    assert response.status_code == 429
    assert "Too many checks were made from your connection" in response.content.decode()
    assert "Under examination" not in response.content.decode()
    # Another address is not affected.
    assert (
        check(
            client, case.receipt_number, "1991-07-23", REMOTE_ADDR="192.0.2.9"
        ).status_code
        == 200
    )


def test_rate_limited_per_receipt_number_from_any_address(client, case):
    for i in range(views.RECEIPT_LIMIT):
        response = check(
            client, case.receipt_number, "2000-01-01", REMOTE_ADDR=f"192.0.2.{i + 1}"
        )
        assert response.status_code == 200
    response = check(
        client, case.receipt_number, "1991-07-23", REMOTE_ADDR="198.51.100.1"
    )
    assert response.status_code == 429
    assert "This receipt number was checked too many times" in response.content.decode()
    # Other numbers still answer.
    assert (
        check(
            client, "TKY-2026-0000009", "1991-07-23", REMOTE_ADDR="198.51.100.1"
        ).status_code
        == 200
    )


def test_every_lookup_is_audited_without_personal_values(client, case):
    check(client, case.receipt_number, "1991-07-23")
    check(client, case.receipt_number, "1991-07-24")
    check(client, "TKY-2026-9999999", "1991-07-23")
    events = list(
        AuditEvent.objects.filter(action="status_check.lookup").order_by("id")
    )
    assert [e.data["outcome"] for e in events] == ["found", "not_found", "not_found"]
    assert events[0].object_code == str(case.code)
    assert events[0].data["receipt"] == events[1].data["receipt"]
    assert events[0].data["receipt"] != events[2].data["receipt"]
    for event in events:
        flat = str(event.data) + event.object_code
        assert case.receipt_number not in flat
        assert "9999999" not in flat
        assert "1991" not in flat and "07-23" not in flat
        assert event.actor is None


def test_refused_lookups_are_audited(client, case):
    for _ in range(views.RECEIPT_LIMIT + 1):
        check(client, case.receipt_number, "2000-01-01")
    assert (
        AuditEvent.objects.filter(
            action="status_check.lookup", data__outcome="rate_limited_receipt"
        ).count()
        == 1
    )


# --- Languages ------------------------------------------------------------------------

HEADINGS = {
    "ja": "申請状況の確認",
    "en": "Check the status of your application",
    "zh-hans": "查询申请进度",
    "vi": "Kiểm tra tình trạng hồ sơ của bạn",
    "ko": "신청 진행 상황 확인",
}


@pytest.mark.parametrize("lang", sorted(HEADINGS))
def test_each_language_renders_its_heading(client, lang):
    response = client.get(URL + f"?lang={lang}")
    body = response.content.decode()
    assert f"<h1>{HEADINGS[lang]}</h1>" in body
    assert f'<html lang="{lang}">' in body
    assert response["Content-Language"] == lang


@pytest.mark.parametrize("lang", ["zh-hans", "vi", "ko"])
def test_the_answer_is_in_the_chosen_language(client, case, lang):
    response = check(client, case.receipt_number, "1991-07-23", lang=lang)
    assert f"<h1>{HEADINGS[lang]}</h1>" in response.content.decode()
    miss = check(client, "TKY-2026-9999999", "1991-07-23", lang=lang)
    assert "No application found" not in miss.content.decode()  # translated


@pytest.mark.parametrize("lang", ["vi", "ko"])
def test_vietnamese_and_korean_pages_have_no_japanese_left(client, lang):
    """Every string an anonymous visitor sees is in the app's catalogue (a
    missing one would fall back to Japanese, the portal's default)."""
    text = visible_text(client.get(URL + f"?lang={lang}"))
    text = text.replace("日本語", "").replace("简体中文", "")
    assert not re.search(r"[\u3040-\u30ff\u4e00-\u9fff]", text), text


def test_the_browser_language_is_followed_when_no_portal_language_was_chosen(case):
    browser = Client(headers={"Accept-Language": "vi-VN,vi;q=0.9,en;q=0.8"})
    assert HEADINGS["vi"] in browser.get(URL).content.decode()
    chinese = Client(headers={"Accept-Language": "zh-CN,zh;q=0.9"})
    assert HEADINGS["zh-hans"] in chinese.get(URL).content.decode()


def test_other_pages_keep_japanese_and_english_only(client):
    body = client.get("/").content.decode()
    assert "Tiếng Việt" not in body and "한국어" not in body and "简体中文" not in body
    assert 'value="ja"' in body and 'value="en"' in body
    # The portal's own switcher is replaced on the status page, not doubled.
    status_page = client.get(URL).content.decode()
    assert 'name="language"' not in status_page
    assert "Tiếng Việt" in status_page
    # Another page asked for Vietnamese stays in English or Japanese.
    assert '<html lang="en">' in client.get("/?lang=vi").content.decode()
