"""The office queue: scoping to the officer's offices, every filter, sort,
keyset pages (no OFFSET, no COUNT), counts per status, overdue requests,
claim from the list, and a query budget that does not grow with the rows."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

import pytest
import time_machine

from applications.models import Application, StatusOfResidence
from applications.workflow import Status
from portal.summaries.store import forget_local
from review.models import DocumentRequest
from tests.factories import (
    ApplicationFactory,
    ForeignNationalFactory,
    OrganizationFactory,
    office,
    officer,
    staff,
)
from tests.review.exam_helpers import Role, claimed, login, open_request

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.usefixtures("private_media", "english"),
]

QUEUE = "/office/cases/"


def receipt_numbers(response: Any) -> list[str]:
    return [row["receipt_number"] for row in response.context["rows"]]


def test_queue_url_is_the_office_queue():
    assert reverse("review:queue") == QUEUE


def test_officers_see_only_their_offices_cases(
    client, settings, org, org_staff, examiner, stranger_officer
):
    mine = ApplicationFactory(
        shortcut=True, organization=org, created_by=org_staff, status=Status.SUBMITTED
    )
    nagoya_org = OrganizationFactory(office=office("NGY"))
    theirs = ApplicationFactory(
        shortcut=True,
        organization=nagoya_org,
        created_by=staff(nagoya_org),
        status=Status.SUBMITTED,
    )
    login(client, examiner, settings)
    assert receipt_numbers(client.get(QUEUE)) == [mine.receipt_number]
    login(client, stranger_officer, settings)
    assert receipt_numbers(client.get(QUEUE)) == [theirs.receipt_number]


def test_the_queue_is_for_officers_who_handle_cases(
    client, settings, org, org_staff, clerk
):
    login(client, org_staff, settings)
    assert client.get(QUEUE).status_code == 403
    reception = officer(Role.RECEPTION)
    login(client, reception, settings)
    assert client.get(QUEUE).status_code == 403
    login(client, clerk, settings)
    assert client.get(QUEUE).status_code == 200


def test_drafts_companions_and_closed_cases_stay_out_by_default(
    client, settings, org, org_staff, examiner
):
    open_case = ApplicationFactory(
        shortcut=True, organization=org, created_by=org_staff, status=Status.SUBMITTED
    )  # with a re-entry companion
    closed = ApplicationFactory(
        shortcut=True, organization=org, created_by=org_staff, status=Status.COMPLETED
    )
    login(client, examiner, settings)
    assert receipt_numbers(client.get(QUEUE)) == [open_case.receipt_number]
    assert receipt_numbers(client.get(QUEUE, {"status": "completed"})) == [
        closed.receipt_number
    ]


def test_every_filter(client, settings, org, org_staff, examiner, other_examiner):
    now = timezone.now()
    student = StatusOfResidence.objects.get(code="student")
    old = ApplicationFactory(
        shortcut=True,
        organization=org,
        created_by=org_staff,
        submitted_at=now - timedelta(days=40),
        status=Status.SUBMITTED,
    )
    change = ApplicationFactory(
        shortcut=True,
        organization=org,
        created_by=org_staff,
        type_code="change",
        target_status=student,
        companions=(),
        foreign_national=ForeignNationalFactory(
            organization=org, nationality="PH", family_name="SANTOS"
        ),
        status=Status.SUBMITTED,
    )
    other_org = OrganizationFactory(name_ja="株式会社フィルタ")
    elsewhere = ApplicationFactory(
        shortcut=True,
        organization=other_org,
        created_by=staff(other_org),
        status=Status.EXAMINING,
    )
    claimed(elsewhere, other_examiner)
    mine = claimed(
        ApplicationFactory(
            shortcut=True,
            organization=org,
            created_by=org_staff,
            status=Status.SUBMITTED,
        ),
        examiner,
    )
    waiting = ApplicationFactory(
        shortcut=True, organization=org, created_by=org_staff, status=Status.EXAMINING
    )
    claimed(waiting, examiner)
    open_request(waiting, examiner, due_in=3)
    login(client, examiner, settings)

    def only(**params: Any) -> list[str]:
        response = client.get(QUEUE, params)
        assert response.status_code == 200
        assert not response.context["form"].errors, response.context["form"].errors
        return receipt_numbers(response)

    assert only(type="change") == [change.receipt_number]
    assert only(residence_status="student") == [change.receipt_number]
    assert set(only(residence_status="engineer_humanities_international")) == {
        old.receipt_number,
        elsewhere.receipt_number,
        mine.receipt_number,
        waiting.receipt_number,
    }
    assert only(nationality="PH") == [change.receipt_number]
    assert only(organization="フィルタ") == [elsewhere.receipt_number]
    assert only(organization=other_org.corporate_number) == [elsewhere.receipt_number]
    assert only(age="30") == [old.receipt_number]
    assert only(status="awaiting_documents") == [waiting.receipt_number]
    assert only(due_by=(timezone.localdate() + timedelta(days=5)).isoformat()) == [
        waiting.receipt_number
    ]
    assert only(due_by=(timezone.localdate() + timedelta(days=1)).isoformat()) == []
    assert set(only(assignee="me")) == {mine.receipt_number, waiting.receipt_number}
    assert only(assignee=str(other_examiner.code)) == [elsewhere.receipt_number]
    assert set(only(assignee="none")) == {old.receipt_number, change.receipt_number}
    assert only(q="SANTOS") == [change.receipt_number]
    assert only(q=change.receipt_number[:9]) != []


def test_overdue_requests_surface_in_the_queue(
    client, settings, org, org_staff, examiner
):
    late = claimed(
        ApplicationFactory(
            shortcut=True,
            organization=org,
            created_by=org_staff,
            status=Status.SUBMITTED,
        ),
        examiner,
    )
    document_request = open_request(late, examiner, due_in=3)
    DocumentRequest.objects.filter(pk=document_request.pk).update(
        due_date=timezone.localdate() - timedelta(days=1)
    )
    on_time = claimed(
        ApplicationFactory(
            shortcut=True,
            organization=org,
            created_by=org_staff,
            status=Status.SUBMITTED,
        ),
        examiner,
    )
    open_request(on_time, examiner, due_in=3)
    login(client, examiner, settings)
    response = client.get(QUEUE, {"overdue": "on"})
    assert receipt_numbers(response) == [late.receipt_number]
    assert response.context["overdue_total"] == 1
    assert "Overdue" in response.content.decode()


def _counts(sql: str) -> bool:
    """The queue's counts query (the request's user query groups too: its
    officer roles)."""
    return "GROUP BY" in sql and "applications_application" in sql


def test_counts_per_status_in_one_grouped_query(
    client, settings, org, org_staff, examiner
):
    for status, n in (
        (Status.SUBMITTED, 3),
        (Status.EXAMINING, 2),
        (Status.GRANTED, 1),
        (Status.COMPLETED, 4),
    ):
        for _ in range(n):
            ApplicationFactory(
                shortcut=True, organization=org, created_by=org_staff, status=status
            )
    login(client, examiner, settings)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(QUEUE)
    counts = {
        item["status"]: item["count"] for item in response.context["status_counts"]
    }
    assert counts[Status.SUBMITTED] == 3 and counts[Status.EXAMINING] == 2
    assert counts[Status.GRANTED] == 1 and Status.COMPLETED not in counts
    grouped = [q["sql"] for q in queries.captured_queries if _counts(q["sql"])]
    assert len(grouped) == 1
    # Nothing counts the list itself (no unfiltered COUNT(*), no paginator).
    assert not any(
        "COUNT(*)" in q["sql"] and "applications_application" in q["sql"]
        for q in queries.captured_queries
    )


def test_counts_come_from_the_summary_when_the_cache_is_cold(
    client, settings, org, org_staff, examiner
):
    """Redis flushed (or down): the next queue page reads the stored summary
    (one small query) instead of counting the office's open cases again."""
    from django.core.cache import cache

    ApplicationFactory(
        shortcut=True, organization=org, created_by=org_staff, status=Status.SUBMITTED
    )
    login(client, examiner, settings)
    client.get(QUEUE)  # the first page of the day computes and stores them
    cache.clear()
    forget_local()  # as another process finds it: nothing kept
    login(client, examiner, settings)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(QUEUE)
    counts = {
        item["status"]: item["count"] for item in response.context["status_counts"]
    }
    assert counts[Status.SUBMITTED] == 1
    assert not any(_counts(q["sql"]) for q in queries.captured_queries)
    assert any("summaries_summary" in q["sql"] for q in queries.captured_queries)


