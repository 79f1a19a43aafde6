"""The benchmark's data generator: the small preset gives a consistent data
set that passes every database constraint (FK checks included)."""

from __future__ import annotations

import os
from dataclasses import replace

from django.db import connection

import pytest

from accounts.models import OfficerRole, Organization, User
from applications.models import Application, ForeignNational, StatusEvent
from applications.search import person_search_name_sql
from portal.bench.generate import (
    BENCH_EXAMINER,
    BENCH_ORG_NAME,
    BENCH_STAFF,
    PRESETS,
    generate,
)
from review.models import Assignment, Decision, DocumentRequest
from review.selectors import OPEN_STATUSES

pytestmark = pytest.mark.django_db


def _scalar(sql: str) -> int:
    with connection.cursor() as cur:
        cur.execute(sql)
        return int(cur.fetchone()[0])


def test_small_preset_is_consistent(reference_data: None) -> None:
    preset = PRESETS["small"]
    before = Application.objects.count()
    report = generate(preset)
    # Deferred FK checks and every CHECK/UNIQUE constraint, now.
    connection.check_constraints()
    assert report[-1].startswith("applications")

    apps = (
        Application.objects.exclude(pk__lte=before) if before else Application.objects
    )
    assert apps.count() == preset.applications
    assert (
        ForeignNational.objects.filter(
            organization__name_en__startswith="Bench"
        ).count()
        == preset.people
    )
    assert Organization.objects.filter(name_en__startswith="Bench").count() == (
        preset.organisations
    )
    # Shape: Tokyo about 40 %, most cases closed, companions ~7 %.
    tokyo = apps.filter(office__code="TKY").count() / preset.applications
    assert 0.3 < tokyo < 0.5
    mains = apps.filter(main__isnull=True)
    open_share = mains.filter(status__in=OPEN_STATUSES).count() / mains.count()
    assert 0.05 < open_share < 0.35
    assert apps.filter(main__isnull=False).count() == round(preset.applications * 0.07)

    # Consistency: a person's organisation files for them; companions follow
    # their main application; the office is the organisation's.
    assert (
        _scalar(
            "SELECT count(*) FROM applications_application a "
            "JOIN applications_foreignnational f ON f.id = a.foreign_national_id "
            "WHERE a.organization_id <> f.organization_id"
        )
        == 0
    )
    assert (
        _scalar(
            "SELECT count(*) FROM applications_application c "
            "JOIN applications_application m ON m.id = c.main_id "
            "WHERE c.status <> m.status OR c.organization_id <> m.organization_id "
            "OR c.office_id IS DISTINCT FROM m.office_id OR m.main_id IS NOT NULL"
        )
        == 0
    )
    assert (
        _scalar(
            "SELECT count(*) FROM applications_application a "
            "JOIN accounts_organization o ON o.id = a.organization_id "
            "WHERE a.office_id <> o.office_id"
        )
        == 0
    )

    assert _wrong_search_names() == 0

    # Counts add up: one submit event per submitted main application, one
    # decision per decided or proposed case, one open request per case
    # awaiting documents, an assignment to an examiner of the case's office.
    submitted = mains.exclude(status="draft")
    assert (
        StatusEvent.objects.filter(application__in=submitted, action="submit").count()
        == submitted.count()
    )
    assert (
        Decision.objects.filter(application__in=mains).count()
        == mains.filter(
            status__in=[
                "decision_proposed",
                "granted",
                "fee_paid",
                "issued",
                "dispatched",
                "completed",
                "denied",
            ]
        ).count()
    )
    awaiting = mains.filter(status="awaiting_documents")
    assert (
        DocumentRequest.objects.filter(application__in=awaiting, state="open").count()
        == awaiting.count()
    )
    assert (
        _scalar(
            "SELECT count(*) FROM review_assignment s "
            "JOIN applications_application a ON a.id = s.application_id "
            "WHERE NOT EXISTS (SELECT 1 FROM accounts_officerrole r WHERE "
            "r.user_id = s.examiner_id AND r.office_id = a.office_id "
            "AND r.role = 'examiner')"
        )
        == 0
    )
    assert Assignment.objects.filter(application__in=mains).exists()
    assert (
        _scalar(
            "SELECT count(*) FROM applications_application WHERE decided_at < submitted_at "
            "OR closed_at < submitted_at OR submitted_at > now()"
        )
        == 0
    )

    # The benchmark's users.
    examiner = User.objects.get(username=BENCH_EXAMINER)
    assert OfficerRole.objects.filter(
        user=examiner, office__code="TKY", role="examiner"
    ).exists()
    staff = User.objects.get(username=BENCH_STAFF)
    assert staff.memberships.get().organization.name_en == BENCH_ORG_NAME
    assert not staff.has_usable_password()


def test_the_benchmark_refreshes_the_summaries_beat_keeps(reference_data: None) -> None:
    """No worker runs during the benchmark: it runs the beat's summary tasks
    itself, so the pages read a summary as in production."""
    from portal.bench.run import BEAT_SUMMARIES, refresh_summaries
    from portal.summaries.models import Summary
    from review.processing_times import SUMMARY_KEY

    assert [entry for entry, _ in refresh_summaries()] == list(BEAT_SUMMARIES)
    assert Summary.objects.filter(key=SUMMARY_KEY).exists()
    assert Summary.objects.filter(key__startswith="review:queue-counts:").exists()


def test_the_benchmark_reads_cpu_time_of_web_workers_and_database() -> None:
    """Each wrk run is followed by the CPU its requests cost in the web
    workers and in PostgreSQL (from /proc): the database of this test run
    is a local PostgreSQL, whose processes have used some CPU by now."""
    from portal.bench.run import cpu_ticks

    ticks = cpu_ticks()
    assert set(ticks) == {"web", "db"}
    assert all(isinstance(v, int) and v >= 0 for v in ticks.values())
    if os.path.isdir("/proc") and connection.settings_dict["HOST"] in (
        "127.0.0.1",
        "localhost",
    ):
        assert ticks["db"] > 0


def _wrong_search_names() -> int:
    """Applications whose copy of the person's name (the name search's
    ``search_name``) is not the person's normalised name."""
    name = person_search_name_sql("f")
    return _scalar(
        "SELECT count(*) FROM applications_application a "  # noqa: S608
        "JOIN applications_foreignnational f ON f.id = a.foreign_national_id "
        f"WHERE a.search_name IS DISTINCT FROM {name}"
    )


def test_a_load_without_triggers_writes_the_search_name(reference_data: None) -> None:
    """The national preset loads with the triggers off (``fast``): its
    inserts fill ``Application.search_name`` themselves."""
    generate(replace(PRESETS["small"], fast=True))
    with connection.cursor() as cur:
        cur.execute("SHOW session_replication_role")
        assert cur.fetchone()[0] == "replica"  # the triggers were off
    assert Application.objects.filter(search_name="").count() == 0
    assert _wrong_search_names() == 0
