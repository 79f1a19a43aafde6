"""The pure issuance rules (``review.issuance_rules``), as tables.  The
cases are plain stand-ins: the rules read only the type code, the person's
card number and period, and the decision's period."""

from __future__ import annotations

from datetime import date
from types import SimpleNamespace
from typing import Any

import pytest

from review.issuance_rules import (
    RETURN_METHODS_CARD,
    RETURN_METHODS_CERTIFICATE,
    card_expiry,
    certificate_kinds,
    electronic_only,
    issues_card,
    needs_current_card,
    normalize_tracking_number,
    return_methods,
)


def app(type_code: str, *, card: str = "AB12345678CD", expiry: Any = None) -> Any:
    return SimpleNamespace(
        application_type=SimpleNamespace(code=type_code),
        foreign_national=SimpleNamespace(
            residence_card_number=card, period_expiry=expiry
        ),
    )


def grant(period: str) -> Any:
    return SimpleNamespace(granted_period=period)


@pytest.mark.parametrize(
    ("type_code", "period", "expected"),
    [
        ("extension", "3y", True),
        ("change", "1y", True),
        ("acquisition", "5y", True),
        ("extension", "3m", False),  # 3 months or less: no card
        ("extension", "4m", True),
        ("change", "90d", False),
        ("change", "designated-5y", True),
        ("extension", "indefinite", True),
        ("extension", "", True),  # no period recorded: the card is the rule
        ("coe", "3y", False),
        ("authorized_employment", "3y", False),
        ("reentry", "3y", False),
    ],
)
def test_issues_card(type_code, period, expected):
    assert issues_card(app(type_code), grant(period)) is expected


def test_issues_card_without_a_decision_follows_the_type():
    assert issues_card(app("extension"), None) is True
    assert issues_card(app("coe"), None) is False


@pytest.mark.parametrize(
    ("type_code", "card", "expected"),
    [
        ("extension", "AB12345678CD", True),
        ("change", "AB12345678CD", True),
        ("change", "", False),  # no card on record: nothing to exchange
        ("acquisition", "AB12345678CD", False),
        ("coe", "", False),
    ],
)
def test_needs_current_card(type_code, card, expected):
    assert needs_current_card(app(type_code, card=card)) is expected


@pytest.mark.parametrize(
    ("type_code", "electronic", "methods"),
    [
        ("extension", False, RETURN_METHODS_CARD),
        ("change", False, RETURN_METHODS_CARD),
        ("acquisition", False, RETURN_METHODS_CARD),
        ("coe", True, RETURN_METHODS_CERTIFICATE),
        ("authorized_employment", True, RETURN_METHODS_CERTIFICATE),
    ],
)
def test_electronic_only_and_return_methods(type_code, electronic, methods):
    assert electronic_only(app(type_code)) is electronic
    assert return_methods(app(type_code)) == methods
    assert ("email" in methods) is electronic


@pytest.mark.parametrize(
    ("type_code", "companions", "kinds"),
    [
        ("extension", [], []),
        ("extension", ["reentry"], ["reentry"]),
        ("change", ["reentry", "other_activity"], ["reentry", "other_activity"]),
        ("coe", [], ["coe"]),
        ("authorized_employment", ["reentry"], ["authorized_employment", "reentry"]),
        ("extension", ["reentry", "reentry"], ["reentry"]),  # once each
    ],
)
def test_certificate_kinds(type_code, companions, kinds):
    assert certificate_kinds(app(type_code), [app(c) for c in companions]) == kinds


@pytest.mark.parametrize(
    ("type_code", "current_expiry", "period", "decided_on", "expected"),
    [
        # Extension: from the day after the current expiry.
        ("extension", date(2026, 12, 31), "3y", date(2026, 11, 1), date(2029, 12, 31)),
        # Granted during the special period: still from the current expiry.
        ("extension", date(2026, 10, 31), "1y", date(2026, 12, 5), date(2027, 10, 31)),
        # Change: from the day of permission, ending the day before.
        ("change", date(2026, 12, 31), "1y", date(2026, 11, 1), date(2027, 10, 31)),
        ("acquisition", None, "5y", date(2026, 4, 1), date(2031, 3, 31)),
        # A designated period counts as its maximum.
        ("change", None, "designated-6m", date(2026, 1, 15), date(2026, 7, 14)),
        # Indefinite: the card's own validity of 7 years from the decision.
        ("change", None, "indefinite", date(2026, 5, 1), date(2033, 5, 1)),
    ],
)
def test_card_expiry(type_code, current_expiry, period, decided_on, expected):
    application = app(type_code, expiry=current_expiry)
    assert (
        card_expiry(
            application=application, decision=grant(period), decided_on=decided_on
        )
        == expected
    )


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("1234-5678-9012", "123456789012"),
        ("1234 5678 9012", "123456789012"),
        ("１２３４−５６７８−９０１２", "123456789012"),  # full width
        ("12345678901", "12345678901"),  # 11 digits
        ("1234567890123", "1234567890123"),  # 13 digits
        ("1234567890", None),  # 10: too short
        ("12345678901234", None),  # 14: too long
        ("1234-ABCD-9012", None),
        ("", None),
    ],
)
def test_normalize_tracking_number(value, expected):
    assert normalize_tracking_number(value) == expected
