"""The user's cases after submission: the list (filters, keyset pages,
constant queries), the case page (timeline, special period, what was sent,
downloads, audit), withdrawal, the dashboard panel, and scope — another
organisation's user gets 404 everywhere, a read-only user 403 on acting."""

from __future__ import annotations

import re
import uuid
from datetime import timedelta
from pathlib import Path

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

import pytest
from dateutil.relativedelta import relativedelta

from accounts.models import OfficerRole, User
from applications import services
from applications.models import (
    Application,
    ApplicationType,
    GeneratedDocument,
    StatusEvent,
)
from applications.workflow import Action, Status
from portal.audit.models import AuditEvent
from portal.notifications.models import Notification
from tests.factories import (
    ApplicationFactory,
    ForeignNationalFactory,
    OrganizationFactory,
    Role,
    UserFactory,
    _companion_fields,
    appoint,
    appointee,
    attach_required_documents,
    office,
    officer,
    staff,
    stored_pdf,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path: Path) -> Path:
    root = tmp_path / "media"
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(root), "base_url": "/no-public-url/"},
        },
    }
    return root


@pytest.fixture
def alice(org):
    return staff(org, full_name="山田 アリス", language="en")


@pytest.fixture
def stranger():
    return staff(OrganizationFactory())


@pytest.fixture
def alice_client(client, alice):
    client.force_login(alice)
    client.cookies["django_language"] = "en"
    return client


