"""The applications app's domain errors carry codes whose words are in
``applications.messages``; ``message_for`` finds each of them."""

from __future__ import annotations

from django.utils import translation

import pytest

from applications import messages
from applications.errors import (
    DRAFT_CHANGED,
    PERSON_CHANGED,
    DuplicatePerson,
    NotDraft,
    NotEligible,
)
from applications.models import ForeignNational
from portal.lib.errors import DomainError, StaleEdit, message_for


@pytest.mark.parametrize(
    ("error", "text"),
    [
        (NotDraft(), messages.NOT_A_DRAFT),
        (NotEligible([]), messages.NOT_ELIGIBLE),
        (StaleEdit(DRAFT_CHANGED), messages.STALE_EDIT),
        (StaleEdit(PERSON_CHANGED), messages.PERSON_STALE),
    ],
    ids=["not_a_draft", "not_eligible", "draft_changed", "person_changed"],
)
def test_each_domain_error_has_its_message_in_both_languages(error, text):
    for language in ("en", "ja"):
        with translation.override(language):
            assert message_for(error) == str(text)


def test_a_duplicate_person_names_no_one_in_its_parameters():
    error = DuplicatePerson(ForeignNational(family_name="NGUYEN"))
    assert error.code == "duplicate_person"
    assert error.params == {}


def test_every_text_is_registered_under_its_code():
    for code, text in messages.MESSAGES.items():
        assert message_for(DomainError(code)) == str(text)
