"""Every list and search of the portal uses an index (QUALITY.md item 25,
issue 9): EXPLAIN ANALYZE of each query, against the benchmark generator's
"plans" data set (30,000 applications, analysed, so the planner chooses as
it would at national scale), must show no sequential scan of a big table
and no sort of a big set.

The data set is generated once per module (committed, outside the tests'
transactions) and truncated again at the end; the reference data stays."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

from django.db import connection
from django.db.models import QuerySet
from django.utils import timezone

import pytest

from portal.bench.generate import BENCH_EXAMINER, BENCH_ORG_NAME, BENCH_STAFF
from portal.lib.db import JOINS_AS_WRITTEN

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]

BIG_TABLES = {
    "applications_application",
    "applications_foreignnational",
    "applications_statusevent",
    "review_decision",
    "review_documentrequest",
    "notifications_notification",
    "accounts_user",
    "accounts_organization",
    "accounts_membership",
}
BIG_SORT = 1_000
TRUNCATE = (
    "TRUNCATE applications_application, applications_foreignnational, "
    "applications_statusevent, review_decision, review_documentrequest, "
    "review_documentrequestitem, review_assignment, notifications_notification, "
    "accounts_membership, accounts_officerrole, accounts_organization, "
    "accounts_user, audit_auditevent CASCADE"
)


@pytest.fixture(scope="module")
def plans_data(django_db_setup: Any, django_db_blocker: Any) -> Iterator[None]:
    from django.apps import apps

    from accounts.reference_data import load_offices
    from applications.reference_data import load_reference_data
    from portal.bench.generate import PRESETS, generate

    with django_db_blocker.unblock():
        with connection.cursor() as cur:
            cur.execute(TRUNCATE)  # a run killed before its teardown
        # A transactional test before this module may have flushed them.
        load_offices(apps)
        load_reference_data(apps)
        generate(PRESETS["plans"])
        with connection.cursor() as cur:
            cur.execute("ANALYZE")
        yield
        with connection.cursor() as cur:
            cur.execute(TRUNCATE)


def _nodes(plan: dict[str, Any]) -> Iterator[dict[str, Any]]:
    yield plan
    for child in plan.get("Plans", []):
        yield from _nodes(child)


def assert_indexed(
    queryset: QuerySet[Any] | tuple[str, list[Any]], *, as_written: bool = False
) -> str:
    """EXPLAIN ANALYZE the query; fail on a Seq Scan of a big table or a
    Sort of more than BIG_SORT rows.  Returns the plan as text.
    ``as_written``: the portal may also plan it with its joins in written
    order (``portal.lib.db.joins_as_written``); check that plan too."""
    if isinstance(queryset, tuple):
        sql, params = queryset
    else:
        sql, params = queryset.query.sql_with_params()
    texts = []
    for setting in ("", JOINS_AS_WRITTEN) if as_written else ("",):
        with connection.cursor() as cur:
            if setting:
                cur.execute(setting)  # the test's transaction holds it
            try:
                cur.execute("EXPLAIN (ANALYZE, FORMAT JSON) " + sql, params)
                raw = cur.fetchone()[0]
                cur.execute("EXPLAIN " + sql, params)
                text = "\n".join(row[0] for row in cur.fetchall())
            finally:
                cur.execute("RESET join_collapse_limit")
        plan = (json.loads(raw) if isinstance(raw, str) else raw)[0]["Plan"]
        for node in _nodes(plan):
            if node["Node Type"] == "Seq Scan":
                assert node["Relation Name"] not in BIG_TABLES, (setting, text)
            if node["Node Type"] in ("Sort", "Incremental Sort"):
                sorted_rows = sum(
                    c.get("Actual Rows", 0) * c.get("Actual Loops", 1)
                    for c in node.get("Plans", [])
                )
                assert sorted_rows <= BIG_SORT, (setting, text)
        texts.append(text)
    return "\n".join(texts)


@pytest.fixture
def officer(plans_data: None) -> Any:
    from accounts.models import User
    from review.permissions import officer_roles_preload

    user = User.objects.get(username=BENCH_EXAMINER)
    officer_roles_preload(user)
    return user


@pytest.fixture
def staff(plans_data: None) -> Any:
    from accounts.models import User

    return User.objects.get(username=BENCH_STAFF)


def _queue(officer: Any, **filters: Any) -> QuerySet[Any]:
    from accounts.models import Office
    from review import selectors

    tokyo = Office.objects.get(code="TKY").pk
    return selectors.case_queue(
        user=officer,
        office_ids={tokyo},
        filters=selectors.QueueFilters(**filters),
        today=timezone.localdate(),
    )


@pytest.mark.parametrize(
    "filters",
    [
        {},
        {"sort": "newest"},
        {"sort": "updated"},
        {"status": "awaiting_documents"},
        {"status": "completed"},
        {"older_than_days": 30},
        {"status": "examining", "older_than_days": 10, "sort": "newest"},
        {"assignee": "none"},
        {"overdue": True},
    ],
    ids=repr,
)
def test_queue_pages_walk_an_index(officer: Any, filters: dict[str, Any]) -> None:
    from review.selectors import QueueFilters, plans_as_written

    assert_indexed(
        _queue(officer, **filters)[:51],
        as_written=plans_as_written(QueueFilters(**filters)),
    )


def test_a_later_queue_page_walks_the_index(officer: Any) -> None:
    from review import selectors

    cases = _queue(officer)
    row = cases[300]
    page = selectors._page_of(
        cases,
        sort=selectors.DEFAULT_SORT,
        after=(row["submitted_at"], row["id"]),
        before=None,
        size=50,
    )
    plan = assert_indexed(page, as_written=True)
    assert "app_open_queue" in plan


def _rare_name() -> str:
    from applications.models import ForeignNational

    return (
        ForeignNational.objects.filter(nationality="NP")
        .values_list("family_name", flat=True)
        .order_by("-family_name")
        .first()
    )


def test_queue_search_by_name_uses_the_trigram_index(officer: Any) -> None:
    from applications import search
    from applications.models import ForeignNational

    for text in ("NGUYEN", _rare_name(), "NGUYEN VAN"):
        assert_indexed(_queue(officer, text=text)[:51], as_written=True)
    person_name = search.PersonSearchName(*search.PERSON_NAME_FIELDS)
    plan = assert_indexed(
        ForeignNational.objects.filter(
            search.name_matches("KARKI", person_name)
        ).values("id")
    )
    assert "fn_search_trgm" in plan


def test_a_rare_name_in_the_queue_is_one_scan_of_the_open_cases(
    officer: Any,
) -> None:
    """The open cases' own copy of the name (Application.search_name), not
    a probe of the applications of every person of that name."""
    plan = assert_indexed(_queue(officer, text=_rare_name())[:51], as_written=True)
    assert "app_search_open" in plan
    assert "applications_foreignnational_pkey" in plan  # the page's 51 rows only
    assert "fn_search_trgm" not in plan


def test_a_rare_name_in_the_case_list_is_one_scan_of_the_sent_cases(
    staff: Any,
) -> None:
    from applications import selectors

    cases = selectors.cases_for_user(user=staff, text=_rare_name())
    plan = assert_indexed(selectors.case_list_values(cases)[:51])
    assert "app_search_cases" in plan
    assert "fn_search_trgm" not in plan


def test_receipt_and_card_numbers_are_exact_lookups(officer: Any) -> None:
    from applications.models import Application

    application = (
        Application.objects.filter(office__code="TKY", status="examining")
        .select_related("foreign_national")
        .exclude(foreign_national__residence_card_number="")
        .first()
    )
    plan = assert_indexed(
        _queue(officer, text=application.receipt_number)[:51], as_written=True
    )
    assert "receipt_number" in plan
    card = application.foreign_national.residence_card_number
    plan = assert_indexed(_queue(officer, text=card)[:51], as_written=True)
    assert "fn_card_number" in plan


def test_queue_counts_use_the_open_queue_index(officer: Any) -> None:
    from accounts.models import Office
    from applications.models import Application
    from review.selectors import OPEN_STATUSES

    tokyo = Office.objects.get(code="TKY").pk
    counts = (
        Application.objects.filter(
            office_id=tokyo, main__isnull=True, status__in=OPEN_STATUSES
        )
        .values("status")
        .order_by()
    )
    plan = assert_indexed(counts)
    assert "app_open_queue" in plan


@pytest.mark.parametrize(
    "filters",
    [{}, {"text": "NGUYEN"}, {"statuses": ["completed"]}, {"application_type": "coe"}],
    ids=repr,
)
def test_organisation_case_list_walks_its_index(staff: Any, filters: Any) -> None:
    from applications import selectors

    assert_indexed(selectors.cases_for_user(user=staff, **filters)[:51])


def test_organisation_search_by_receipt(staff: Any) -> None:
    from applications import selectors
    from applications.models import Application

    number = (
        Application.objects.filter(organization__name_en=BENCH_ORG_NAME)
        .exclude(receipt_number=None)
        .values_list("receipt_number", flat=True)
        .first()
    )
    assert_indexed(selectors.cases_for_user(user=staff, text=number)[:51])


def test_your_organisations_and_the_unread_badge_are_index_lookups(
    staff: Any,
) -> None:
    from accounts.selectors import organizations_for_user
    from portal.notifications.models import Notification

    assert_indexed(organizations_for_user(user=staff))
    unread = Notification.objects.filter(recipient=staff, read_at__isnull=True)
    sql, params = unread.query.sql_with_params()
    plan = assert_indexed((f"SELECT count(*) FROM ({sql}) t", list(params)))  # noqa: S608
    assert "notif_unread" in plan


def test_the_case_pages_many_join_reads_use_indexes(officer: Any) -> None:
    """The officer case page's two widest reads start from their key's
    index (their first five runs on a connection are planned for their
    values; later ones keep the generic plan, checked below)."""
    from review.models import DocumentRequest
    from review.selectors import _CASE_PAGE, _REQUESTS

    request = DocumentRequest.objects.select_related("application").first()
    plan = assert_indexed(_CASE_PAGE.queryset(request.application.code))
    assert "applications_application_code_key" in plan
    plan = assert_indexed(_REQUESTS.queryset(request.application_id))
    assert "review_documentrequest_application_id" in plan


def test_the_users_case_page_reads_are_index_lookups(officer: Any) -> None:
    """The user's case page reads its case by code and the review side's
    records by the case's key (``_USER_CASE``, ``_OPEN_REQUEST``,
    ``_DECIDED``)."""
    from applications.selectors import _USER_CASE
    from review.models import DocumentRequest
    from review.selectors import _DECIDED, _OPEN_REQUEST

    request = DocumentRequest.objects.select_related("application").first()
    plan = assert_indexed(_USER_CASE.queryset(request.application.code))
    assert "applications_application_code_key" in plan
    assert_indexed(_OPEN_REQUEST.queryset(request.application_id))
    assert_indexed(_DECIDED.queryset(request.application_id))


def test_the_officer_case_pages_documents_are_found_by_the_cases_keys(
    officer: Any,
) -> None:
    """The documents of a case and its companions are read through the
    document table's application index: the OR on the case's key is on the
    applications, inside a subquery.  An OR across the join to the
    applications (as it was) can use no index and walked every document —
    at national scale that would be millions of rows.  The plans set holds
    too few documents for the planner to show the difference, so the
    query's shape is checked (on the national data set the read went from
    0.53 to 0.03 ms)."""
    from review.models import DocumentRequest
    from review.selectors import _DOCUMENTS

    request = DocumentRequest.objects.first()
    sql, _params = _DOCUMENTS.queryset(request.application_id).query.sql_with_params()
    assert 'INNER JOIN "applications_application"' not in sql
    assert '"applications_applicationdocument"."application_id" IN (SELECT' in sql
    assert_indexed(_DOCUMENTS.queryset(request.application_id))


def _numbered(sql: str) -> str:
    """Django's ``%s`` placeholders as PREPARE's ``$1, $2…`` (``%%``: %)."""
    count = 0

    def number(match: re.Match[str]) -> str:
        nonlocal count
        if match.group() == "%%":
            return "%"
        count += 1
        return f"${count}"

    return re.sub(r"%s|%%", number, sql)


def _prepared_reads() -> list[Any]:
    """Every prepared read of the portal (not the tests' own): the case
    pages' and every request's, and each shape of the queue that is
    compiled when first asked for."""
    import accounts.selectors
    import applications.selectors
    import portal.notifications.selectors
    from portal.lib.compiled import PREPARED
    from review.selectors import SORTS, _compile_queue_page

    del accounts, applications, portal  # imported for their reads
    for cursor in ((False, False), (True, False), (False, True)):
        for offices in (1, 2):
            for status in (False, True):
                for sort in SORTS:
                    _compile_queue_page(offices, status, sort, *cursor, 50)
    return [q for q in PREPARED if not q._build.__module__.startswith("tests.")]


def test_every_prepared_read_has_an_indexed_generic_plan(plans_data: None) -> None:
    """A ``prepared`` compiled read may be run with one generic plan for
    every value (PostgreSQL keeps it once it costs no more than the custom
    ones; a ``generic`` one always): that plan, forced, must use indexes
    like the custom ones."""
    reads = _prepared_reads()
    assert len(reads) >= 15  # the case pages' and every request's reads
    bad = []
    for number, query in enumerate(reads):
        sql, params = query.prepared_statement(*query._markers())
        holes = ", ".join(["%s"] * len(params))
        with connection.cursor() as cur:
            cur.execute("SET LOCAL plan_cache_mode = force_generic_plan")
            cur.execute(f"PREPARE generic_{number} AS {_numbered(sql)}")
            try:
                cur.execute(
                    f"EXPLAIN (FORMAT JSON) EXECUTE generic_{number}({holes})", params
                )
                raw = cur.fetchone()[0]
                cur.execute(f"EXPLAIN EXECUTE generic_{number}({holes})", params)
                text = "\n".join(row[0] for row in cur.fetchall())
            finally:
                cur.execute(f"DEALLOCATE generic_{number}")
                cur.execute("RESET plan_cache_mode")
        assert re.search(r"\$\d", text), text  # the generic plan indeed
        plan = (json.loads(raw) if isinstance(raw, str) else raw)[0]["Plan"]
        if any(
            (node["Node Type"] == "Seq Scan" and node["Relation Name"] in BIG_TABLES)
            or (
                node["Node Type"] in ("Sort", "Incremental Sort")
                and node["Plan Rows"] > BIG_SORT
            )
            for node in _nodes(plan)
        ):
            bad.append(f"{query._build.__qualname__} {query._kinds}\n{text}")
    assert not bad, "\n\n".join(bad)


def test_the_case_pages_reads_settle_on_their_generic_plans(officer: Any) -> None:
    """What the prepared reads are for: after five runs PostgreSQL plans
    the officer's case page's reads no more — it keeps their generic plans
    (cheaper than its custom ones), here on the analysed plans data set."""
    from portal.lib.compiled import fetched_together
    from review.models import DocumentRequest
    from review.selectors import _CASE_PAGE, case_page_reads

    request = DocumentRequest.objects.select_related("application").first()
    application = request.application
    reads = [
        (_CASE_PAGE, (application.code,)),
        *case_page_reads(application=application),
    ]
    with connection.cursor() as cur:
        cur.execute("DEALLOCATE ALL")  # psycopg prepares them again
    connection.connection._prepared.clear()  # psycopg's memory of them
    for _ in range(8):
        with fetched_together(*reads):
            pass
    with connection.cursor() as cur:
        cur.execute("SELECT statement, generic_plans FROM pg_prepared_statements")
        plans = cur.fetchall()
    assert len(plans) == len(reads)
    assert all(generic >= 2 for _statement, generic in plans), plans
