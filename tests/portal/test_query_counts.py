"""Query counts with 1 and with 50 children (issue 9): the lists and
searches that had no such test cost the same number of queries for one row
as for a full page (QUALITY.md items 23 and 25)."""

from __future__ import annotations

from typing import Any

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

import pytest

from applications.workflow import Status
from tests.factories import (
    ApplicationFactory,
    ForeignNationalFactory,
    OrganizationFactory,
    officer,
    staff,
)
from tests.review.exam_helpers import Role, login

pytestmark = pytest.mark.django_db


def count(client: Any, url: str, **params: str) -> int:
    client.get(url, params)  # warm the session and the caches
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, params)
    assert response.status_code == 200
    return len(queries)


@pytest.fixture
def org(reference_data: None) -> Any:
    return OrganizationFactory()


@pytest.fixture
def alice(org: Any) -> Any:
    return staff(org, language="en")


def test_officer_search_by_name(
    client: Any, settings: Any, org: Any, alice: Any
) -> None:
    examiner = officer(Role.EXAMINER)
    login(client, examiner, settings)
    ApplicationFactory(
        shortcut=True,
        organization=org,
        created_by=alice,
        foreign_national=ForeignNationalFactory(organization=org, family_name="KARKI"),
        status=Status.SUBMITTED,
    )
    one = count(client, "/office/cases/", q="KARKI")
    for _ in range(49):
        ApplicationFactory(
            shortcut=True,
            organization=org,
            created_by=alice,
            foreign_national=ForeignNationalFactory(
                organization=org, family_name="KARKI"
            ),
            status=Status.SUBMITTED,
        )
    many = count(client, "/office/cases/", q="KARKI")
    assert one == many <= 6


def test_organisation_search_by_name(
    client: Any, settings: Any, org: Any, alice: Any
) -> None:
    login(client, alice, settings)
    url = reverse("applications:list")
    ApplicationFactory(
        shortcut=True,
        organization=org,
        created_by=alice,
        foreign_national=ForeignNationalFactory(organization=org, family_name="KARKI"),
        status=Status.SUBMITTED,
    )
    one = count(client, url, q="KARKI")
    for _ in range(49):
        ApplicationFactory(
            shortcut=True,
            organization=org,
            created_by=alice,
            foreign_national=ForeignNationalFactory(
                organization=org, family_name="KARKI"
            ),
            status=Status.SUBMITTED,
        )
    many = count(client, url, q="KARKI")
    assert one == many <= 6


def test_people_list(client: Any, settings: Any, org: Any, alice: Any) -> None:
    login(client, alice, settings)
    url = reverse("applications:foreign_nationals")
    ForeignNationalFactory(organization=org)
    one = count(client, url)
    for _ in range(49):
        ForeignNationalFactory(organization=org)
    assert count(client, url) == one <= 8


def test_drafts_list(client: Any, settings: Any, org: Any, alice: Any) -> None:
    login(client, alice, settings)
    url = reverse("applications:drafts")
    ApplicationFactory(organization=org, created_by=alice)
    one = count(client, url)
    for _ in range(49):
        ApplicationFactory(organization=org, created_by=alice)
    assert count(client, url) == one <= 8