def text_of(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


def list_url(**params: str) -> str:
    from urllib.parse import urlencode

    base = reverse("applications:list")
    return f"{base}?{urlencode(params)}" if params else base


def case_url(application: Application, name: str = "case") -> str:
    return reverse(f"applications:{name}", args=[application.code])


def receipt_numbers(response) -> list[str]:
    return [row["receipt_number"] for row in response.context["rows"]]


def advance(application: Application, *actions: str, actor=None) -> Application:
    for action in actions:
        application = services.application_transition(
            application=application, action=action, actor=actor
        )
    return application


# --- The list ---------------------------------------------------------------------


def test_list_shows_the_organisations_submitted_cases_only(alice_client, org, alice):
    mine = ApplicationFactory(
        shortcut=True, organization=org, created_by=alice, status=Status.SUBMITTED
    )
    draft = ApplicationFactory(organization=org, created_by=alice)
    other_org = OrganizationFactory()
    theirs = ApplicationFactory(
        shortcut=True,
        organization=other_org,
        created_by=staff(other_org),
        status=Status.SUBMITTED,
    )
    response = alice_client.get(list_url())
    assert response.status_code == 200
    numbers = receipt_numbers(response)
    assert numbers == [mine.receipt_number]
    html = text_of(response)
    assert theirs.receipt_number not in html
    assert str(draft.code) not in html


def test_list_row_shows_type_companions_person_stage_date_and_organisation(
    alice_client, org, alice
):
    application = ApplicationFactory(
        shortcut=True,
        organization=org,
        created_by=alice,
        companions=("reentry", "other_activity"),
        status=Status.SUBMITTED,
    )
    application.foreign_national.family_name = "TRAN"
    application.foreign_national.save()
    html = text_of(alice_client.get(list_url()))
    assert f'href="{case_url(application)}"' in html
    assert "Extension of Period of Stay" in html
    assert "+ Re-entry Permit" in html
    assert "+ Permission to Engage in Activity Other Than That Permitted" in html
    assert "TRAN VAN AN" in html
    assert "Application received" in html  # 受付済み (not 申請完了)
    assert org.name_en in html
    submitted = timezone.localtime(application.submitted_at)
    assert f'<time datetime="{submitted.isoformat()}">' in html


def test_a_listed_row_follows_its_case(alice_client, org, alice):
    """Rows are printed once per process and remembered by their values
    (portal/lib/rowcache.py): a case that moves on, whose person is renamed
    or that gains a companion prints anew."""
    application = ApplicationFactory(
        shortcut=True,
        organization=org,
        created_by=alice,
        status=Status.SUBMITTED,
        companions=(),
    )
    html = text_of(alice_client.get(list_url()))
    assert ">Application received</strong>" in html
    assert "+ Re-entry Permit" not in html
    Application.objects.filter(pk=application.pk).update(status=Status.EXAMINING)
    person = application.foreign_national
    person.family_name = "RENAMEDLISTED"
    person.save()
    Application.objects.create(
        application_type=ApplicationType.objects.get(code="reentry"),
        main=application,
        organization=org,
        foreign_national=person,
        created_by=alice,
        **_companion_fields("reentry", person),
    )
    html = text_of(alice_client.get(list_url()))
    assert ">Application received</strong>" not in html
    assert ">Under examination</strong>" in html
    assert "RENAMEDLISTED" in html and "+ Re-entry Permit" in html


def test_list_newest_submission_first(alice_client, org, alice):
    now = timezone.now()
    old = ApplicationFactory(
        shortcut=True,
        organization=org,
        created_by=alice,
        submitted_at=now - timedelta(days=3),
        status=Status.SUBMITTED,
    )
    new = ApplicationFactory(
        shortcut=True,
        organization=org,
        created_by=alice,
        submitted_at=now - timedelta(hours=1),
        status=Status.SUBMITTED,
    )
    middle = ApplicationFactory(
        shortcut=True,
        organization=org,
        created_by=alice,
        submitted_at=now - timedelta(days=1),
        status=Status.SUBMITTED,
    )
    numbers = receipt_numbers(alice_client.get(list_url()))
    assert numbers == [new.receipt_number, middle.receipt_number, old.receipt_number]


def test_filter_by_organisation_for_a_user_of_two(client, org, alice):
    other_org = OrganizationFactory()
    appoint(alice, other_org)
    mine = ApplicationFactory(
        shortcut=True, organization=org, created_by=alice, status=Status.SUBMITTED
    )
    theirs = ApplicationFactory(
        shortcut=True, organization=other_org, created_by=alice, status=Status.SUBMITTED
    )
    client.force_login(alice)
    response = client.get(list_url())
    assert set(receipt_numbers(response)) == {
        mine.receipt_number,
        theirs.receipt_number,
    }
    assert 'name="organization"' in response.content.decode()
    response = client.get(list_url(organization=str(other_org.code)))
    assert receipt_numbers(response) == [theirs.receipt_number]


def test_organisation_filter_is_hidden_for_a_user_of_one(alice_client, org, alice):
    ApplicationFactory(
        shortcut=True, organization=org, created_by=alice, status=Status.SUBMITTED
    )
    assert 'name="organization"' not in alice_client.get(list_url()).content.decode()


def test_filter_by_an_organisation_not_mine_is_an_error_not_a_leak(
    alice_client, org, alice
):
    other_org = OrganizationFactory()
    ApplicationFactory(
        shortcut=True,
        organization=other_org,
        created_by=staff(other_org),
        status=Status.SUBMITTED,
    )
    response = alice_client.get(list_url(organization=str(other_org.code)))
    assert response.status_code == 200
    assert response.context["rows"] == []
    assert "There is a problem" in text_of(response)


def test_filter_by_type(alice_client, org, alice):
    extension = ApplicationFactory(
        shortcut=True, organization=org, created_by=alice, status=Status.SUBMITTED
    )
    change = ApplicationFactory(
        shortcut=True,
        organization=org,
        created_by=alice,
        type_code="change",
        status=Status.SUBMITTED,
    )
    coe = ApplicationFactory(
        shortcut=True,
        organization=org,
        created_by=alice,
        type_code="coe",
        companions=(),
        status=Status.SUBMITTED,
    )
    assert receipt_numbers(alice_client.get(list_url(type="change"))) == [
        change.receipt_number
    ]
    assert receipt_numbers(alice_client.get(list_url(type="coe"))) == [
        coe.receipt_number
    ]
    assert extension.receipt_number in receipt_numbers(alice_client.get(list_url()))


@pytest.mark.parametrize(
    ("state", "statuses_in", "statuses_out"),
    [
        ("received", [Status.SUBMITTED], [Status.EXAMINING, Status.WITHDRAWN]),
        (
            "examination",
            [Status.EXAMINING, Status.DECISION_PROPOSED],
            [Status.AWAITING_DOCUMENTS, Status.SUBMITTED],
        ),
        ("documents", [Status.AWAITING_DOCUMENTS], [Status.EXAMINING]),
        (
            "issuance",
            [Status.GRANTED, Status.FEE_PAID, Status.ISSUED, Status.DISPATCHED],
            [Status.COMPLETED],
        ),
        ("done", [Status.COMPLETED], [Status.WITHDRAWN, Status.DENIED]),
        ("withdrawn", [Status.WITHDRAWN], [Status.COMPLETED, Status.DENIED]),
        ("denied", [Status.DENIED], [Status.WITHDRAWN, Status.GRANTED]),
    ],
)
def test_filter_by_stage(alice_client, org, alice, state, statuses_in, statuses_out):
    wanted = {
        ApplicationFactory(
            shortcut=True, organization=org, created_by=alice, status=s
        ).receipt_number
        for s in statuses_in
    }
    for s in statuses_out:
        ApplicationFactory(shortcut=True, organization=org, created_by=alice, status=s)
    assert set(receipt_numbers(alice_client.get(list_url(state=state)))) == wanted


def test_search_by_receipt_number_start_or_companion_receipt(alice_client, org, alice):
    a = ApplicationFactory(
        shortcut=True,
        organization=org,
        created_by=alice,
        receipt_number="TKY-2026-1234567",
        status=Status.SUBMITTED,
    )
    b = ApplicationFactory(
        shortcut=True,
        organization=org,
        created_by=alice,
        receipt_number="TKY-2026-7654321",
        status=Status.SUBMITTED,
    )
    assert receipt_numbers(alice_client.get(list_url(q="TKY-2026-123"))) == [
        a.receipt_number
    ]
    # Full-width, lower case and spaces are normalised.
    assert receipt_numbers(
        alice_client.get(list_url(q=" ｔｋｙ－２０２６－７６５ "))
    ) == [b.receipt_number]
    companion = b.companions.get()
    assert receipt_numbers(alice_client.get(list_url(q=companion.receipt_number))) == [
        b.receipt_number
    ]


def test_search_by_part_of_the_roman_letter_name(alice_client, org, alice):
    a = ApplicationFactory(
        shortcut=True,
        organization=org,
        created_by=alice,
        foreign_national=ForeignNationalFactory(
            organization=org, family_name="SANTOS", given_name="MARIA CLARA"
        ),
        status=Status.SUBMITTED,
    )
    b = ApplicationFactory(
        shortcut=True,
        organization=org,
        created_by=alice,
        foreign_national=ForeignNationalFactory(
            organization=org, family_name="RAMOS", given_name="JOSE"
        ),
        status=Status.SUBMITTED,
    )
    assert receipt_numbers(alice_client.get(list_url(q="santos"))) == [a.receipt_number]
    assert receipt_numbers(alice_client.get(list_url(q="mar san"))) == [
        a.receipt_number
    ]
    assert (
        set(receipt_numbers(alice_client.get(list_url(q="OS")))) == set()
    )  # too short
    assert receipt_numbers(alice_client.get(list_url(q="ramos jos"))) == [
        b.receipt_number
    ]


def test_search_shorter_than_three_characters_is_explained(alice_client, org, alice):
    ApplicationFactory(
        shortcut=True, organization=org, created_by=alice, status=Status.SUBMITTED
    )
    response = alice_client.get(list_url(q="ab"))
    html = text_of(response)
    assert response.context["rows"] == []
    assert "Error:" in html.split("</title>")[0]
    assert "Enter at least 3 characters" in html
    assert 'href="#id_q"' in html  # the summary links to the field


def test_unknown_filter_values_are_errors_not_crashes(alice_client, org, alice):
    ApplicationFactory(
        shortcut=True, organization=org, created_by=alice, status=Status.SUBMITTED
    )
    for params in ({"type": "nonsense"}, {"state": "lost"}, {"organization": "x"}):
        response = alice_client.get(list_url(**params))
        assert response.status_code == 200
        assert response.context["rows"] == []


def _many_cases(org, user, count: int, *, same_time: bool = False) -> list[Application]:
    now = timezone.now()
    return [
        ApplicationFactory(
            shortcut=True,
            organization=org,
            created_by=user,
            companions=("reentry",),
            submitted_at=now if same_time else now - timedelta(minutes=i),
            status=Status.SUBMITTED,
        )
        for i in range(count)
    ]


@pytest.mark.parametrize("same_time", [False, True])
def test_keyset_pages_of_50_forward_and_back(alice_client, org, alice, same_time):
    cases = _many_cases(org, alice, 120, same_time=same_time)
    expected = [
        a.receipt_number
        for a in sorted(cases, key=lambda a: (a.submitted_at, a.pk), reverse=True)
    ]
    first = alice_client.get(list_url())
    assert receipt_numbers(first) == expected[:50]
    assert first.context["prev_url"] == ""
    second = alice_client.get(list_url() + first.context["next_url"])
    assert receipt_numbers(second) == expected[50:100]
    third = alice_client.get(list_url() + second.context["next_url"])
    assert receipt_numbers(third) == expected[100:]
    assert third.context["next_url"] == ""
    back = alice_client.get(list_url() + third.context["prev_url"])
    assert receipt_numbers(back) == expected[50:100]
    back_again = alice_client.get(list_url() + back.context["prev_url"])
    assert receipt_numbers(back_again) == expected[:50]
    assert back_again.context["prev_url"] == ""
    html = text_of(second)
    assert 'rel="next"' in html and 'rel="prev"' in html


def test_pages_keep_the_filters_and_the_cursor_is_opaque(alice_client, org, alice):
    _many_cases(org, alice, 55)
    first = alice_client.get(list_url(type="extension"))
    next_url = first.context["next_url"]
    assert "type=extension" in next_url
    cursor = re.search(r"cursor=([^&]+)", next_url).group(1)
    last = first.context["rows"][-1]
    assert (
        str(last["id"]) not in cursor and str(last["submitted_at"].year) not in cursor
    )
    second = alice_client.get(list_url() + next_url)
    assert len(second.context["rows"]) == 5


def test_a_malformed_cursor_shows_the_first_page(alice_client, org, alice):
    _many_cases(org, alice, 3)
    for garbage in (
        "",
        "!!!",
        "bm90LWEtY3Vyc29y",
        "eC4xLjI",
        "bi4xMjM0NTY3ODkwMTIzNDU2Nzg5MDEyMzQ1Njc4LjE",
    ):
        response = alice_client.get(list_url(cursor=garbage))
        assert response.status_code == 200
        assert len(response.context["rows"]) == 3


def test_list_queries_are_constant_in_the_number_of_cases(alice_client, org, alice):
    """QUALITY 23: ≤ 6 queries, the same for 3 cases as for 60 (a full page),
    without OFFSET and without counting the rows."""

    def measure() -> list[str]:
        alice_client.get(list_url())  # the first request of a session is special
        with CaptureQueriesContext(connection) as ctx:
            response = alice_client.get(list_url())
        assert response.status_code == 200
        return [q["sql"] for q in ctx.captured_queries]

    _many_cases(org, alice, 3)
    few = measure()
    _many_cases(org, alice, 57)
    many = measure()
    assert len(few) == len(many) <= 6, many
    list_sql = [sql for sql in many if "applications_application" in sql]
    assert not any("OFFSET" in sql for sql in list_sql)
    assert not any("COUNT(" in sql.upper() for sql in list_sql)
    # Filtered and second pages cost the same.
    first = alice_client.get(list_url(state="received", q="NGUYEN"))
    with CaptureQueriesContext(connection) as ctx:
        alice_client.get(list_url() + first.context["next_url"])
    assert len(ctx.captured_queries) <= 6


def test_next_page_compares_the_key_as_a_row_value(alice_client, org, alice):
    """The keyset condition is ``(submitted_at, id) < (…)``, which the index
    answers directly; an OR of comparisons would not."""
    _many_cases(org, alice, 51)
    first = alice_client.get(list_url())
    with CaptureQueriesContext(connection) as ctx:
        alice_client.get(list_url() + first.context["next_url"])
    page_sql = [
        q["sql"]
        for q in ctx.captured_queries
        if '("applications_application"."submitted_at", "applications_application"."id") <'
        in q["sql"]
    ]
    assert page_sql, [q["sql"] for q in ctx.captured_queries]


def test_list_sql_uses_the_case_list_index(org, alice):
    from applications import selectors

    _many_cases(org, alice, 5)
    cases = selectors.cases_for_user(user=alice)
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        plan = cases[:51].explain()
    assert "app_case_list" in plan, plan


# --- The case page ------------------------------------------------------------------


STEPS = ["received", "examination", "decision", "fee", "issuance", "handover"]


def test_case_page_shows_the_timeline_at_received(alice_client, org, alice):
    application = ApplicationFactory(submitted=True, organization=org, created_by=alice)
    response = alice_client.get(case_url(application))
    assert response.status_code == 200
    items = response.context["timeline"]
    assert [i["stage"] for i in items] == STEPS
    assert [i["state"] for i in items] == [
        "current",
        "future",
        "future",
        "future",
        "future",
        "future",
    ]
    assert items[0]["date"] is not None
    html = text_of(response)
    assert 'aria-current="step"' in html
    assert "Application received" in html and "Issued and sent" in html


def test_timeline_ticks_done_steps_with_dates(alice_client, org, alice):
    application = ApplicationFactory(submitted=True, organization=org, created_by=alice)
    advance(
        application,
        Action.START_EXAMINATION,
        Action.REQUEST_DOCUMENTS,
        Action.RESPOND_DOCUMENTS,
        Action.PROPOSE_DECISION,
        Action.APPROVE_GRANT,
    )
    response = alice_client.get(case_url(application))
    items = response.context["timeline"]
    assert [i["state"] for i in items] == [
        "done",
        "done",
        "done",
        "current",
        "future",
        "future",
    ]
    assert all(i["date"] for i in items[:4])
    assert items[2]["title"] == "Granted"
    html = text_of(response)
    assert html.count("✓") == 4  # three steps and the answered request
    assert "(done)" in html


def test_timeline_of_a_completed_case(alice_client, org, alice):
    application = ApplicationFactory(submitted=True, organization=org, created_by=alice)
    advance(
        application,
        Action.START_EXAMINATION,
        Action.PROPOSE_DECISION,
        Action.APPROVE_GRANT,
        Action.CONFIRM_FEE,
        Action.ISSUE,
        Action.DISPATCH,
        Action.RECORD_HANDOVER,
    )
    items = alice_client.get(case_url(application)).context["timeline"]
    assert [i["state"] for i in items] == ["done"] * 6
    assert all(i["date"] for i in items)
    assert items[-1]["title"] == "Received by the person"
    assert "Issued on" in items[4]["text"]


def test_timeline_back_in_examination_after_documents(alice_client, org, alice):
    application = ApplicationFactory(submitted=True, organization=org, created_by=alice)
    advance(
        application,
        Action.START_EXAMINATION,
        Action.REQUEST_DOCUMENTS,
        Action.RESPOND_DOCUMENTS,
    )
    items = alice_client.get(case_url(application)).context["timeline"]
    # The request is nested in examination, which goes on: nothing after
    # the current step is done.
    assert [i["state"] for i in items] == [
        "done",
        "current",
        "future",
        "future",
        "future",
        "future",
    ]


def test_withdrawn_case_says_so_with_the_reason(alice_client, org, alice):
    application = ApplicationFactory(submitted=True, organization=org, created_by=alice)
    advance(application, Action.START_EXAMINATION)
    services.application_withdraw(
        application=application, actor=alice, reason="Moved abroad"
    )
    response = alice_client.get(case_url(application))
    items = response.context["timeline"]
    assert items[-1]["title"] == "Withdrawn"
    assert items[-1]["state"] == "current"
    assert "Moved abroad" in items[-1]["text"]
    assert [i["stage"] for i in items] == ["received", "examination", "withdrawn"]
    assert [i["state"] for i in items[:-1]] == ["done", "done"]
    html = text_of(response)
    assert "This application was withdrawn on" in html
    assert "Withdraw this application" not in html


def test_denied_case_says_so(alice_client, org, alice):
    application = ApplicationFactory(submitted=True, organization=org, created_by=alice)
    advance(
        application,
        Action.START_EXAMINATION,
        Action.PROPOSE_DECISION,
        Action.APPROVE_DENIAL,
    )
    response = alice_client.get(case_url(application))
    assert response.context["timeline"][-1]["title"] == "Denied"
    assert "Permission was not granted" in text_of(response)


def test_special_period_is_shown_for_an_extension_before_the_decision(
    alice_client, org, alice
):
    expiry = timezone.localdate() + timedelta(days=40)
    fn = ForeignNationalFactory(organization=org, period_expiry=expiry)
    application = ApplicationFactory(
        submitted=True, organization=org, created_by=alice, foreign_national=fn
    )
    response = alice_client.get(case_url(application))
    assert response.context["special_period_end"] == expiry + relativedelta(months=2)
    html = text_of(response)
    assert "Special period" in html
    assert "until the decision or until" in html
    advance(
        application,
        Action.START_EXAMINATION,
        Action.PROPOSE_DECISION,
        Action.APPROVE_GRANT,
    )
    assert "Special period" not in text_of(alice_client.get(case_url(application)))


def test_no_special_period_for_other_types_or_short_stays(alice_client, org, alice):
    coe = ApplicationFactory(
        shortcut=True,
        organization=org,
        created_by=alice,
        type_code="coe",
        companions=(),
        status=Status.SUBMITTED,
    )
    assert alice_client.get(case_url(coe)).context["special_period_end"] is None
    short = ApplicationFactory(
        shortcut=True,
        organization=org,
        created_by=alice,
        foreign_national=ForeignNationalFactory(organization=org, current_period="30d"),
        status=Status.SUBMITTED,
    )
    assert alice_client.get(case_url(short)).context["special_period_end"] is None


def test_case_page_shows_what_was_sent(alice_client, org, alice):
    application = ApplicationFactory(
        submitted=True,
        organization=org,
        created_by=alice,
        companions=("reentry", "other_activity"),
    )
    documents = list(application.documents.select_related("file"))
    html = text_of(alice_client.get(case_url(application)))
    person = application.foreign_national
    assert f"{person.family_name} {person.given_name}" in html
    assert "Vietnam" in html
    assert "Re-entry Permit" in html and "Multiple" in html
    assert "Comprehensive permission" in html and "Part-time teaching" in html
    for companion in application.companions.all():
        assert companion.receipt_number in html
    assert documents
    for document in documents:
        assert reverse("files:download", args=[document.file.code]) in html
        assert document.file.original_name in html


@pytest.mark.japanese
def test_case_page_is_japanese_by_default(client, org, alice):
    application = ApplicationFactory(submitted=True, organization=org, created_by=alice)
    client.force_login(alice)
    html = text_of(client.get(case_url(application)))
    assert '<html lang="ja">' in html
    assert "在留期間更新許可申請" in html
    assert "ベトナム" in html


def test_receipt_downloads_are_offered_once_rendered(alice_client, org, alice):
    application = ApplicationFactory(submitted=True, organization=org, created_by=alice)
    html = text_of(alice_client.get(case_url(application)))
    assert "being prepared" in html
    assert reverse("applications:receipt", args=[application.code, "ja"]) not in html
    for language in ("ja", "en"):
        GeneratedDocument.objects.create(
            application=application,
            kind="receipt",
            language=language,
            file=stored_pdf(
                f"receipt-{language}.pdf",
                purpose="application_receipt",
            ),
        )
    html = text_of(alice_client.get(case_url(application)))
    assert "being prepared" not in html
    assert reverse("applications:receipt", args=[application.code, "ja"]) in html
    assert reverse("applications:receipt", args=[application.code, "en"]) in html


def test_viewing_a_case_is_audited(alice_client, org, alice):
    application = ApplicationFactory(submitted=True, organization=org, created_by=alice)
    alice_client.get(case_url(application))
    event = AuditEvent.objects.filter(action="application.view").get()
    assert event.actor == alice
    assert event.object_code == str(application.code)
    assert event.organization_code == org.code


def test_a_draft_has_no_case_page_but_leads_to_the_draft(alice_client, org, alice):
    draft = ApplicationFactory(organization=org, created_by=alice)
    response = alice_client.get(case_url(draft))
    assert response.status_code == 302
    assert response["Location"] == reverse("applications:draft", args=[draft.code])
    assert alice_client.get(case_url(draft, "withdraw")).status_code == 404
    assert not AuditEvent.objects.filter(action="application.view").exists()


def test_a_companion_has_no_case_page_of_its_own(alice_client, org, alice):
    application = ApplicationFactory(submitted=True, organization=org, created_by=alice)
    companion = application.companions.get()
    assert alice_client.get(case_url(companion)).status_code == 404


def test_case_page_queries_are_constant_in_documents_and_events(
    alice_client, org, alice
):
    """QUALITY 24: ≤ 10 queries whatever the number of documents, events
    and companions."""
    from review.processing_times import refresh_summary

    def measure(application: Application) -> int:
        url = case_url(application)
        alice_client.get(url)
        with CaptureQueriesContext(connection) as ctx:
            response = alice_client.get(url)
        assert response.status_code == 200
        return len(ctx.captured_queries)

    small = ApplicationFactory(
        submitted=True, organization=org, created_by=alice, companions=()
    )
    big = ApplicationFactory(
        submitted=True,
        organization=org,
        created_by=alice,
        companions=("reentry", "other_activity"),
    )
    attach_required_documents(big, extra=12)
    advance(
        big,
        Action.START_EXAMINATION,
        Action.REQUEST_DOCUMENTS,
        Action.RESPOND_DOCUMENTS,
        Action.REQUEST_DOCUMENTS,
        Action.RESPOND_DOCUMENTS,
    )
    for language in ("ja", "en"):
        GeneratedDocument.objects.create(
            application=big,
            kind="receipt",
            language=language,
            file=stored_pdf(purpose="application_receipt"),
        )
    refresh_summary()  # the worker's figures exist, as in production
    few, many = measure(small), measure(big)
    assert few == many <= 10, (few, many)


# --- Documents --------------------------------------------------------------------


def test_org_users_download_documents_and_others_get_404(client, org, alice, stranger):
    application = ApplicationFactory(submitted=True, organization=org, created_by=alice)
    document = application.documents.select_related("file").first()
    url = reverse("files:download", args=[document.file.code])
    client.force_login(alice)
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    assert b"".join(response.streaming_content).startswith(b"%PDF-")
    client.force_login(stranger)
    assert client.get(url).status_code == 404


def test_examiners_of_the_office_may_view_documents_inline(client, org, alice):
    application = ApplicationFactory(submitted=True, organization=org, created_by=alice)
    document = application.documents.select_related("file").first()
    examiner = UserFactory(mfa=True)
    OfficerRole.objects.create(
        user=examiner, office=application.office, role=OfficerRole.Role.EXAMINER
    )
    elsewhere = UserFactory(mfa=True)
    OfficerRole.objects.create(
        user=elsewhere, office=office("NGY"), role=OfficerRole.Role.EXAMINER
    )
    url = reverse("files:download", args=[document.file.code]) + "?inline=1"
    client.force_login(examiner)
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("inline")
    client.force_login(elsewhere)
    assert client.get(url).status_code == 404


# --- Withdrawal -------------------------------------------------------------------


def test_withdrawal_needs_a_reason(alice_client, org, alice):
    application = ApplicationFactory(submitted=True, organization=org, created_by=alice)
    page = alice_client.get(case_url(application, "withdraw"))
    assert page.status_code == 200
    assert "Withdraw the application?" in text_of(page)
    response = alice_client.post(case_url(application, "withdraw"), {"reason": "   "})
    assert response.status_code == 200
    html = text_of(response)
    assert "Error:" in html.split("</title>")[0]
    assert "Enter the reason for withdrawing the application" in html
    application.refresh_from_db()
    assert application.status == Status.SUBMITTED


def test_withdrawal_withdraws_with_companions_and_tells_everyone(
    alice_client, org, alice, mailoutbox
):
    colleague = staff(org)
    application = ApplicationFactory(
        submitted=True, organization=org, created_by=alice, companions=("reentry",)
    )
    advance(application, Action.START_EXAMINATION)
    examiner = UserFactory(mfa=True)
    OfficerRole.objects.create(
        user=examiner, office=application.office, role=OfficerRole.Role.EXAMINER
    )
    supervisor = UserFactory(mfa=True)
    OfficerRole.objects.create(
        user=supervisor, office=application.office, role=OfficerRole.Role.SUPERVISOR
    )
    Notification.objects.all().delete()

    response = alice_client.post(
        case_url(application, "withdraw"), {"reason": "The contract was cancelled."}
    )
    assert response.status_code == 302
    assert response["Location"] == case_url(application)
    application.refresh_from_db()
    assert application.status == Status.WITHDRAWN
    assert application.withdrawal_reason == "The contract was cancelled."
    assert application.closed_at is not None
    assert application.companions.get().status == Status.WITHDRAWN
    event = StatusEvent.objects.filter(application=application).last()
    assert (event.action, event.from_status, event.to_status) == (
        "withdraw",
        "examining",
        "withdrawn",
    )
    assert (
        AuditEvent.objects.filter(
            action="application.withdraw", object_code=str(application.code)
        ).count()
        == 1
    )
    recipients = set(
        Notification.objects.filter(kind="application_withdrawn").values_list(
            "recipient_id", flat=True
        )
    )
    assert {alice.pk, colleague.pk, examiner.pk, supervisor.pk} <= recipients
    page = alice_client.get(response["Location"])
    assert "has been withdrawn" in text_of(page)


def test_withdrawal_emails_the_organisation_and_the_office(
    alice_client, org, alice, mailoutbox, django_capture_on_commit_callbacks
):
    from portal.celery import app as celery_app

    application = ApplicationFactory(submitted=True, organization=org, created_by=alice)
    examiner = UserFactory(mfa=True, email="examiner@example.jp", language="en")
    OfficerRole.objects.create(
        user=examiner, office=application.office, role=OfficerRole.Role.EXAMINER
    )
    before = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True
    try:
        with django_capture_on_commit_callbacks(execute=True):
            alice_client.post(
                case_url(application, "withdraw"), {"reason": "Changed employer"}
            )
    finally:
        celery_app.conf.task_always_eager = before
    by_address = {m.to[0]: m for m in mailoutbox if "withdrawn" in m.subject.lower()}
    assert alice.email in by_address
    officer_mail = by_address[examiner.email]
    person = application.foreign_national
    assert person.family_name in officer_mail.subject
    assert application.receipt_number in officer_mail.body
    assert "Changed employer" in officer_mail.body


def test_withdrawing_twice_changes_nothing_more(alice_client, org, alice):
    application = ApplicationFactory(submitted=True, organization=org, created_by=alice)
    alice_client.post(case_url(application, "withdraw"), {"reason": "Duplicate filing"})
    events = StatusEvent.objects.count()
    response = alice_client.post(case_url(application, "withdraw"), {"reason": "Again"})
    assert response.status_code == 302
    assert StatusEvent.objects.count() == events
    application.refresh_from_db()
    assert application.withdrawal_reason == "Duplicate filing"
    assert "already been withdrawn" in text_of(alice_client.get(response["Location"]))


@pytest.mark.parametrize(
    "actions",
    [
        (Action.START_EXAMINATION, Action.PROPOSE_DECISION, Action.APPROVE_GRANT),
        (Action.START_EXAMINATION, Action.PROPOSE_DECISION, Action.APPROVE_DENIAL),
    ],
)
def test_no_withdrawal_after_a_decision(alice_client, org, alice, actions):
    application = advance(
        ApplicationFactory(submitted=True, organization=org, created_by=alice), *actions
    )
    page = alice_client.get(case_url(application))
    assert "Withdraw this application" not in text_of(page)
    for method in ("get", "post"):
        response = getattr(alice_client, method)(
            case_url(application, "withdraw"), {"reason": "Too late"}
        )
        assert response.status_code == 302
    application.refresh_from_db()
    assert application.status in (Status.GRANTED, Status.DENIED)
    assert "can no longer be withdrawn" in text_of(
        alice_client.get(case_url(application))
    )


def test_withdrawal_racing_a_decision_is_refused_with_a_message(
    alice_client, org, alice, monkeypatch
):
    application = advance(
        ApplicationFactory(submitted=True, organization=org, created_by=alice),
        Action.START_EXAMINATION,
        Action.PROPOSE_DECISION,
    )
    original = services.application_withdraw

    def decided_meanwhile(**kwargs):
        advance(kwargs["application"], Action.APPROVE_GRANT)
        return original(**kwargs)

    monkeypatch.setattr(services, "application_withdraw", decided_meanwhile)
    response = alice_client.post(case_url(application, "withdraw"), {"reason": "Late"})
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.status == Status.GRANTED
    assert "its status changed" in text_of(alice_client.get(case_url(application)))


# --- Scope --------------------------------------------------------------------------


def test_another_organisations_user_gets_404_everywhere(client, org, alice, stranger):
    application = ApplicationFactory(submitted=True, organization=org, created_by=alice)
    for language in ("ja", "en"):
        GeneratedDocument.objects.create(
            application=application,
            kind="receipt",
            language=language,
            file=stored_pdf(purpose="application_receipt"),
        )
    appointee_elsewhere = appointee(OrganizationFactory())
    reception = officer(Role.RECEPTION, mfa=True)
    urls = [
        ("get", case_url(application)),
        ("get", case_url(application, "withdraw")),
        ("post", case_url(application, "withdraw")),
        ("get", reverse("applications:receipt", args=[application.code, "ja"])),
        ("get", reverse("applications:receipt", args=[application.code, "en"])),
    ] + [
        ("get", reverse("files:download", args=[f.code]))
        for f in [d.file for d in application.documents.select_related("file")]
        + [g.file for g in application.generated_documents.select_related("file")]
    ]
    for outsider in (stranger, appointee_elsewhere, reception):
        client.force_login(outsider)
        for method, url in urls:
            response = getattr(client, method)(url, {"reason": "not mine"})
            assert response.status_code == 404, (outsider, method, url)
        assert application.receipt_number not in text_of(client.get(list_url()))
    application.refresh_from_db()
    assert application.status == Status.SUBMITTED
    assert not AuditEvent.objects.filter(action="application.view").exists()


def test_unknown_codes_are_404(alice_client):
    unknown = uuid.uuid4()
    assert (
        alice_client.get(reverse("applications:case", args=[unknown])).status_code
        == 404
    )
    assert (
        alice_client.get(reverse("applications:withdraw", args=[unknown])).status_code
        == 404
    )
    assert (
        alice_client.get(
            reverse("applications:receipt", args=[unknown, "ja"])
        ).status_code
        == 404
    )


def test_suspended_user_reads_but_cannot_withdraw(client, org, alice):
    application = ApplicationFactory(submitted=True, organization=org, created_by=alice)
    suspended = staff(org, status=User.Status.SUSPENDED)
    expired = staff(org, valid_days=-1)
    for reader in (suspended, expired):
        client.force_login(reader)
        page = client.get(case_url(application))
        assert page.status_code == 200
        assert "Withdraw this application" not in text_of(page)
        assert "can read this application but not withdraw it" in text_of(page)
        assert client.get(case_url(application, "withdraw")).status_code == 403
        assert (
            client.post(case_url(application, "withdraw"), {"reason": "x"}).status_code
            == 403
        )
        assert client.get(list_url()).status_code == 200
    application.refresh_from_db()
    assert application.status == Status.SUBMITTED


def test_anonymous_users_are_sent_to_sign_in(client, org, alice):
    application = ApplicationFactory(
        shortcut=True, organization=org, created_by=alice, status=Status.SUBMITTED
    )
    for url in (list_url(), case_url(application), case_url(application, "withdraw")):
        response = client.get(url)
        assert response.status_code == 302
        assert "/accounts/login/" in response["Location"]


def test_appointee_sees_the_organisations_cases(client, org, alice):
    application = ApplicationFactory(submitted=True, organization=org, created_by=alice)
    scrivener = appointee(org)
    client.force_login(scrivener)
    assert client.get(case_url(application)).status_code == 200
    assert receipt_numbers(client.get(list_url())) == [application.receipt_number]


# --- Dashboard panel ------------------------------------------------------------------


def test_dashboard_panel_counts_by_stage_and_lists_the_latest_five(
    alice_client, org, alice
):
    now = timezone.now()
    for i, status in enumerate(
        [
            Status.SUBMITTED,
            Status.SUBMITTED,
            Status.EXAMINING,
            Status.DECISION_PROPOSED,
            Status.AWAITING_DOCUMENTS,
            Status.GRANTED,
            Status.COMPLETED,
            Status.WITHDRAWN,
        ]
    ):
        ApplicationFactory(
            shortcut=True,
            organization=org,
            created_by=alice,
            status=status,
            submitted_at=now - timedelta(hours=i),
        )
    ApplicationFactory(organization=org, created_by=alice)
    response = alice_client.get(reverse("dashboard"))
    panels = dict(response.context["panels"])
    panel = panels["applications/cases/_dashboard_panel.html"]
    counts = {item["value"]: item["count"] for item in panel["states"]}
    assert counts == {
        "received": 2,
        "examination": 2,
        "documents": 1,
        "issuance": 1,
        "done": 1,
        "withdrawn": 1,
    }
    assert len(panel["recent"]) == 5
    assert panel["total"] == 8
    html = text_of(response)
    assert f'href="{reverse("applications:list")}?state=documents"' in html
    assert "All your applications" in html


def test_dashboard_panel_is_for_portal_users_only(client):
    reception = officer(Role.RECEPTION, mfa=True)
    client.force_login(reception)
    panels = dict(client.get(reverse("dashboard")).context["panels"])
    assert "applications/cases/_dashboard_panel.html" not in panels


# --- In the browser -----------------------------------------------------------------


@pytest.mark.postgres
def test_the_organisations_come_with_the_user_and_are_read_afresh(
    alice_client, org, alice
):
    """The user and the organisations they work for today travel in one
    round trip (the authentication backend reads both); both are read on
    every request, so a membership ended is gone on the very next page."""
    from accounts.models import Membership

    case = ApplicationFactory(
        shortcut=True, organization=org, created_by=alice, status=Status.SUBMITTED
    )
    alice_client.get(list_url())
    with CaptureQueriesContext(connection) as queries:
        response = alice_client.get(list_url())
    assert receipt_numbers(response) == [case.receipt_number]
    first = queries.captured_queries[0]["sql"]
    assert '"accounts_user"' in first and '"accounts_membership"' in first
    assert (
        sum('"accounts_membership"' in q["sql"] for q in queries.captured_queries) == 1
    )

    Membership.objects.filter(user=alice, organization=org).delete()
    response = alice_client.get(list_url())
    assert case.receipt_number not in response.content.decode()


def test_the_compiled_case_list_is_the_built_query_row_for_row(org, alice):
    """``compiled_case_list_page`` (no filter; one or more organisations;
    first, next and previous pages) gives the rows and the SQL of the query
    the ORM builds; a limited appointee and a user without organisations are
    answered too."""
    from applications import selectors

    other_org = OrganizationFactory()
    appointed = appointee(other_org)
    appoint(appointed, org)
    other_staff = staff(other_org)
    start = timezone.now() - timedelta(days=10)
    for i in range(9):
        ApplicationFactory(
            submitted=True,
            organization=org if i % 2 else other_org,
            created_by=alice if i % 2 else other_staff,
            submitted_at=start + timedelta(hours=i),
            companions=() if i % 3 else ("reentry",),
        )
    shapes = 0
    for fresh in (alice, appointed):
        user = User.objects.get(pk=fresh.pk)
        first, _more = selectors.compiled_case_list_page(user=user, size=2)
        key = (first[-1]["submitted_at"], first[-1]["id"])
        for after, before in ((None, None), (key, None), (None, key)):
            user = User.objects.get(pk=fresh.pk)  # a request's fresh user
            with CaptureQueriesContext(connection) as compiled_sql:
                compiled = selectors.compiled_case_list_page(
                    user=user, after=after, before=before, size=2
                )
            user = User.objects.get(pk=fresh.pk)
            selectors.user_scope_limits(user=user)
            selectors.user_organization_ids(user=user)
            with CaptureQueriesContext(connection) as built_sql:
                built = selectors.cases_keyset_page(
                    selectors.case_list_values(selectors.cases_for_user(user=user)),
                    after=after,
                    before=before,
                    size=2,
                )
            assert compiled == built, (user.username, after, before)
            assert compiled[0]
            assert [q["sql"] for q in compiled_sql.captured_queries][-1:] == [
                q["sql"] for q in built_sql.captured_queries
            ]
            shapes += 1
    assert shapes == 6
    # Limited to some types: the ORM builds it.
    limited = appointee(OrganizationFactory())
    appoint(limited, org, scope_all_types=False)
    assert (
        selectors.compiled_case_list_page(user=User.objects.get(pk=limited.pk)) is None
    )
    nobody = UserFactory()
    assert selectors.compiled_case_list_page(user=nobody) == ([], False)