def test_without_a_worker_the_counts_follow_the_list_at_once(
    client, settings, org, org_staff, examiner
):
    """``make run`` (DEBUG, tasks in-process) has no worker to refresh the
    summary: a claimed case moves between the counts on the next page, as it
    moves in the list.  With DEBUG off the summary is read, never recounted."""
    settings.CELERY_TASK_ALWAYS_EAGER = settings.DEBUG = True
    application = ApplicationFactory(
        shortcut=True, organization=org, created_by=org_staff, status=Status.SUBMITTED
    )
    login(client, examiner, settings)

    def counts() -> dict[str, int]:
        response = client.get(QUEUE)
        return {i["status"]: i["count"] for i in response.context["status_counts"]}

    assert counts()[Status.SUBMITTED] == 1
    client.post(reverse("review:case_claim", args=[application.code]))
    assert counts()[Status.SUBMITTED] == 0
    assert counts()[Status.EXAMINING] == 1
    settings.DEBUG = False  # production: the stored summary, not a recount
    counts()  # the first page of the day stores it
    with CaptureQueriesContext(connection) as queries:
        counts()
    assert not any(_counts(q["sql"]) for q in queries.captured_queries)


def test_keyset_pages_without_offset(client, settings, org, org_staff, examiner):
    start = timezone.now() - timedelta(days=200)
    numbers = [
        ApplicationFactory(
            shortcut=True,
            organization=org,
            created_by=org_staff,
            submitted_at=start + timedelta(hours=i),
            companions=(),
            status=Status.SUBMITTED,
        ).receipt_number
        for i in range(120)
    ]
    login(client, examiner, settings)
    seen: list[str] = []
    response = client.get(QUEUE)
    pages = 0
    while True:
        pages += 1
        seen += receipt_numbers(response)
        assert response.context["prev_url"] or pages == 1
        if not response.context["next_url"]:
            break
        with CaptureQueriesContext(connection) as queries:
            response = client.get(QUEUE + response.context["next_url"])
        assert not any("OFFSET" in q["sql"] for q in queries.captured_queries)
    assert pages == 3
    assert seen == numbers  # oldest first, nothing twice, nothing lost
    # Back from the last page to the middle one.
    back = client.get(QUEUE + response.context["prev_url"])
    assert receipt_numbers(back) == numbers[50:100]
    assert back.context["next_url"] and back.context["prev_url"]
    first = client.get(QUEUE + back.context["prev_url"])
    assert receipt_numbers(first) == numbers[:50]
    assert not first.context["prev_url"]
    # Newest first, and the key keeps the filters.
    newest = client.get(QUEUE, {"sort": "newest", "type": "extension"})
    assert receipt_numbers(newest) == numbers[::-1][:50]
    assert "type=extension" in newest.context["next_url"]
    # A tampered key shows the first page.
    assert receipt_numbers(client.get(QUEUE, {"after": "x.y"})) == numbers[:50]


