"""Querysets compiled once (portal/lib/compiled.py): the same rows and
instances as the ORM gives, one query, no lazy loads afterwards."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from typing import Any

from django.db import connection
from django.db.models import F, FilteredRelation, Q
from django.test.utils import CaptureQueriesContext

import pytest

from applications.models import Application
from portal.lib.compiled import CompiledQuery, fetched_together
from review.models import Assignment, Decision
from tests.factories import ApplicationFactory, OrganizationFactory

pytestmark = pytest.mark.django_db

COMPANIONS = CompiledQuery(
    lambda pk: (
        Application.objects.filter(main_id=pk)
        .order_by("-id")
        .values_list("id", "receipt_number", "application_type__code", "answers")
    )
)

CASE = CompiledQuery(
    lambda code: (
        Application.objects.filter(code=code, main__isnull=True)
        .annotate(type_code=F("application_type__code"))
        .values_list(
            "id",
            "code",
            "status",
            "foreign_national_id",
            "answers",
            "type_code",
            "foreign_national__id",
            "foreign_national__family_name",
            "submitted_by__id",
            "submitted_by__username",
            "assignment__id",
            "assignment__examiner_id",
        )
    ),
    kinds=(uuid.UUID,),
)


@pytest.fixture
def case(reference_data: None) -> Application:
    return ApplicationFactory(
        organization=OrganizationFactory(), companions=("reentry", "other_activity")
    )


def test_rows_are_the_querysets_rows_for_each_argument(case):
    other = ApplicationFactory(organization=case.organization, companions=())
    for main in (case, other):
        expected = list(
            Application.objects.filter(main_id=main.pk)
            .order_by("-id")
            .values_list("id", "receipt_number", "application_type__code", "answers")
        )
        with CaptureQueriesContext(connection) as queries:
            assert COMPANIONS.rows(main.pk) == expected
        assert len(queries) == 1
    assert len(COMPANIONS.rows(case.pk)) == 2


def test_objects_keep_related_rows_as_select_related_does(case):
    with CaptureQueriesContext(connection) as queries:
        (found,) = CASE.objects(case.code)
        # The person is kept; the draft's missing filer and assignment are None.
        assert found.foreign_national.family_name == case.foreign_national.family_name
        assert found.submitted_by is None
        with pytest.raises(Assignment.DoesNotExist):
            found.assignment  # noqa: B018 - the access is the test
    assert len(queries) == 1
    assert found.pk == case.pk and found.status == case.status
    assert found.answers == case.answers  # converted as Django does (JSON)
    assert found.type_code == case.application_type.code  # an annotation
    assert CASE.objects(uuid.uuid4()) == []


def test_arguments_must_have_their_kind():
    with pytest.raises(TypeError):
        COMPANIONS.rows("1")
    with pytest.raises(TypeError):
        CASE.rows(str(uuid.uuid4()))


def test_an_argument_that_misses_the_sql_is_refused(db):
    unused = CompiledQuery(lambda pk: Application.objects.values_list("id"))
    with pytest.raises(ValueError, match="did not reach"):
        unused.rows(1)


def test_strings_and_datetimes_as_arguments_and_values_rows(reference_data):
    """A variadic build with its kinds; ``dicts`` gives ``values()`` rows,
    annotations where ``values()`` puts them."""
    by_status = CompiledQuery(
        lambda *args: (
            Application.objects.filter(status=args[0], submitted_at__lt=args[1])
            .annotate(type_code=F("application_type__code"))
            .order_by("id")
            .values("type_code", "id", "status", "submitted_at")
        ),
        kinds=(str, datetime),
    )
    case = ApplicationFactory(submitted=True, organization=OrganizationFactory())
    moment = case.submitted_at + timedelta(seconds=1)
    expected = list(
        Application.objects.filter(status=case.status, submitted_at__lt=moment)
        .annotate(type_code=F("application_type__code"))
        .order_by("id")
        .values("type_code", "id", "status", "submitted_at")
    )
    assert expected and by_status.dicts(case.status, moment) == expected
    assert by_status.dicts(case.status, case.submitted_at) == [
        row for row in expected if row["submitted_at"] < case.submitted_at
    ]
    assert by_status.dicts("no-such-status", moment) == []
    with pytest.raises(TypeError):
        by_status.dicts(case.status, moment.date())


def test_a_string_the_orm_rewrites_is_refused(db):
    rewritten = CompiledQuery(
        lambda text: Application.objects.filter(
            receipt_number__icontains=text
        ).values_list("id"),
        kinds=(str,),
    )
    with pytest.raises(ValueError, match="did not reach"):
        rewritten.rows("TKY")


APPROVED = CompiledQuery(
    lambda pk: (
        Application.objects.filter(pk=pk)
        .annotate(
            approved=FilteredRelation(
                "decisions", condition=Q(decisions__state=Decision.State.APPROVED)
            )
        )
        .values_list("id", "approved__id", "approved__outcome")
    )
)


def test_a_filtered_relation_is_kept_under_its_name(reference_data):
    granted = ApplicationFactory(organization=OrganizationFactory(), granted=True)
    waiting = ApplicationFactory(organization=granted.organization, submitted=True)
    (found,) = APPROVED.objects(granted.pk)
    assert found.approved == Decision.objects.get(application=granted)
    assert found.approved.outcome == Decision.Outcome.GRANT
    (found,) = APPROVED.objects(waiting.pk)
    assert found.approved is None


CASE_AS_WRITTEN = CompiledQuery(
    lambda code: Application.objects.filter(code=code).values_list(
        "id", "foreign_national__family_name", "assignment__examiner_id"
    ),
    kinds=(uuid.UUID,),
    joins_as_written=True,
)


PREPARED_CASE = CompiledQuery(CASE.queryset, kinds=(uuid.UUID,), prepared=True)


def _prepared_runs(sql_part: str) -> tuple[int, int]:
    """How many statements this connection has prepared whose SQL holds
    ``sql_part``, and how often they ran."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*), coalesce(sum(generic_plans + custom_plans), 0) "
            "FROM pg_prepared_statements WHERE strpos(statement, %s) > 0",
            [sql_part],
        )
        count, runs = cursor.fetchone()
    return count, runs


