"""Every problem code the API raises is one of the stable, documented
codes (the ``Problem`` schema's enum); the key refusals have words in both
languages."""

from __future__ import annotations

import re
from pathlib import Path

from django.utils import translation

import pytest

from api import problems
from api.messages import MESSAGES
from portal.lib.errors import DomainError, message_for

API = Path(__file__).resolve().parents[2] / "api"
RAISED = re.compile(r"Problem\(\s*\"([a-z_]+)\"")


def test_every_raised_code_is_documented():
    raised = set()
    for source in API.rglob("*.py"):
        raised |= set(RAISED.findall(source.read_text()))
    assert raised, "the pattern finds the raises"
    assert raised <= set(problems.CODES), raised - set(problems.CODES)


def test_an_unknown_code_cannot_be_raised():
    with pytest.raises(ValueError):
        problems.Problem("no_such_code")


@pytest.mark.parametrize("code", sorted(MESSAGES))
def test_key_refusals_are_worded_in_both_languages(code):
    with translation.override("en"):
        english = message_for(DomainError(code))
    with translation.override("ja"):
        japanese = message_for(DomainError(code))
    assert english and japanese and english != japanese
