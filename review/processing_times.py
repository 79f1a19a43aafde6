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
``values_list``.  Results are cached for an hour in the shared cache: the
figures move by the day, and the public page must stay cheap.

A group with fewer than ``MIN_CASES`` decisions is not published: a figure
from one or two cases would describe individual people's applications.
"""

from __future__ import annotations

import hashlib
import math
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.core.cache import cache
from django.db import connection
from django.db.models import Aggregate, Count, DurationField, ExpressionWrapper, F
from django.db.models.functions import TruncDate
from django.utils import timezone

from accounts.models import Office
from applications.models import Application, ApplicationType

TOKYO = ZoneInfo("Asia/Tokyo")
WINDOW = timedelta(days=365)
MIN_CASES = 5
CACHE_SECONDS = 3600


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
    for one office, a set of offices, or one type."""
    now = now or timezone.now()
    ids = (
        ",".join(str(i) for i in sorted(office_ids)) if office_ids is not None else "*"
    )
    hour = f"{timezone.localtime(now, TOKYO):%Y%m%d%H}"
    key = (
        "review:ptimes:"
        + hashlib.sha256(
            f"{office_id}|{ids}|{type_code}|{min_cases}|{hour}".encode()
        ).hexdigest()
    )
    cached = cache.get(key)
    if cached is not None:
        return list(cached)
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
    cache.set(key, result, CACHE_SECONDS)
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