def test_queue_queries_do_not_grow_with_the_rows(
    client,
    settings,
    org,
    org_staff,
    examiner,
    other_examiner,
    django_assert_max_num_queries,
):
    def fill(n: int) -> None:
        for i in range(n):
            application = ApplicationFactory(
                shortcut=True,
                organization=org,
                created_by=org_staff,
                status=Status.SUBMITTED,
            )
            if i % 2:
                claimed(application, examiner if i % 4 == 1 else other_examiner)
            if i % 3 == 0 and i % 2:
                open_request(application, examiner if i % 4 == 1 else other_examiner)

    fill(3)
    login(client, examiner, settings)
    client.get(QUEUE)  # warm the session and the reference lists
    with django_assert_max_num_queries(6):
        assert len(client.get(QUEUE).context["rows"]) == 3
    fill(45)
    with django_assert_max_num_queries(6):
        response = client.get(QUEUE, {"overdue": "", "sort": "updated"})
    assert len(response.context["rows"]) == 48


def test_invalid_filters_show_errors_and_no_rows(
    client, settings, org, org_staff, examiner
):
    ApplicationFactory(
        shortcut=True, organization=org, created_by=org_staff, status=Status.SUBMITTED
    )
    login(client, examiner, settings)
    response = client.get(QUEUE, {"status": "bogus", "q": "ab"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "error-summary" in html and "at least 3 characters" in html
    assert response.context["rows"] == []


def test_claim_from_the_queue(client, settings, org, org_staff, examiner, clerk):
    application = ApplicationFactory(
        shortcut=True, organization=org, created_by=org_staff, status=Status.SUBMITTED
    )
    login(client, clerk, settings)
    assert (
        client.post(reverse("review:case_claim", args=[application.code])).status_code
        == 403
    )
    login(client, examiner, settings)
    page = client.get(QUEUE).content.decode()
    assert reverse("review:case_claim", args=[application.code]) in page
    response = client.post(reverse("review:case_claim", args=[application.code]))
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.status == Status.EXAMINING
    assert receipt_numbers(client.get(QUEUE, {"assignee": "me"})) == [
        application.receipt_number
    ]


def test_dashboard_links_officers_to_the_queue(client, settings, examiner):
    login(client, examiner, settings)
    assert QUEUE in client.get(reverse("dashboard")).content.decode()


def test_dashboard_lists_open_requests_for_the_organisation(
    client, settings, org, org_staff, examiner
):
    application = claimed(
        ApplicationFactory(
            shortcut=True,
            organization=org,
            created_by=org_staff,
            status=Status.SUBMITTED,
        ),
        examiner,
    )
    open_request(application, examiner)
    login(client, org_staff, settings)
    html = client.get(reverse("dashboard")).content.decode()
    assert reverse("review:documents_request", args=[application.code]) in html
    assert Application.objects.filter(
        pk=application.pk, status=Status.AWAITING_DOCUMENTS
    ).exists()


def test_queue_reads_the_examiners_only_to_render_the_filter_form(
    client, settings, org, org_staff, examiner, other_examiner
):
    """The assignee choices (every examiner of the office) cost a query only
    when the cached filter form is rendered again or an examiner is chosen."""
    ApplicationFactory(
        shortcut=True, organization=org, created_by=org_staff, status=Status.SUBMITTED
    )
    login(client, examiner, settings)

    def examiner_queries(**params: str) -> tuple[int, Any]:
        with CaptureQueriesContext(connection) as queries:
            response = client.get(QUEUE, params)
        found = [
            q["sql"]
            for q in queries.captured_queries
            if "accounts_officerrole" in q["sql"] and "'examiner'" in q["sql"]
        ]
        return len(found), response

    first, response = examiner_queries()
    assert first == 1  # the form's fragment is rendered: the choices are read
    assert str(other_examiner.code) in response.content.decode()
    again, _ = examiner_queries()
    assert again == 0  # cached fragment: no examiner query
    chosen, response = examiner_queries(assignee=str(other_examiner.code))
    assert chosen == 1 and not response.context["form"].errors


def test_the_filter_form_is_kept_in_the_process_not_in_the_shared_cache(
    client, settings, examiner
):
    """The fragment lives in the process's memory (a Redis round trip cost
    more than rendering from it saved), never in the shared cache."""
    from django.core.cache import cache, caches

    login(client, examiner, settings)
    cache.clear()
    client.get(QUEUE)
    kept = caches["template_fragments"]
    assert kept.__class__.__name__ == "LocMemCache"
    assert any("review_queue_filters" in key for key in kept._cache)  # type: ignore[attr-defined]
    if hasattr(cache, "_cache") and hasattr(cache._cache, "get_client"):
        shared = cache._cache.get_client()  # type: ignore[attr-defined]
        assert not shared.keys("*template.cache*")


def _claim_token(page: str, claim_url: str) -> str:
    form = re.search(
        rf'action="{re.escape(claim_url)}" novalidate><input type="hidden" '
        r'name="csrfmiddlewaretoken" value="([^"]+)"',
        page,
    )
    assert form, "no claim form with a CSRF field"
    return form[1]


def test_rows_printed_once_show_changes_language_and_each_officers_own_token(
    settings, org, org_staff, examiner
):
    """The queue's rows are remembered per process (portal/lib/rowcache.py):
    a changed case prints anew, each language prints its own, and the claim
    form carries the CSRF field of the officer who asked, not of the one
    whose request printed the row first."""
    application = ApplicationFactory(
        shortcut=True, organization=org, created_by=org_staff, status=Status.SUBMITTED
    )
    person = application.foreign_national
    first = login(Client(enforce_csrf_checks=True), examiner, settings)
    assert person.family_name in first.get(QUEUE).content.decode()
    person.family_name = "RENAMEDPERSON"
    person.save()
    page = first.get(QUEUE).content.decode()
    assert "RENAMEDPERSON" in page
    first.cookies[settings.LANGUAGE_COOKIE_NAME] = "ja"
    with translation.override("ja"):
        japanese = str(Status.SUBMITTED.label)
    assert japanese != "Application received"
    assert f">{japanese}</strong>" in first.get(QUEUE).content.decode()
    assert f">{japanese}</strong>" not in page

    claim_url = reverse("review:case_claim", args=[application.code])
    second = login(Client(enforce_csrf_checks=True), officer(Role.EXAMINER), settings)
    token = _claim_token(second.get(QUEUE).content.decode(), claim_url)
    assert token != _claim_token(page, claim_url)
    assert second.post(claim_url, {"csrfmiddlewaretoken": token}).status_code == 302
    application.refresh_from_db()
    assert application.status == Status.EXAMINING


def test_a_remembered_row_still_says_who_may_claim_and_what_day_it_is(
    client, settings, org, org_staff, examiner, clerk
):
    """What a row shows besides its values is part of its key: the claim
    button (an examiner's, not a clerk's), the days since receipt and the
    overdue tag (they move on with the date, not with the row)."""
    application = ApplicationFactory(
        shortcut=True, organization=org, created_by=org_staff, status=Status.SUBMITTED
    )
    claim_url = reverse("review:case_claim", args=[application.code])
    login(client, examiner, settings)
    assert claim_url in client.get(QUEUE).content.decode()
    login(client, clerk, settings)
    assert claim_url not in client.get(QUEUE).content.decode()

    claimed(application, examiner)
    open_request(application, examiner, due_in=1)
    login(client, examiner, settings)

    def row() -> str:
        page = client.get(QUEUE).content.decode()
        start = page.index(application.receipt_number)
        return page[start : page.index("</tr>", start)]

    days_now = (timezone.now() - application.submitted_at).days
    assert f'<td class="num">{days_now}</td>' in row() and "Overdue" not in row()
    with time_machine.travel(timezone.now() + timedelta(days=3)):
        login(client, examiner, settings)  # the session would have expired
        later = row()
    assert f'<td class="num">{days_now + 3}</td>' in later and "Overdue" in later


def test_the_officers_roles_come_with_the_user_and_are_read_afresh(
    client, settings, examiner
):
    """The request's user query brings the officer's roles (no second query
    on an officer page), and reads them on every request: a role withdrawn
    is refused on the very next page."""
    from accounts.models import Office, OfficerRole

    other = Office.objects.exclude(pk=examiner.officer_roles.get().office_id).first()
    OfficerRole.objects.create(user=examiner, office=other, role="clerk")
    login(client, examiner, settings)
    client.get(QUEUE)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(QUEUE)
    assert response.status_code == 200
    assert not any(
        q["sql"].startswith('SELECT "accounts_officerrole"')
        for q in queries.captured_queries
    )
    # Both offices' cases: the roles at both offices were read.
    assert response.context["several_offices"]

    OfficerRole.objects.filter(user=examiner).delete()
    assert client.get(QUEUE).status_code == 403


def test_only_filters_on_the_cases_own_columns_plan_in_written_order():
    """Every filter of the queue is either known to keep its plan in written
    join order or left to the planner; a new one starts on the planner."""
    import dataclasses

    from review.selectors import QueueFilters, plans_as_written

    assert plans_as_written(QueueFilters())
    assert plans_as_written(QueueFilters(status="examining", text="NGUYEN"))
    samples = {str: "x", int: 1, bool: True}
    for field in dataclasses.fields(QueueFilters):
        if field.name in ("status", "older_than_days", "text", "sort"):
            continue
        kind = str(field.type)
        value = (
            timezone.localdate()
            if "date" in kind
            else next(v for k, v in samples.items() if k.__name__ in kind)
        )
        assert not plans_as_written(QueueFilters(**{field.name: value})), field.name


def test_compiled_queue_pages_are_the_built_query_row_for_row(org, org_staff):
    """Every shape ``compiled_queue_page`` takes (offices, status, sort,
    cursor either way) gives the rows and the SQL of the query the ORM
    builds; a shape it does not take is left to the ORM."""
    from review import selectors

    start = timezone.now() - timedelta(days=30)
    nagoya_org = OrganizationFactory(office=office("NGY"))
    for i in range(14):
        ApplicationFactory(
            shortcut=True,
            organization=org if i % 3 else nagoya_org,
            created_by=org_staff,
            submitted_at=start + timedelta(hours=i),
            companions=() if i % 2 else ("reentry",),
            status=(Status.SUBMITTED, Status.EXAMINING, Status.AWAITING_DOCUMENTS)[
                i % 3
            ],
        )
    offices = [
        {org.office_id},
        {org.office_id, nagoya_org.office_id},
    ]
    shapes = 0
    for office_ids in offices:
        for status in (None, Status.EXAMINING):
            for sort in selectors.SORTS:
                filters = selectors.QueueFilters(status=status, sort=sort)
                first, _more = selectors.compiled_queue_page(
                    office_ids=office_ids, filters=filters, size=3
                )
                middle = first[-1]
                key = (middle[selectors.SORTS[sort][0][0]], middle["id"])
                for after, before in ((None, None), (key, None), (None, key)):
                    with CaptureQueriesContext(connection) as compiled_sql:
                        compiled = selectors.compiled_queue_page(
                            office_ids=office_ids,
                            filters=filters,
                            after=after,
                            before=before,
                            size=3,
                        )
                    with CaptureQueriesContext(connection) as built_sql:
                        built = selectors.case_queue_page(
                            selectors.case_queue(
                                user=None,
                                office_ids=office_ids,
                                filters=filters,
                                today=timezone.localdate(),
                            ),
                            sort=sort,
                            after=after,
                            before=before,
                            size=3,
                            written_order=True,
                        )
                    assert compiled == built, (office_ids, status, sort, after, before)
                    assert compiled[0], "a page with rows"
                    assert len(compiled_sql) == len(built_sql) == 1
                    sent, same_sql = _sent(office_ids, filters, after, before)
                    assert same_sql == built_sql.captured_queries[0]["sql"]
                    assert compiled_sql.captured_queries[0]["sql"] == sent
                    shapes += 1
    assert shapes == 2 * 2 * len(selectors.SORTS) * 3
    # Any other filter: the ORM builds the query.
    for other in (
        selectors.QueueFilters(text="NGUYEN"),
        selectors.QueueFilters(overdue=True),
        selectors.QueueFilters(application_type="extension"),
    ):
        assert (
            selectors.compiled_queue_page(office_ids=offices[0], filters=other) is None
        )


def _sent(office_ids, filters, after, before) -> tuple[str, str]:  # type: ignore[no-untyped-def]
    """What the compiled page sends, values written in, and its SQL as the
    built query is logged (in written join order): the same SQL, and for a
    ``generic`` shape the same with its constants written in, run as one
    prepared statement with one plan forced."""
    from psycopg import ClientCursor

    from portal.lib.compiled import CUSTOM_PLANS, GENERIC_PLAN
    from portal.lib.db import written_order
    from review import selectors

    query, args = selectors.compiled_queue_query(
        office_ids=office_ids, filters=filters, after=after, before=before, size=3
    )
    writer = ClientCursor(connection.connection)
    sql, values = query._statement("default", args)
    same_sql = written_order(writer.mogrify(sql, values))
    if not query._generic:
        return same_sql, same_sql
    inlined, bound = query.prepared_statement(*args)
    as_ints = [int(v) if isinstance(v, int) else v for v in bound]
    assert written_order(writer.mogrify(inlined, as_ints)) == same_sql
    return f"{GENERIC_PLAN}; {writer.mogrify(inlined, bound)}; {CUSTOM_PLANS}", same_sql


def test_compiled_queue_shapes_are_planned_as_written():
    from review.selectors import COMPILED_FILTERS, WRITTEN_ORDER_FILTERS

    assert COMPILED_FILTERS <= WRITTEN_ORDER_FILTERS
