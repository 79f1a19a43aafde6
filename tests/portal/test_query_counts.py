"""Query counts with 1 and with 50 children (issue 9): the lists and
searches that had no such test cost the same number of queries for one row
as for a full page (QUALITY.md items 23 and 25)."""

from __future__ import annotations

from typing import Any

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

import pytest

from tests.accounts.org_helpers import organization, staff
from tests.applications.case_helpers import case, draft, person
from tests.review.exam_helpers import Role, login, officer

pytestmark = pytest.mark.django_db


def count(client: Any, url: str, **params: str) -> int:
    client.get(url, params)  # warm the session and the caches
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, params)
    assert response.status_code == 200
    return len(queries)


@pytest.fixture
def org(reference_data: None) -> Any:
    return organization()


@pytest.fixture
def alice(org: Any) -> Any:
    return staff(org, language="en")


def test_officer_search_by_name(
    client: Any, settings: Any, org: Any, alice: Any
) -> None:
    examiner = officer(Role.EXAMINER)
    login(client, examiner, settings)
    case(org, alice, fn=person(org, family_name="KARKI"))
    one = count(client, "/office/cases/", q="KARKI")
    for _ in range(49):
        case(org, alice, fn=person(org, family_name="KARKI"))
    many = count(client, "/office/cases/", q="KARKI")
    assert one == many <= 6


def test_organisation_search_by_name(
    client: Any, settings: Any, org: Any, alice: Any
) -> None:
    login(client, alice, settings)
    url = reverse("applications:list")
    case(org, alice, fn=person(org, family_name="KARKI"))
    one = count(client, url, q="KARKI")
    for _ in range(49):
        case(org, alice, fn=person(org, family_name="KARKI"))
    many = count(client, url, q="KARKI")
    assert one == many <= 6


def test_people_list(client: Any, settings: Any, org: Any, alice: Any) -> None:
    login(client, alice, settings)
    url = reverse("applications:foreign_nationals")
    person(org)
    one = count(client, url)
    for _ in range(49):
        person(org)
    assert count(client, url) == one <= 8


def test_drafts_list(client: Any, settings: Any, org: Any, alice: Any) -> None:
    login(client, alice, settings)
    url = reverse("applications:drafts")
    draft(org, alice)
    one = count(client, url)
    for _ in range(49):
        draft(org, alice)
    assert count(client, url) == one <= 8
