"""The page builders, tested without a client: one summary of a request for
use serves the requester's check-answers page and reception's review."""

from __future__ import annotations

import pytest

from accounts.declarations import DECLARATIONS
from accounts.presenters import use_request_sections
from tests.factories import UseRequestFactory

pytestmark = pytest.mark.django_db


def _rows(sections, key):
    (section,) = [s for s in sections if s["key"] == key]
    return [(str(row["key"]), str(row["value"])) for row in section["rows"]]


def test_requester_and_reception_read_the_same_answers():
    use_request = UseRequestFactory()
    requester = use_request_sections(use_request, audience="requester")
    reception = use_request_sections(use_request, audience="reception")

    assert [s["key"] for s in requester] == [
        "category",
        "organization",
        "person",
        "declarations",
        "documents",
        "roster",
        "office",
    ]
    assert [s["key"] for s in reception] == [
        "category",
        "organization",
        "person",
        "declarations",
    ]
    for key in ("category", "organization", "person"):
        assert _rows(requester, key) == _rows(reception, key)


def test_only_the_requester_gets_change_links():
    use_request = UseRequestFactory()
    requester = use_request_sections(use_request, audience="requester")
    reception = use_request_sections(use_request, audience="reception")
    organization_rows = next(s for s in requester if s["key"] == "organization")
    assert all("?from=check" in row["href"] for row in organization_rows["rows"])
    assert not any("href" in row for s in reception for row in s["rows"])


def test_declarations_come_from_the_one_list():
    use_request = UseRequestFactory()
    requester = _rows(
        use_request_sections(use_request, audience="requester"), "declarations"
    )
    reception = _rows(
        use_request_sections(use_request, audience="reception"), "declarations"
    )
    assert [key for key, _value in requester] == [str(d.text) for d in DECLARATIONS]
    assert [key for key, _value in reception] == [str(d.short) for d in DECLARATIONS]