@pytest.mark.postgres
def test_a_prepared_read_is_prepared_once_per_connection(case):
    """A ``prepared`` read gives the rows the plain one gives, one query a
    read, and PostgreSQL parses it once: one prepared statement that ran as
    often as it was read."""
    other = ApplicationFactory(organization=case.organization, companions=())
    marker = 'AS "type_code"'
    before = _prepared_runs(marker)
    for _ in range(4):
        for application in (case, other):
            with CaptureQueriesContext(connection) as queries:
                rows = PREPARED_CASE.rows(application.code)
            assert len(queries) == 1
            assert rows == CASE.rows(application.code) and len(rows) == 1
    assert _prepared_runs(marker) == (before[0] + 1, before[1] + 8)
    assert PREPARED_CASE.rows(uuid.uuid4()) == []


def _with_a_dash(pk: int):  # type: ignore[no-untyped-def]
    return (
        Application.objects.filter(
            organization_id=pk,
            receipt_number__contains="-",
            status__in=["submitted", "examining"],
        )
        .order_by("id")
        .values_list("id", "receipt_number")
    )


WITH_A_DASH = CompiledQuery(_with_a_dash, generic=True)


@pytest.mark.postgres
def test_a_generic_read_writes_its_constants_in_and_keeps_one_plan(case):
    """``generic``: the constants are literals in the SQL (a ``%`` in one
    kept as it is), only the arguments are parameters, and PostgreSQL runs
    one generic plan from the first run."""
    ApplicationFactory(organization=case.organization, submitted=True)
    pk = case.organization_id
    sql, values = WITH_A_DASH.prepared_statement(pk)
    assert values == [pk]
    assert "'%%-%%'" in sql and "'submitted'" in sql and "'examining'" in sql
    expected = list(_with_a_dash(pk))
    assert expected
    for _ in range(3):
        with CaptureQueriesContext(connection) as queries:
            assert WITH_A_DASH.rows(pk) == expected
        assert len(queries) == 1
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT generic_plans, custom_plans FROM pg_prepared_statements "
            "WHERE strpos(statement, %s) > 0",
            ["'%-%'"],
        )
        assert cursor.fetchall() == [(3, 0)]
        cursor.execute("SHOW plan_cache_mode")  # only for that statement
        assert cursor.fetchone() == ("auto",)


