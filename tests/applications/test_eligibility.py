"""Every eligibility rule, passing and failing, as a table."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from applications.eligibility import (
    Filing,
    StatusFacts,
    check,
    special_period_end,
)

TODAY = date(2026, 11, 26)
ENGINEER = StatusFacts("engineer", "I", True, True, ("5y", "3y", "1y", "3m"))
STUDENT = StatusFacts(
    "student",
    "I",
    True,
    True,
    ("4y3m", "4y", "3y3m", "3y", "2y3m", "2y", "1y3m", "1y", "6m", "3m"),
)
SPOUSE_JP = StatusFacts(
    "spouse_of_japanese", "II", True, False, ("5y", "3y", "1y", "6m")
)
DIPLOMAT = StatusFacts("diplomat", "I", False, True, ("activity",))
VISITOR = StatusFacts("temporary_visitor", "I", False, True, ("90d", "30d", "15d"))
DEPARTURE = StatusFacts(
    "designated_activities",
    "I",
    True,
    True,
    ("designated-5y",),
    subcategory_online_eligible=False,
)
PERMANENT = StatusFacts("permanent_resident", "II", False, False, ("indefinite",))

EXTENSION_OK = Filing(
    application_type="extension",
    today=TODAY,
    current_status=ENGINEER,
    current_period="1y",
    expiry=date(2027, 1, 31),
    requested_period="3y",
    has_residence_card=True,
)
CHANGE_OK = Filing(
    application_type="change",
    today=TODAY,
    current_status=STUDENT,
    target_status=ENGINEER,
    current_period="2y",
    expiry=date(2027, 4, 30),
    requested_period="1y",
    has_residence_card=True,
)
COE_OK = Filing(
    application_type="coe", today=TODAY, target_status=ENGINEER, requested_period="5y"
)
ACQ_OK = Filing(
    application_type="acquisition",
    today=TODAY,
    target_status=SPOUSE_JP,
    requested_period="1y",
    event_date=date(2026, 11, 10),
)
CAE_OK = Filing(
    application_type="authorized_employment",
    today=TODAY,
    current_status=ENGINEER,
    has_residence_card=True,
)


def rules(filing: Filing) -> set[str]:
    return {failure.rule for failure in check(filing)}


CASES = [
    # (id, filing, expected failing rules)
    ("extension ok", EXTENSION_OK, set()),
    ("change ok", CHANGE_OK, set()),
    ("coe ok", COE_OK, set()),
    ("acquisition ok", ACQ_OK, set()),
    ("certificate of authorized employment ok", CAE_OK, set()),
    # scope
    ("not in scope", replace(EXTENSION_OK, user_in_scope=False), {"scope"}),
    (
        "suspended or expired user",
        replace(EXTENSION_OK, user_can_file=False),
        {"account_active"},
    ),
    # online eligibility
    (
        "current diplomat",
        replace(EXTENSION_OK, current_status=DIPLOMAT, requested_period="activity"),
        {"status_online"},
    ),
    (
        "current temporary visitor",
        replace(CHANGE_OK, current_status=VISITOR),
        {"status_online"},
    ),
    (
        "target temporary visitor",
        replace(COE_OK, target_status=VISITOR, requested_period="90d"),
        {"status_online"},
    ),
    (
        "target diplomat for change",
        replace(CHANGE_OK, target_status=DIPLOMAT, requested_period="activity"),
        {"status_online"},
    ),
    (
        "preparation for departure sub-category",
        replace(
            EXTENSION_OK, current_status=DEPARTURE, requested_period="designated-5y"
        ),
        {"status_online"},
    ),
    (
        "table II online per data",
        replace(EXTENSION_OK, current_status=SPOUSE_JP, requested_period="1y"),
        set(),
    ),
    (
        "table II not online per data",
        replace(EXTENSION_OK, current_status=PERMANENT, requested_period="indefinite"),
        {"status_online"},
    ),
    (
        "change without target status",
        replace(CHANGE_OK, target_status=None),
        {"status_missing"},
    ),
    (
        "coe without target status",
        replace(COE_OK, target_status=None),
        {"status_missing"},
    ),
    # companions
    (
        "reentry with extension",
        replace(EXTENSION_OK, companions=("reentry",), reentry_until=date(2028, 1, 1)),
        set(),
    ),
    (
        "other activity with change",
        replace(CHANGE_OK, companions=("other_activity",)),
        set(),
    ),
    (
        "both companions with acquisition",
        replace(
            ACQ_OK,
            target_status=ENGINEER,
            companions=("reentry", "other_activity"),
            reentry_until=date(2027, 6, 1),
        ),
        set(),
    ),
    (
        "companion with coe",
        replace(COE_OK, companions=("reentry",), reentry_until=date(2027, 1, 1)),
        {"companions"},
    ),
    (
        "companion with authorized employment",
        replace(CAE_OK, companions=("other_activity",)),
        {"companions"},
    ),
    (
        "other activity for table II after change",
        replace(CHANGE_OK, target_status=SPOUSE_JP, companions=("other_activity",)),
        {"other_activity_table_ii"},
    ),
    (
        "other activity for table II extension",
        replace(
            EXTENSION_OK,
            current_status=SPOUSE_JP,
            requested_period="1y",
            companions=("other_activity",),
        ),
        {"other_activity_table_ii"},
    ),
    (
        "other activity for table I extension",
        replace(EXTENSION_OK, companions=("other_activity",)),
        set(),
    ),
    # re-entry validity
    (
        "reentry without date",
        replace(EXTENSION_OK, companions=("reentry",)),
        {"reentry_validity_missing"},
    ),
    (
        "reentry in the past",
        replace(EXTENSION_OK, companions=("reentry",), reentry_until=date(2026, 11, 1)),
        {"reentry_validity_past"},
    ),
    (
        "reentry today",
        replace(EXTENSION_OK, companions=("reentry",), reentry_until=TODAY),
        {"reentry_validity_past"},
    ),
    (
        "reentry exactly 5 years",
        replace(
            EXTENSION_OK,
            requested_period="5y",
            companions=("reentry",),
            reentry_until=date(2031, 11, 26),
        ),
        set(),
    ),
    (
        "reentry over 5 years",
        replace(
            EXTENSION_OK,
            requested_period="5y",
            companions=("reentry",),
            reentry_until=date(2031, 11, 27),
        ),
        {"reentry_max_5_years"},
    ),
    (
        "reentry beyond new period",
        replace(
            EXTENSION_OK,
            requested_period="1y",
            companions=("reentry",),
            reentry_until=date(2028, 3, 1),
        ),
        {"reentry_within_stay"},
    ),
    (
        "reentry on last day of new period",
        replace(
            EXTENSION_OK,
            requested_period="1y",
            companions=("reentry",),
            reentry_until=date(2028, 1, 31),
        ),
        set(),
    ),
    (
        "reentry beyond current period (acquisition)",
        replace(
            ACQ_OK,
            expiry=date(2027, 1, 1),
            companions=("reentry",),
            reentry_until=date(2027, 2, 1),
        ),
        {"reentry_within_stay"},
    ),
    # timing: expiry
    (
        "extension after expiry",
        replace(EXTENSION_OK, expiry=date(2026, 11, 25)),
        {"after_expiry"},
    ),
    (
        "change after expiry",
        replace(CHANGE_OK, expiry=date(2026, 10, 1)),
        {"after_expiry"},
    ),
    ("extension on last day", replace(EXTENSION_OK, expiry=TODAY), {"last_day"}),
    ("change on last day", replace(CHANGE_OK, expiry=TODAY), {"last_day"}),
    (
        "extension the day before the last day",
        replace(EXTENSION_OK, expiry=date(2026, 11, 27)),
        set(),
    ),
    (
        "authorized employment ignores expiry",
        replace(CAE_OK, expiry=date(2026, 1, 1)),
        set(),
    ),
    # extension window
    (
        "extension 3 months before",
        replace(EXTENSION_OK, expiry=date(2027, 2, 26)),
        set(),
    ),
    (
        "extension 3 months and a day before",
        replace(EXTENSION_OK, expiry=date(2027, 2, 27)),
        {"extension_window"},
    ),
    (
        "extension a year early",
        replace(EXTENSION_OK, expiry=date(2027, 11, 26)),
        {"extension_window"},
    ),
    (
        "extension for 6 months period has window",
        replace(EXTENSION_OK, current_period="6m", expiry=date(2027, 3, 1)),
        {"extension_window"},
    ),
    (
        "extension for 3 months period has no published window",
        replace(EXTENSION_OK, current_period="3m", expiry=date(2027, 2, 20)),
        set(),
    ),
    ("change has no window", replace(CHANGE_OK, expiry=date(2028, 1, 1)), set()),
    # acquisition
    ("acquisition on the event day", replace(ACQ_OK, event_date=TODAY), set()),
    (
        "acquisition 30 days after",
        replace(ACQ_OK, event_date=date(2026, 10, 27)),
        set(),
    ),
    (
        "acquisition 31 days after",
        replace(ACQ_OK, event_date=date(2026, 10, 26)),
        {"acquisition_30_days"},
    ),
    (
        "acquisition event in the future",
        replace(ACQ_OK, event_date=date(2026, 12, 1)),
        {"acquisition_event_future"},
    ),
    (
        "acquisition without event date",
        replace(ACQ_OK, event_date=None),
        {"acquisition_event_missing"},
    ),
    # requested period
    (
        "period not allowed for status",
        replace(EXTENSION_OK, requested_period="2y"),
        {"period_not_allowed"},
    ),
    (
        "period missing",
        replace(EXTENSION_OK, requested_period=None),
        {"period_missing"},
    ),
    (
        "student period allowed",
        replace(
            CHANGE_OK,
            target_status=STUDENT,
            current_status=ENGINEER,
            requested_period="1y3m",
        ),
        set(),
    ),
    (
        "coe period checked against target",
        replace(COE_OK, requested_period="6m"),
        {"period_not_allowed"},
    ),
    (
        "authorized employment has no period",
        replace(CAE_OK, requested_period=None),
        set(),
    ),
    # residence card
    (
        "extension without card",
        replace(EXTENSION_OK, has_residence_card=False),
        {"card_required"},
    ),
    (
        "change without card",
        replace(CHANGE_OK, has_residence_card=False),
        {"card_required"},
    ),
    (
        "authorized employment without card",
        replace(CAE_OK, has_residence_card=False),
        {"card_required"},
    ),
    (
        "coe with card",
        replace(COE_OK, has_residence_card=True),
        {"card_absent_for_coe"},
    ),
    (
        "acquisition without card is fine",
        replace(ACQ_OK, has_residence_card=False),
        set(),
    ),
    # documents
    (
        "documents missing",
        replace(EXTENSION_OK, missing_documents=("写真",)),
        {"documents"},
    ),
    # several at once
    (
        "several failures reported together",
        replace(
            EXTENSION_OK,
            has_residence_card=False,
            requested_period="2y",
            user_in_scope=False,
        ),
        {"scope", "card_required", "period_not_allowed"},
    ),
]


@pytest.mark.parametrize(
    ("filing", "expected"), [c[1:] for c in CASES], ids=[c[0] for c in CASES]
)
def test_rule(filing, expected):
    assert rules(filing) == expected


def test_there_are_at_least_50_cases():
    assert len(CASES) >= 50


def test_every_failure_has_a_message_that_names_what_to_do():
    failing = [c[1] for c in CASES if c[2]]
    for filing in failing:
        for failure in check(filing):
            assert len(str(failure.message)) > 20


@pytest.mark.parametrize(
    ("application_type", "expiry", "period", "expected"),
    [
        ("extension", date(2027, 1, 31), "1y", date(2027, 3, 31)),
        ("change", date(2026, 12, 31), "3y", date(2027, 2, 28)),
        ("extension", date(2027, 1, 31), "30d", None),  # stays of 30 days or less
        ("extension", date(2027, 1, 31), "15d", None),
        ("extension", date(2027, 1, 31), "3m", date(2027, 3, 31)),
        ("coe", date(2027, 1, 31), "1y", None),
        ("authorized_employment", date(2027, 1, 31), "1y", None),
        ("extension", None, "1y", None),
    ],
)
def test_special_period(application_type, expiry, period, expected):
    assert (
        special_period_end(
            application_type=application_type, expiry=expiry, current_period=period
        )
        == expected
    )
