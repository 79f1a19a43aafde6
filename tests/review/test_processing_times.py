"""Processing times: median and 90th percentile days from receipt to decision
per office and type over the last 12 months — PostgreSQL's percentile_cont
and the Python fallback agree; the public and officer pages; the template tag
for the user's case page."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.db import connection
from django.urls import reverse
from django.utils import timezone

import pytest

from accounts.models import OfficerRole
from applications.models import Application
from applications.workflow import Status
from review import processing_times as pt
from review.processing_times import percentile, processing_time_for, processing_times
from tests.factories import ApplicationFactory, officer
from tests.review.issuance_helpers import login, org_and_user

pytestmark = pytest.mark.django_db

TOKYO = ZoneInfo("Asia/Tokyo")


def decided_case(
    org, user, *, days: int, decided_days_ago: int = 10, type_code="extension", **fields
):
    """A main application received ``days`` days before its decision, decided
    ``decided_days_ago`` days ago (late evening in Tokyo: the day counts in
    Japan time)."""
    decided_on = timezone.localdate() - timedelta(days=decided_days_ago)
    decided_at = datetime.combine(decided_on, time(23, 30), tzinfo=TOKYO)
    received_at = datetime.combine(
        decided_on - timedelta(days=days), time(9, 0), tzinfo=TOKYO
    )
    application = ApplicationFactory(
        shortcut=True,
        organization=org,
        created_by=user,
        status=Status.GRANTED,
        submitted_at=received_at,
        type_code=type_code,
        companions=(),
        **fields,
    )
    Application.objects.filter(pk=application.pk).update(decided_at=decided_at)
    return application


@pytest.fixture
def org_user():
    return org_and_user()


def test_percentile_interpolates_like_percentile_cont():
    assert percentile([10.0], 0.5) == 10.0
    assert percentile([1.0, 2.0, 3.0, 4.0], 0.5) == 2.5
    assert percentile(
        [1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0, 10.0], 0.9
    ) == pytest.approx(9.1)
    with pytest.raises(ValueError):
        percentile([], 0.5)


def test_median_and_p90_per_office_and_type(org_user):
    org, user = org_user
    days = [10, 20, 30, 40, 50, 60, 70, 80, 90, 100]
    for d in days:
        decided_case(org, user, days=d)
    for d in (5, 5, 5, 5, 5):
        decided_case(org, user, days=d, type_code="change")
    pt.refresh_summary()  # the worker's job
    rows = {(r.office_id, r.type_code): r for r in processing_times()}
    extension = rows[(org.office_id, "extension")]
    assert extension.decided == 10
    assert extension.median_days == 55.0
    assert extension.p90_days == 91.0
    assert rows[(org.office_id, "change")].median_days == 5.0
    assert extension.office_name_ja == org.office.name_ja


def test_database_and_python_agree(org_user):
    org, user = org_user
    for d in (3, 8, 13, 21, 34, 55, 89):
        decided_case(org, user, days=d)
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only")
    now = timezone.now()
    filters = {
        "main__isnull": True,
        "decided_at__gte": now - pt.WINDOW,
        "decided_at__lte": now,
        "received_on__isnull": False,
        "office__isnull": False,
    }
    database = {
        (r["office_id"], r["application_type_id"]): r
        for r in pt._rows_postgresql(now - pt.WINDOW, filters)
    }
    python = {
        (r["office_id"], r["application_type_id"]): r
        for r in pt._rows_python(now - pt.WINDOW, filters)
    }
    assert database.keys() == python.keys()
    for key, row in database.items():
        assert row["decided"] == python[key]["decided"]
        assert row["median"] == pytest.approx(python[key]["median"])
        assert row["p90"] == pytest.approx(python[key]["p90"])


def test_only_the_last_twelve_months_count(org_user):
    org, user = org_user
    for _ in range(5):
        decided_case(org, user, days=10)
    for _ in range(5):
        decided_case(org, user, days=300, decided_days_ago=400)
    pt.refresh_summary()
    (row,) = processing_times()
    assert row.decided == 5
    assert row.median_days == 10.0


def test_small_groups_are_not_published(org_user):
    org, user = org_user
    for _ in range(pt.MIN_CASES - 1):
        decided_case(org, user, days=10)
    pt.refresh_summary()
    assert processing_times() == []
    assert len(processing_times(min_cases=1)) == 1


def test_undecided_and_companion_rows_do_not_count(org_user):
    org, user = org_user
    for _ in range(5):
        decided_case(org, user, days=10)
    ApplicationFactory(
        shortcut=True, organization=org, created_by=user, status=Status.EXAMINING
    )
    pt.refresh_summary()
    (row,) = processing_times()
    assert row.decided == 5


def test_public_page_shows_the_figures_without_sign_in(client, org_user):
    org, user = org_user
    for d in (10, 12, 14, 16, 18):
        decided_case(org, user, days=d)
    pt.refresh_summary()
    client.cookies["django_language"] = "en"
    response = client.get(reverse("review:processing_times"))
    assert response.status_code == 200
    body = response.content.decode()
    assert org.office.name_en in body
    assert "<td>14</td>" in body  # the median
    response = client.get(reverse("review:processing_times"), {"office": "OSK"})
    assert "<td>14</td>" not in response.content.decode()


def test_officer_page_shows_their_offices_only(client, settings, org_user):
    org, user = org_user
    decided_case(org, user, days=7)  # one case: too few for the public page
    pt.refresh_summary()
    examiner = officer(OfficerRole.Role.EXAMINER)
    login(client, examiner, settings, fresh=False)
    body = client.get(reverse("review:office_processing_times")).content.decode()
    assert "<td>7</td>" in body
    login(
        client,
        officer(OfficerRole.Role.EXAMINER, office_code="OSK"),
        settings,
        fresh=False,
    )
    body = client.get(reverse("review:office_processing_times")).content.decode()
    assert "<td>7</td>" not in body
    login(client, user, settings, fresh=False)
    assert client.get(reverse("review:office_processing_times")).status_code == 403


def test_the_users_case_panel_shows_the_processing_time(org_user):
    from review.selectors import user_case_panel
    from review.templatetags.issuance_tags import days_figure

    org, user = org_user
    for d in (20, 20, 20, 30, 30):
        decided_case(org, user, days=d)
    application = ApplicationFactory(
        shortcut=True, organization=org, created_by=user, status=Status.EXAMINING
    )
    pt.refresh_summary()
    panel = user_case_panel(None, application)
    assert panel is not None
    figure = panel[1]["figure"]
    assert (days_figure(figure.median_days), days_figure(figure.p90_days)) == (
        "20",
        "30",
    )
    other = ApplicationFactory(
        shortcut=True,
        organization=org,
        created_by=user,
        status=Status.EXAMINING,
        type_code="change",
    )
    assert user_case_panel(None, other) is None
    assert processing_time_for(office_id=None, type_code="extension") is None


def test_pages_never_compute_the_figures(org_user, monkeypatch):
    """Before the worker's first summary a read finds no figures and asks the
    worker once; it never runs the percentile query itself."""
    from django.test.utils import CaptureQueriesContext

    org, user = org_user
    for d in (10, 12, 14, 16, 18):
        decided_case(org, user, days=d)
    asked: list[str] = []
    monkeypatch.setattr(pt, "enqueue_on_commit", asked.append)
    with CaptureQueriesContext(connection) as queries:
        assert processing_times() == []
        assert processing_times() == []  # asked once, not per read
    assert not any("PERCENTILE" in q["sql"].upper() for q in queries.captured_queries)
    assert asked == ["review.tasks.refresh_processing_times"]


def test_the_summary_survives_a_cold_cache(org_user):
    """Redis flushed or down: the figures come from the database row, in one
    query, and still without recomputing them."""
    from django.core.cache import cache
    from django.test.utils import CaptureQueriesContext

    org, user = org_user
    for d in (10, 12, 14, 16, 18):
        decided_case(org, user, days=d)
    pt.refresh_summary()
    cache.clear()
    with CaptureQueriesContext(connection) as queries:
        (row,) = processing_times()
    assert row.median_days == 14.0
    assert len(queries.captured_queries) == 1
