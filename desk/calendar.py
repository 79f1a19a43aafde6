"""The compliance calendar's dates — pure functions, no database.

Sources (shared/reference/domain-facts.md):
- §2.2: an extension may be filed from about 3 months before the period of
  stay ends (periods of 6 months or more; no published window for shorter
  ones) — ``applications.eligibility.extension_window_opens``, the same
  function the filing rule uses.
- §2.2 and §0.5: it cannot be filed online on the expiry day itself, so the
  last online day is the day before.  When the expiry falls on a day the
  offices are closed, the *legal* deadline moves to the next business day —
  but that helps only at the counter; online filers should still file before
  the expiry (V [S119]).  So the last online day never moves; the counter
  deadline does.
- §5.6: the periodic report (定期報告) is filed at least 1 month before the
  organisation's ID (the users' approval) expires.

Days the offices are closed: Saturdays, Sundays, national holidays (the
``holidays`` library's Japanese calendar, maintained upstream) and the year-end
closure 29 December – 3 January (行政機関の休日に関する法律 §1).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache

from dateutil.relativedelta import relativedelta

from applications.eligibility import extension_window_opens

# People whose period of stay ends within this many months are listed.
HORIZON_MONTHS = 6
# §5.6: file the periodic report at least this long before the ID expires.
PERIODIC_REPORT_LEAD_MONTHS = 1


@cache
def _national_holidays(year: int) -> frozenset[date]:
    import holidays

    return frozenset(holidays.country_holidays("JP", years=year))


def is_office_closed(day: date) -> bool:
    """A Saturday, Sunday, national holiday or year-end closure day."""
    if day.weekday() >= 5:
        return True
    if (day.month == 12 and day.day >= 29) or (day.month == 1 and day.day <= 3):
        return True
    return day in _national_holidays(day.year)


def next_business_day(day: date) -> date:
    """``day`` itself when the offices are open, else the next day they are."""
    while is_office_closed(day):
        day += timedelta(days=1)
    return day


@dataclass(frozen=True)
class ExtensionDates:
    """The dates of one person's extension, with the days left from today
    to the last online day (negative once it has passed)."""

    expiry: date
    window_opens: date | None  # None: no published window (short periods)
    window_assumed: bool  # the period of stay is not on record: 3 months assumed
    last_online_day: date
    counter_deadline: date
    days_left: int
    window_open: bool


def extension_dates(
    *, expiry: date, current_period: str | None, today: date
) -> ExtensionDates:
    """When the extension window opens, the last day to file online, the
    last day at the counter (the expiry, moved past closed days) and the
    days left to the last online day."""
    opens = extension_window_opens(expiry=expiry, current_period=current_period)
    assumed = False
    if opens is None and not current_period:
        # The period is not on record: show the usual window, marked as assumed
        # (the filing rule enforces nothing then either).
        opens = expiry - relativedelta(months=3)
        assumed = True
    last_online = expiry - timedelta(days=1)
    return ExtensionDates(
        expiry=expiry,
        window_opens=opens,
        window_assumed=assumed,
        last_online_day=last_online,
        counter_deadline=next_business_day(expiry),
        days_left=(last_online - today).days,
        window_open=opens is None or opens <= today,
    )


def periodic_report_due(valid_until: date) -> date:
    """The last day to file the periodic report for an ID valid until
    ``valid_until`` (§5.6: at least one month before)."""
    return valid_until - relativedelta(months=PERIODIC_REPORT_LEAD_MONTHS)


def horizon_end(today: date) -> date:
    """The last expiry date the calendar lists."""
    return today + relativedelta(months=HORIZON_MONTHS)


def iso_week(day: date) -> tuple[int, int]:
    """(ISO year, ISO week) — the digest is sent once per such week."""
    year, week, _weekday = day.isocalendar()
    return year, week
