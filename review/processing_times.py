"""Processing times: how many days from receipt to decision, per office and
application type, over the last 12 months (a read; selectors' rules apply).

Days are calendar days from ``received_on`` to the day of ``decided_at`` in
Japan (a decision on the day of receipt is 0 days).  Main applications only
(companions share their main application's dates); granted and denied alike
(``decided_at`` is set on both).  Median and 90th percentile are continuous
percentiles (linear interpolation, as PostgreSQL's ``percentile_cont``).

On PostgreSQL the database computes them (``percentile_cont(...) WITHIN GROUP``,
one grouped query over the ``decided_at`` range); other databases (the
embedded SQLite default) get the same figures computed in Python from a
``values_list``.  The worker computes them for every office and type every
30 minutes into a summary (``refresh_summary``, kept by ``portal.summaries``
in the database with the shared cache in front); pages only read it and never
compute it, even when the cache is cold or Redis is down.  The figures move
by the day, and the public page must stay cheap.

The same summary run also computes the trend by month (``TREND_KEY``): the
median and 90th percentile of the decisions of each of the last
``TREND_MONTHS`` calendar months in Japan (the current one so far), for each
office and type, each office (all types), each type (all offices) and
overall, so that whatever the page's filters choose is a stored series.
Percentiles do not add up, hence the four groupings rather than one.

A group with fewer than ``MIN_CASES`` decisions is not published: a figure
from one or two cases would describe individual people's applications.  The
same holds for a month of the trend.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import asdict, dataclass
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.core.cache import cache
from django.db import connection
from django.db.models import Aggregate, Count, DurationField, ExpressionWrapper, F
from django.db.models.functions import TruncDate, TruncMonth
from django.utils import timezone

from accounts.models import Office
from applications.models import Application, ApplicationType
from portal.lib.db import replica_reads
from portal.lib.tasks import enqueue_on_commit
from portal.summaries import store as summaries

TOKYO = ZoneInfo("Asia/Tokyo")
WINDOW = timedelta(days=365)
MIN_CASES = 5
# The worker refreshes the summary every 30 minutes.
SUMMARY_KEY = "review:processing-times"
SUMMARY_SECONDS = 2 * 3600
TREND_KEY = "review:processing-times:trend"
TREND_MONTHS = 12
# In a trend key, "all offices" or "all types".
ALL = "*"
# At most one refresh asked for per this many seconds when none exists yet.
COLD_REFRESH_GUARD_SECONDS = 120


class PercentileCont(Aggregate):
    """PostgreSQL's ``percentile_cont(fraction) WITHIN GROUP (ORDER BY expr)``.
    ``fraction`` comes from code (a float), never from input."""

    function = "PERCENTILE_CONT"
    name = "PercentileCont"
    template = "%(function)s(%(fraction)s) WITHIN GROUP (ORDER BY %(expressions)s)"

    def __init__(self, expression: Any, fraction: float, **extra: Any) -> None:
        super().__init__(
            expression,
            fraction=repr(float(fraction)),
            output_field=DurationField(),
            **extra,
        )


@dataclass(frozen=True)
class ProcessingTime:
    office_id: int
    office_name_ja: str
    office_name_en: str
    type_code: str
    type_name_ja: str
    type_name_en: str
    decided: int
    median_days: float
    p90_days: float


@dataclass(frozen=True)
class MonthFigure:
    """One month of a trend: ``median_days`` and ``p90_days`` are None when
    the month had too few decisions to publish a figure."""

    month: date  # its first day
    decided: int
    median_days: float | None
    p90_days: float | None


def percentile(sorted_values: list[float], fraction: float) -> float:
    """Continuous percentile of an ascending list (``percentile_cont``)."""
    if not sorted_values:
        raise ValueError("no values")
    position = fraction * (len(sorted_values) - 1)
    low = math.floor(position)
    high = math.ceil(position)
    if low == high:
        return float(sorted_values[low])
    weight = position - low
    return float(sorted_values[low] * (1 - weight) + sorted_values[high] * weight)


def _days(value: timedelta | float | None) -> float:
    if value is None:
        return 0.0
    if isinstance(value, timedelta):
        return value.total_seconds() / 86400
    return float(value)


def _rows_postgresql(since: datetime, filters: dict[str, Any]) -> list[dict[str, Any]]:
    days = ExpressionWrapper(
        TruncDate("decided_at", tzinfo=TOKYO) - F("received_on"),
        output_field=DurationField(),
    )
    rows = (
        Application.objects.filter(**filters)
        .values("office_id", "application_type_id")
        .annotate(
            decided=Count("id"),
            median=PercentileCont(days, 0.5),
            p90=PercentileCont(days, 0.9),
        )
        .order_by()
    )
    return [
        {**row, "median": _days(row["median"]), "p90": _days(row["p90"])}
        for row in rows
    ]


def _rows_python(since: datetime, filters: dict[str, Any]) -> list[dict[str, Any]]:
    groups: dict[tuple[int, int], list[float]] = defaultdict(list)
    rows_in = Application.objects.filter(**filters).values_list(
        "office_id", "application_type_id", "received_on", "decided_at"
    )
    for office_id, type_id, received_on, decided_at in rows_in:
        if received_on is None or decided_at is None or office_id is None:
            continue  # excluded by the filters; keeps the types honest
        decided_on: date = timezone.localtime(decided_at, TOKYO).date()
        groups[(office_id, type_id)].append(float((decided_on - received_on).days))
    rows = []
    for (office_id, type_id), values in groups.items():
        values.sort()
        rows.append(
            {
                "office_id": office_id,
                "application_type_id": type_id,
                "decided": len(values),
                "median": percentile(values, 0.5),
                "p90": percentile(values, 0.9),
            }
        )
    return rows


def processing_times(
    *,
    office_id: int | None = None,
    office_ids: set[int] | None = None,
    type_code: str | None = None,
    now: datetime | None = None,
    min_cases: int = MIN_CASES,
) -> list[ProcessingTime]:
    """The figures per (office, type) with at least ``min_cases`` decisions
    in the 12 months before ``now``, ordered by office and type.  Optionally
    for one office, a set of offices, or one type.

    Without ``now`` the figures come from the summary the worker refreshes
    (``refresh_summary``, Celery beat): no request computes percentiles over
    a year of decisions.  Before the first summary exists there are no
    figures, and the worker is asked (once) to make one."""
    if now is not None:
        return _compute(
            office_id=office_id,
            office_ids=office_ids,
            type_code=type_code,
            now=now,
            min_cases=min_cases,
        )
    stored = _stored(SUMMARY_KEY)
    return _rows_from(
        stored[SUMMARY_KEY],
        office_id=office_id,
        office_ids=office_ids,
        type_code=type_code,
        min_cases=min_cases,
    )


def processing_times_with_trend(
    *,
    office_id: int | None = None,
    office_ids: set[int] | None = None,
    type_code: str | None = None,
    min_cases: int = MIN_CASES,
) -> tuple[list[ProcessingTime], list[MonthFigure] | None]:
    """The figures as ``processing_times`` gives them, and the trend by month
    for the same choice: one office (``office_id``) or all offices (neither
    ``office_id`` nor ``office_ids``), one type or all.  A set of several
    offices has no stored trend (percentiles of offices do not combine):
    the trend is None then, and also before the worker has computed one.
    Both come from the summaries in one read; nothing is computed here."""
    stored = _stored(SUMMARY_KEY, TREND_KEY)
    rows = _rows_from(
        stored[SUMMARY_KEY],
        office_id=office_id,
        office_ids=office_ids,
        type_code=type_code,
        min_cases=min_cases,
    )
    if office_id is None and office_ids is not None and len(office_ids) == 1:
        (office_id,) = office_ids
        office_ids = None
    trend_data = stored[TREND_KEY]
    if trend_data is None or (office_id is None and office_ids is not None):
        return rows, None
    return rows, _trend_from(
        trend_data,
        trend_key(office_id, type_code),
        min_cases=min_cases,
    )


def trend_key(office_id: int | None, type_code: str | None) -> str:
    """The key of one series in the stored trend."""
    return f"{ALL if office_id is None else office_id}:{type_code or ALL}"


def _stored(*keys: str) -> dict[str, Any]:
    """The summaries under ``keys`` (None where there is none yet), in one
    read; when one is missing the worker is asked, at most once per
    ``COLD_REFRESH_GUARD_SECONDS``, to compute them."""
    found = summaries.get_many(keys, cache_seconds=SUMMARY_SECONDS)
    missing = any(key not in found for key in keys)
    if missing and cache.add(SUMMARY_KEY + ":asked", 1, COLD_REFRESH_GUARD_SECONDS):
        enqueue_on_commit("review.tasks.refresh_processing_times")
    return {key: found.get(key) for key in keys}


def _rows_from(
    stored: list[dict[str, Any]] | None,
    *,
    office_id: int | None,
    office_ids: set[int] | None,
    type_code: str | None,
    min_cases: int,
) -> list[ProcessingTime]:
    return [
        p
        for p in (ProcessingTime(**row) for row in stored or [])
        if p.decided >= min_cases
        and (office_id is None or p.office_id == office_id)
        and (office_ids is None or p.office_id in office_ids)
        and (not type_code or p.type_code == type_code)
    ]


def _trend_from(
    stored: dict[str, Any], key: str, *, min_cases: int
) -> list[MonthFigure]:
    """Every month of the stored trend, in order; a month with fewer than
    ``min_cases`` decisions (or none) has no figures."""
    series = stored["series"].get(key, {})
    result = []
    for month in stored["months"]:
        decided, median, p90 = series.get(month, (0, None, None))
        published = decided >= min_cases and decided > 0
        result.append(
            MonthFigure(
                month=date.fromisoformat(month + "-01"),
                decided=decided,
                median_days=median if published else None,
                p90_days=p90 if published else None,
            )
        )
    return result


def refresh_summary(now: datetime | None = None) -> list[ProcessingTime]:
    """Compute every office's and type's figures (groups of any size; the
    readers apply ``min_cases``) and the trend by month, and store them for
    ``processing_times`` and ``processing_times_with_trend``."""
    now = now or timezone.now()
    with replica_reads():
        rows = _compute(now=now, min_cases=1)
        trend = _compute_trend(now=now)
    summaries.put_many(
        {SUMMARY_KEY: [asdict(r) for r in rows], TREND_KEY: trend},
        cache_seconds=SUMMARY_SECONDS,
    )
    return rows


def trend_months(now: datetime) -> list[date]:
    """The first days of the last ``TREND_MONTHS`` calendar months in Japan,
    oldest first, the current month last."""
    today = timezone.localtime(now, TOKYO).date()
    index = today.year * 12 + today.month - 1
    return [
        date(i // 12, i % 12 + 1, 1) for i in range(index - TREND_MONTHS + 1, index + 1)
    ]


# The groupings of the trend: by office and type, by office, by type, overall.
TREND_GROUPINGS: tuple[tuple[str, ...], ...] = (
    ("office_id", "application_type__code"),
    ("office_id",),
    ("application_type__code",),
    (),
)


def _compute_trend(*, now: datetime) -> dict[str, Any]:
    """``{"months": ["2026-01", ...], "series": {trend_key: {month: [decided,
    median, p90]}}}`` for every grouping with any decision (the readers
    apply ``min_cases``)."""
    months = trend_months(now)
    since = datetime.combine(months[0], time(0, 0), tzinfo=TOKYO)
    filters: dict[str, Any] = {
        "main__isnull": True,
        "decided_at__gte": since,
        "decided_at__lte": now,
        "received_on__isnull": False,
        "office__isnull": False,
    }
    if connection.vendor == "postgresql":
        series = _trend_postgresql(filters)
    else:
        series = _trend_python(filters)
    return {"months": [m.strftime("%Y-%m") for m in months], "series": series}


def _trend_postgresql(filters: dict[str, Any]) -> dict[str, dict[str, list[Any]]]:
    days = ExpressionWrapper(
        TruncDate("decided_at", tzinfo=TOKYO) - F("received_on"),
        output_field=DurationField(),
    )
    series: dict[str, dict[str, list[Any]]] = defaultdict(dict)
    for grouping in TREND_GROUPINGS:
        rows = (
            Application.objects.filter(**filters)
            .annotate(month=TruncMonth("decided_at", tzinfo=TOKYO))
            .values(*grouping, "month")
            .annotate(
                decided=Count("id"),
                median=PercentileCont(days, 0.5),
                p90=PercentileCont(days, 0.9),
            )
            .order_by()
        )
        for row in rows:
            key = trend_key(row.get("office_id"), row.get("application_type__code"))
            month = timezone.localtime(row["month"], TOKYO).strftime("%Y-%m")
            series[key][month] = [
                row["decided"],
                round(_days(row["median"]), 1),
                round(_days(row["p90"]), 1),
            ]
    return dict(series)


def _trend_python(filters: dict[str, Any]) -> dict[str, dict[str, list[Any]]]:
    groups: dict[tuple[str, str], list[float]] = defaultdict(list)
    rows_in = Application.objects.filter(**filters).values_list(
        "office_id", "application_type__code", "received_on", "decided_at"
    )
    for office_id, type_code, received_on, decided_at in rows_in:
        if received_on is None or decided_at is None:
            continue  # excluded by the filters; keeps the types honest
        decided_on: date = timezone.localtime(decided_at, TOKYO).date()
        days = float((decided_on - received_on).days)
        month = decided_on.strftime("%Y-%m")
        for key in {
            trend_key(office_id, type_code),
            trend_key(office_id, None),
            trend_key(None, type_code),
            trend_key(None, None),
        }:
            groups[(key, month)].append(days)
    series: dict[str, dict[str, list[Any]]] = defaultdict(dict)
    for (key, month), values in groups.items():
        values.sort()
        series[key][month] = [
            len(values),
            round(percentile(values, 0.5), 1),
            round(percentile(values, 0.9), 1),
        ]
    return dict(series)


def _compute(
    *,
    office_id: int | None = None,
    office_ids: set[int] | None = None,
    type_code: str | None = None,
    now: datetime,
    min_cases: int,
) -> list[ProcessingTime]:
    since = now - WINDOW
    filters: dict[str, Any] = {
        "main__isnull": True,
        "decided_at__gte": since,
        "decided_at__lte": now,
        "received_on__isnull": False,
        "office__isnull": False,
    }
    if office_id is not None:
        filters["office_id"] = office_id
    if office_ids is not None:
        filters["office_id__in"] = list(office_ids)
    if type_code:
        filters["application_type__code"] = type_code
    compute = _rows_postgresql if connection.vendor == "postgresql" else _rows_python
    rows = [r for r in compute(since, filters) if r["decided"] >= min_cases]
    offices = {
        o.pk: o for o in Office.objects.filter(pk__in={r["office_id"] for r in rows})
    }
    types = {
        t.pk: t
        for t in ApplicationType.objects.filter(
            pk__in={r["application_type_id"] for r in rows}
        )
    }
    result = sorted(
        (
            ProcessingTime(
                office_id=r["office_id"],
                office_name_ja=offices[r["office_id"]].name_ja,
                office_name_en=offices[r["office_id"]].name_en,
                type_code=types[r["application_type_id"]].code,
                type_name_ja=types[r["application_type_id"]].name_ja,
                type_name_en=types[r["application_type_id"]].name_en,
                decided=r["decided"],
                median_days=round(r["median"], 1),
                p90_days=round(r["p90"], 1),
            )
            for r in rows
        ),
        key=lambda p: (
            getattr(offices[p.office_id], "sort_order", 0),
            p.office_id,
            types_order(types, p.type_code),
        ),
    )
    return result


def types_order(types: dict[int, ApplicationType], code: str) -> tuple[int, str]:
    for t in types.values():
        if t.code == code:
            return (t.sort_order, t.code)
    return (0, code)


def processing_time_for(
    *, office_id: int | None, type_code: str
) -> ProcessingTime | None:
    """The figure for one office and type (for the user's case page), or
    None when there are too few decisions to publish one."""
    if office_id is None:
        return None
    rows = processing_times(office_id=office_id, type_code=type_code)
    return rows[0] if rows else None