def test_prepared_statements_can_be_switched_off():
    """Behind a pooler that cannot keep prepared statements,
    ``?prepared_statements=off`` in the URL; anything but on or off is a
    configuration error.  psycopg's own threshold stays off (Django's
    default): the backend asks for preparing statement by statement."""
    from django.core.exceptions import ImproperlyConfigured

    from portal.lib.postgresql.base import Cursor, DatabaseWrapper

    settings = {**connection.settings_dict, "ENGINE": "portal.lib.postgresql"}

    def wrapper(**options: str) -> DatabaseWrapper:
        made = DatabaseWrapper({**settings, "OPTIONS": options})
        params = made.get_connection_params()
        assert params["cursor_factory"] is Cursor
        assert params["prepare_threshold"] is None
        assert "prepared_statements" not in params
        return made

    assert wrapper().prepares and wrapper(prepared_statements="on").prepares
    assert not wrapper(prepared_statements="OFF").prepares
    with pytest.raises(ImproperlyConfigured, match="prepared_statements"):
        wrapper(prepared_statements="disable")


@pytest.mark.postgres
def test_with_prepared_statements_off_nothing_is_prepared(case, monkeypatch):
    monkeypatch.setattr(connection, "prepares", False)
    before = _prepared_runs('AS "type_code"')
    assert PREPARED_CASE.rows(case.code) == CASE.rows(case.code)
    assert _prepared_runs('AS "type_code"') == before


