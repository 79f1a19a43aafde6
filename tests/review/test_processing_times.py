"""Processing times: median and 90th percentile days from receipt to decision
per office and type over the last 12 months — PostgreSQL's percentile_cont
and the Python fallback agree; the public and officer pages; the template tag
for the user's case page."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.db import connection
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext

import pytest

from accounts.models import OfficerRole
from applications.models import Application
from applications.workflow import Status
from portal.summaries.store import forget_local
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
    forget_local()  # as another process finds it: nothing kept
    with CaptureQueriesContext(connection) as queries:
        (row,) = processing_times()
    assert row.median_days == 14.0
    assert len(queries.captured_queries) == 1


# --- The trend by month (issue 12, item 11) ----------------------------------------------


def svg_of(html: str, chart_id: str):
    """The inline SVG chart ``chart_id`` of a page, parsed (it must be
    well-formed XML)."""
    import re
    import xml.etree.ElementTree as ET

    found = re.search(
        rf'<svg [^>]*aria-labelledby="{chart_id}-title[^"]*".*?</svg>', html, re.S
    )
    assert found is not None, f"no chart {chart_id}"
    return ET.fromstring(found.group(0))  # noqa: S314 (our own page, under test)


def points(svg, series: int = 0) -> int:
    groups = [g for g in svg.iter() if g.get("class") == "chart__series"]
    return sum(1 for e in groups[series].iter() if e.get("class") == "chart__point")


def days_ago_in(month) -> int:
    """Days from today back to the 10th of ``month`` (a past month)."""
    return (timezone.localdate() - month.replace(day=10)).days


def test_trend_months_are_the_last_twelve_in_japan():
    from datetime import UTC, date

    # 16:00 UTC on 31 January is 1 February in Tokyo.
    months = pt.trend_months(datetime(2027, 1, 31, 16, 0, tzinfo=UTC))
    assert len(months) == 12
    assert months[0] == date(2026, 3, 1)
    assert months[-1] == date(2027, 2, 1)


@pytest.fixture
def two_months(org_user):
    """Five extensions decided in one month (14 days at the median), four
    changes of status in another (too few to publish)."""
    org, user = org_user
    months = pt.trend_months(timezone.now())
    for d in (10, 12, 14, 16, 18):
        decided_case(org, user, days=d, decided_days_ago=days_ago_in(months[-4]))
    for d in (30, 30, 30, 30):
        decided_case(
            org,
            user,
            days=d,
            decided_days_ago=days_ago_in(months[-2]),
            type_code="change",
        )
    pt.refresh_summary()  # the worker's job
    return org, months


def test_the_trend_by_month_is_in_the_summary(two_months):
    org, months = two_months
    _, trend = pt.processing_times_with_trend(
        office_id=org.office_id, type_code="extension"
    )
    assert trend is not None
    assert [m.month for m in trend] == months
    by_month = {m.month: m for m in trend}
    assert by_month[months[-4]].decided == 5
    assert by_month[months[-4]].median_days == 14.0
    assert by_month[months[-4]].p90_days == pytest.approx(17.2)
    assert by_month[months[-2]].median_days is None  # other type
    # All types: the four changes are too few to publish, unless asked.
    _, everything = pt.processing_times_with_trend()
    assert everything is not None
    figures = {m.month: m.median_days for m in everything}
    assert figures[months[-4]] == 14.0
    assert figures[months[-2]] is None
    _, officers = pt.processing_times_with_trend(min_cases=1)
    assert officers is not None
    assert {m.month: m.median_days for m in officers}[months[-2]] == 30.0
    # One office of a set of one is that office; a set of several has none.
    _, one = pt.processing_times_with_trend(office_ids={org.office_id})
    assert one == everything
    _, several = pt.processing_times_with_trend(
        office_ids={org.office_id, org.office_id + 1000}
    )
    assert several is None


def test_database_and_python_agree_on_the_trend(two_months):
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only")
    _, months = two_months
    filters = {
        "main__isnull": True,
        "decided_at__gte": datetime.combine(months[0], time(0, 0), tzinfo=TOKYO),
        "decided_at__lte": timezone.now(),
        "received_on__isnull": False,
        "office__isnull": False,
    }
    database = pt._trend_postgresql(filters)
    python = pt._trend_python(filters)
    assert database.keys() == python.keys()
    assert len(database) == 6  # (office, type) × 2, office, type × 2, all
    for key, series in database.items():
        assert series.keys() == python[key].keys()
        for month, (decided, median, p90) in series.items():
            assert python[key][month] == [decided, median, p90]


def test_the_public_page_draws_the_trend_next_to_its_tables(client, two_months):
    _, months = two_months
    client.cookies["django_language"] = "en"
    body = client.get(reverse("review:processing_times")).content.decode()
    chart = svg_of(body, "trend-chart")
    assert chart.get("role") == "img"
    title = chart.find("{http://www.w3.org/2000/svg}title")
    assert title is not None
    assert title.text == (
        "Days from receipt to decision by month (All offices, All types)"
    )
    # One point per published month: the four changes are not published.
    assert points(chart, 0) == 1
    assert points(chart, 1) == 1
    # The chart's figures as a table, month by month, and the table by office.
    assert months[-4].strftime("%B %Y") in body
    assert "Fewer than 5" in body
    assert '<td class="num">14</td>' in body
    assert "<td>14</td>" in body
    # Filtered to a type without published months: no chart.
    body = client.get(
        reverse("review:processing_times"), {"type": "change"}
    ).content.decode()
    assert "trend-chart" not in body
    assert "No figures to show yet." in body


def test_the_officer_page_draws_small_months_too(client, settings, two_months):
    org, _ = two_months
    login(client, officer(OfficerRole.Role.EXAMINER), settings, fresh=False)
    body = client.get(
        reverse("review:office_processing_times"), {"type": "change"}
    ).content.decode()
    chart = svg_of(body, "trend-chart")
    assert points(chart, 0) == 1
    assert org.office.name_en in chart.find("{http://www.w3.org/2000/svg}title").text


def test_an_officer_of_several_offices_chooses_one_for_the_trend(
    client, settings, two_months
):
    org, _ = two_months
    both = officer(OfficerRole.Role.EXAMINER)
    OfficerRole.objects.create(
        user=both,
        office=type(org.office).objects.get(code="OSK"),
        role=OfficerRole.Role.EXAMINER,
    )
    login(client, both, settings, fresh=False)
    body = client.get(reverse("review:office_processing_times")).content.decode()
    assert "Choose an office to see its trend by month." in body
    assert "trend-chart" not in body
    body = client.get(
        reverse("review:office_processing_times"), {"office": org.office.code}
    ).content.decode()
    # Officers see the small months too: both months have a point.
    assert points(svg_of(body, "trend-chart")) == 2


def test_the_page_reads_figures_and_trend_without_computing(client, two_months):
    """No request computes the statistics: the page reads both summaries, in
    one query when the cache is cold and none when it is warm."""
    from django.core.cache import cache
    from django.test.utils import CaptureQueriesContext

    url = reverse("review:processing_times")
    cache.clear()
    forget_local()  # as another process finds it: nothing kept
    with CaptureQueriesContext(connection) as cold:
        assert client.get(url).status_code == 200
    with CaptureQueriesContext(connection) as warm:
        assert client.get(url).status_code == 200
    for queries in (cold, warm):
        sql = [q["sql"].upper() for q in queries.captured_queries]
        assert not any("PERCENTILE" in q for q in sql)
        assert not any('"APPLICATIONS_APPLICATION"' in q for q in sql)
    summary_reads = [
        q for q in cold.captured_queries if "summaries_summary" in q["sql"]
    ]
    assert len(summary_reads) == 1
    assert not [q for q in warm.captured_queries if "summaries_summary" in q["sql"]]
    assert len(warm) <= len(cold) - 1


def test_a_page_before_the_first_trend_asks_the_worker_once(
    client, org_user, monkeypatch
):
    """The figures exist but the trend does not yet (just deployed): the
    page shows the table, no chart, and asks the worker once."""
    from portal.summaries.models import Summary

    org, user = org_user
    for d in (10, 12, 14, 16, 18):
        decided_case(org, user, days=d)
    pt.refresh_summary()
    Summary.objects.filter(key=pt.TREND_KEY).delete()
    from django.core.cache import cache

    cache.clear()
    forget_local()  # as another process finds it: nothing kept
    asked: list[str] = []
    monkeypatch.setattr(pt, "enqueue_on_commit", asked.append)
    client.cookies["django_language"] = "en"
    for _ in range(2):
        body = client.get(reverse("review:processing_times")).content.decode()
        assert "<td>14</td>" in body
        assert "trend-chart" not in body
    assert asked == ["review.tasks.refresh_processing_times"]


@pytest.mark.parametrize(
    ("language", "plain"),
    [
        ("ja", "10件のうち9件の申請の結果が出た日数"),
        ("en", "9 out of 10 applications were decided within this many days"),
    ],
)
def test_the_90th_percentile_is_explained_in_plain_words(client, language, plain):
    """Issue 12: 「90パーセンタイル値」 is jargon; the page says what it means,
    and the column heading says it too."""
    client.cookies["django_language"] = language
    body = client.get(reverse("review:processing_times")).content.decode()
    assert plain in body
    if language == "ja":
        assert "半数の申請の結果が出た日数" in body
    else:
        assert "half of the applications were decided within this many days" in body


def test_the_column_headings_say_what_the_figures_mean(client, org_user):
    org, user = org_user
    for d in (10, 12, 14, 16, 18):
        decided_case(org, user, days=d)
    pt.refresh_summary()
    client.cookies["django_language"] = "ja"
    body = client.get(reverse("review:processing_times")).content.decode()
    assert "10件のうち9件の結果が出た日数（90パーセンタイル値）" in body
    assert "半数の結果が出た日数（中央値）" in body
    client.cookies["django_language"] = "en"
    body = client.get(reverse("review:processing_times")).content.decode()
    assert "9 out of 10 decided within (days, 90th percentile)" in body


def test_the_case_panel_says_nine_in_ten_plainly():
    with translation.override("ja"):
        text = gettext(
            "At this office, half of these applications were decided within "
            "%(median)s days and nine in ten within %(p90)s days (last 12 months, "
            "%(count)s decisions)."
        ) % {"median": 20, "p90": 30, "count": 5}
    assert "10件のうち9件は30日以内に結果が出ています" in text
