"""The compliance calendar's dates, table-tested (domain-facts §2.2, §5.6):
the extension window, the last online day (the day before the expiry,
whatever day that is), the counter deadline moving past weekends, national
holidays and the year-end closure."""

from __future__ import annotations

from datetime import date

import pytest

from desk import calendar

TODAY = date(2026, 12, 5)


@pytest.mark.parametrize(
    ("expiry", "period", "opens", "assumed", "last_online", "counter", "days_left"),
    [
        # A weekday expiry: window 3 months before, online until the day before.
        (
            date(2027, 3, 10),
            "1y",
            date(2026, 12, 10),
            False,
            date(2027, 3, 9),
            date(2027, 3, 10),
            94,
        ),
        # Month-end: 3 months before 31 May is 28 Feb (no 31 Feb).
        (
            date(2027, 5, 31),
            "3y",
            date(2027, 2, 28),
            False,
            date(2027, 5, 30),
            date(2027, 5, 31),
            176,
        ),
        # Exactly 6 months: the window applies.
        (
            date(2027, 1, 20),
            "6m",
            date(2026, 10, 20),
            False,
            date(2027, 1, 19),
            date(2027, 1, 20),
            45,
        ),
        # Under 6 months: no published window.
        (
            date(2027, 1, 20),
            "3m",
            None,
            False,
            date(2027, 1, 19),
            date(2027, 1, 20),
            45,
        ),
        (
            date(2027, 1, 20),
            "15d",
            None,
            False,
            date(2027, 1, 19),
            date(2027, 1, 20),
            45,
        ),
        # Period not on record: the usual window, marked as assumed.
        (
            date(2027, 1, 20),
            "",
            date(2026, 10, 20),
            True,
            date(2027, 1, 19),
            date(2027, 1, 20),
            45,
        ),
        # Expiry on a Saturday: online still the day before; the counter moves to Monday.
        (
            date(2027, 3, 13),
            "1y",
            date(2026, 12, 13),
            False,
            date(2027, 3, 12),
            date(2027, 3, 15),
            97,
        ),
        # Expiry on a Sunday.
        (
            date(2027, 3, 14),
            "1y",
            date(2026, 12, 14),
            False,
            date(2027, 3, 13),
            date(2027, 3, 15),
            98,
        ),
        # Expiry on a national holiday (Constitution Day 2027-05-03, a Monday,
        # then Greenery Day and Children's Day): the counter opens on 6 May.
        (
            date(2027, 5, 3),
            "1y",
            date(2027, 2, 3),
            False,
            date(2027, 5, 2),
            date(2027, 5, 6),
            148,
        ),
        # Expiry in the year-end closure (29 Dec – 3 Jan; 4 Jan 2027 is a Monday).
        (
            date(2026, 12, 30),
            "1y",
            date(2026, 9, 30),
            False,
            date(2026, 12, 29),
            date(2027, 1, 4),
            24,
        ),
        # Expiry tomorrow: today is the last online day.
        (
            date(2026, 12, 6),
            "1y",
            date(2026, 9, 6),
            False,
            date(2026, 12, 5),
            date(2026, 12, 7),
            0,
        ),
        # Expiry today: the last online day has passed.
        (
            date(2026, 12, 5),
            "1y",
            date(2026, 9, 5),
            False,
            date(2026, 12, 4),
            date(2026, 12, 7),
            -1,
        ),
    ],
)
def test_extension_dates(
    expiry, period, opens, assumed, last_online, counter, days_left
):
    dates = calendar.extension_dates(expiry=expiry, current_period=period, today=TODAY)
    assert dates.window_opens == opens
    assert dates.window_assumed is assumed
    assert dates.last_online_day == last_online
    assert dates.counter_deadline == counter
    assert dates.days_left == days_left


@pytest.mark.parametrize(
    ("expiry", "window_open"),
    [
        (date(2027, 3, 5), True),  # window opened today
        (date(2027, 3, 6), False),  # opens tomorrow
        (date(2027, 1, 5), True),
    ],
)
def test_window_open_counts_from_the_day_it_opens(expiry, window_open):
    dates = calendar.extension_dates(expiry=expiry, current_period="1y", today=TODAY)
    assert dates.window_open is window_open


@pytest.mark.parametrize(
    ("day", "closed"),
    [
        (date(2026, 12, 4), False),  # Friday
        (date(2026, 12, 5), True),  # Saturday
        (date(2026, 12, 6), True),  # Sunday
        (date(2026, 12, 28), False),  # the last working day of the year
        (date(2026, 12, 29), True),  # year-end closure
        (date(2027, 1, 3), True),
        (date(2027, 1, 4), False),
        (date(2027, 1, 11), True),  # Coming of Age Day
        (date(2026, 9, 22), True),  # a "national holiday" between two holidays
    ],
)
def test_office_closed_days(day, closed):
    assert calendar.is_office_closed(day) is closed


@pytest.mark.parametrize(
    ("valid_until", "due"),
    [
        (date(2027, 3, 31), date(2027, 2, 28)),
        (date(2027, 6, 15), date(2027, 5, 15)),
    ],
)
def test_periodic_report_due_one_month_before_the_approval_ends(valid_until, due):
    assert calendar.periodic_report_due(valid_until) == due


def test_iso_week_groups_monday_to_sunday():
    assert calendar.iso_week(date(2026, 12, 7)) == calendar.iso_week(date(2026, 12, 13))
    assert calendar.iso_week(date(2026, 12, 13)) != calendar.iso_week(
        date(2026, 12, 14)
    )
    # The ISO year of 1 Jan 2027 (a Friday) is 2026.
    assert calendar.iso_week(date(2027, 1, 1)) == (2026, 53)
