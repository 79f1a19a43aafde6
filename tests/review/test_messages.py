"""The review errors carry codes whose words are in ``review.messages``;
``message_for`` finds each of them, in both languages."""

from __future__ import annotations

import re
from pathlib import Path

from django.utils import translation

import pytest

from portal.lib.errors import DomainError, message_for
from review import messages
from review.errors import (
    AmountMismatch,
    ExaminationError,
    FourEyesViolation,
    IssuanceError,
)

REVIEW = Path(__file__).resolve().parents[2] / "review"
RAISED = re.compile(
    r"(ExaminationError|IssuanceError|_stale|status_error)\(\s*\"([a-z_]+)\""
)
# Issuance refusals without words of their own read "changed by someone else
# since you opened the page (it is now …)": the page was out of date.  The
# provider's callback shows its own words for every refusal.
FALLBACK = {
    "card_received",
    "fee_assessed",
    "not_dispatchable",
    "not_dispatched",
    "not_granted",
    "not_issuable",
    "not_decided",
    "no_status",
    "bad_signature",
    "reference_reused",
    "unknown_application",
}


def test_every_text_is_registered_under_its_code():
    for code, text in messages.CODES.items():
        assert message_for(DomainError(code)) == str(text)


def test_every_code_the_review_app_raises_has_words():
    raised = {
        match.group(2)
        for path in REVIEW.rglob("*.py")
        for match in RAISED.finditer(path.read_text())
    }
    assert raised, "the scan found no codes"
    assert raised - set(messages.CODES) <= FALLBACK
    for code in FALLBACK:
        with translation.override("en"):
            text = message_for(IssuanceError(code, status="Issued"))
        assert "changed by someone else" in text and "Issued" in text


@pytest.mark.parametrize(
    ("error", "english"),
    [
        (FourEyesViolation(), "another supervisor must approve"),
        (ExaminationError("already_assigned", name="審査 一郎"), "審査 一郎"),
        (ExaminationError("due_date_too_far", days=90), "within 90 days"),
        (IssuanceError("card_not_received"), "current residence card has arrived"),
        (
            AmountMismatch(due=12000, received=11000).stamps_error(),
            "¥11,000, which is ¥1,000 short of the fee due (¥12,000)",
        ),
        (
            AmountMismatch(due=12000, received=13000).stamps_error(),
            "¥1,000 too much",
        ),
    ],
)
def test_errors_read_in_both_languages(error, english):
    with translation.override("en"):
        assert english in str(error)
        assert error.message == str(error)
    with translation.override("ja"):
        japanese = str(error)
    assert japanese and japanese != error.code
    assert "%(" not in japanese