@pytest.mark.postgres
def test_a_rollback_keeps_the_prepared_statements(case):
    """psycopg forgets (and deallocates) everything it prepared when it
    sees a ROLLBACK while it is preparing; the backend lets it prepare only
    inside its pipelines, so a failed ``atomic`` block costs nothing."""
    from django.db import IntegrityError, transaction

    PREPARED_CASE.rows(case.code)
    prepared = _prepared_runs('AS "type_code"')
    assert prepared[0] == 1
    with (
        pytest.raises(IntegrityError),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute("INSERT INTO audit_auditevent (action) VALUES (NULL)")
    assert _prepared_runs('AS "type_code"') == prepared
    assert PREPARED_CASE.rows(case.code) == CASE.rows(case.code)
    assert _prepared_runs('AS "type_code"') == (1, prepared[1] + 1)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_reads_in_a_pipeline_outside_a_transaction_say_nothing(reference_data):
    """The plan settings around a read are ``set_config(…, true)``: no
    "SET LOCAL can only be used in transaction blocks" warning in the
    server's log for every queue page, and nothing left set afterwards."""
    case = ApplicationFactory(organization=OrganizationFactory(), submitted=True)
    notices: list[str] = []
    connection.ensure_connection()
    raw = connection.connection

    def handler(notice: Any) -> None:
        notices.append(notice.message_primary)

    raw.add_notice_handler(handler)
    try:
        WITH_A_DASH.rows(case.organization_id)
        with fetched_together(
            (CASE_AS_WRITTEN, (case.code,)), (WITH_A_DASH, (case.organization_id,))
        ):
            pass
    finally:
        raw.remove_notice_handler(handler)
    assert notices == []
    with connection.cursor() as cursor:
        cursor.execute("SHOW plan_cache_mode")
        assert cursor.fetchone() == ("auto",)
        cursor.execute("SHOW join_collapse_limit")
        assert cursor.fetchone() == ("8",)


@pytest.mark.postgres
def test_a_pipeline_is_logged_with_its_values(case):
    """Query logs (DEBUG, the tests' query capture) show the statements as
    PostgreSQL ran them, values written in."""
    with CaptureQueriesContext(connection) as queries:
        PREPARED_CASE.rows(case.code)
    (logged,) = [q["sql"] for q in queries.captured_queries]
    assert logged.startswith("SELECT") and f"'{case.code.hex}'::uuid" in logged


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_failing_statement_in_the_pipeline_undoes_the_rest(reference_data):
    """The statements of one round trip are one implicit transaction: when
    one fails, Django's error is raised, the write before it is undone, and
    the connection serves the next request."""
    from django.db import IntegrityError

    from portal.audit.models import AuditEvent
    from portal.audit.services import _event, _insert_statement

    case = ApplicationFactory(organization=OrganizationFactory(), companions=())
    good = _insert_statement(
        _event(None, "application.view", case, case.organization.code, None)
    )
    bad = ("INSERT INTO audit_auditevent (action) VALUES (%s)", [None])
    with (
        pytest.raises(IntegrityError),
        fetched_together(
            (PREPARED_CASE, (case.code,)), (COMPANIONS, (case.pk,)), writes=[good, bad]
        ),
    ):
        pass  # pragma: no cover - the block never runs
    assert not AuditEvent.objects.exists()
    assert PREPARED_CASE.rows(case.code) == CASE.rows(case.code)
    with fetched_together((PREPARED_CASE, (case.code,)), writes=[good]):
        assert PREPARED_CASE.rows(case.code) == CASE.rows(case.code)
    assert AuditEvent.objects.count() == 1


@pytest.mark.postgres
def test_reads_fetched_together_cost_one_round_trip(case):
    """Several compiled reads in one ``execute`` (PostgreSQL): inside the
    block each takes its own rows (converted as usual), a read planned in
    written join order included; other arguments still ask the database."""
    other = ApplicationFactory(organization=case.organization, companions=())
    expected = (
        COMPANIONS.rows(case.pk),
        CASE.objects(case.code)[0],
        CASE_AS_WRITTEN.rows(case.code),
    )
    with (
        CaptureQueriesContext(connection) as queries,
        fetched_together(
            (COMPANIONS, (case.pk,)),
            (CASE, (case.code,)),
            (CASE_AS_WRITTEN, (case.code,)),
            (PREPARED_CASE, (case.code,)),
        ),
    ):
        companions = COMPANIONS.rows(case.pk)
        (found,) = CASE.objects(case.code)
        as_written = CASE_AS_WRITTEN.rows(case.code)
        assert PREPARED_CASE.rows(case.code) == CASE.rows(case.code)
        assert len(queries) == 2  # the batch, and CASE.rows just now
        with connection.cursor() as cursor:  # the setting went with it
            cursor.execute("SHOW join_collapse_limit")
            assert cursor.fetchone() == ("8",)
        assert COMPANIONS.rows(other.pk) == []  # not read ahead: asked
        assert len(queries) == 4
    assert companions == expected[0] and len(companions) == 2
    assert found.pk == expected[1].pk and found.answers == expected[1].answers
    assert found.foreign_national.family_name == case.foreign_national.family_name
    assert as_written == expected[2]
    # Each row set is taken once; after the block every read asks again.
    with CaptureQueriesContext(connection) as queries:
        assert COMPANIONS.rows(case.pk) == expected[0]
    assert len(queries) == 1


@pytest.mark.parametrize("together", [True, False], ids=["postgresql", "one-by-one"])
def test_a_write_sent_with_the_reads_is_the_audit_record_audit_record_writes(
    case, monkeypatch, together
):
    """The case pages send their view's audit record with their reads: the
    row is the one ``audit_record`` would write, whether the statements
    travel together (PostgreSQL) or one by one (elsewhere)."""
    from portal.audit.models import AuditEvent
    from portal.audit.services import audit_record, audit_recorded_with
    from portal.lib import db

    if not together:
        monkeypatch.setattr(db, "pipelines", lambda using: False)
    elif connection.vendor != "postgresql":
        pytest.skip("statements travel together on PostgreSQL only")
    facts = {
        "actor": case.created_by,
        "action": "application.view",
        "obj": case,
        "organization_code": case.organization.code,
    }
    with (
        CaptureQueriesContext(connection) as queries,
        audit_recorded_with([(COMPANIONS, (case.pk,))], **facts),
    ):
        assert len(COMPANIONS.rows(case.pk)) == 2
    assert len(queries) == (1 if together else 2)
    audit_record(**facts)
    sent, recorded = AuditEvent.objects.order_by("pk")
    fields = ("actor_id", "actor_username", "organization_code", "action")
    assert [getattr(sent, f) for f in fields] == [getattr(recorded, f) for f in fields]
    assert (sent.object_type, sent.object_code) == (
        "applications.application",
        str(case.code),
    )
    assert sent.at is not None and sent.at <= recorded.at
