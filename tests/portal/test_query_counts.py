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
from portal.notifications.services import notify
from tests.factories import (
    ApplicationFactory,
    ForeignNationalFactory,
    OrganizationFactory,
    UserFactory,
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


def test_the_layout_reads_the_user_and_the_unread_badge_in_one_query(
    client: Any,
) -> None:
    """Every page with the layout loads the signed-in user and counts the
    unread badge: one query for both (the auth backend's ``get_user``)."""
    user = UserFactory(mfa=True)
    for _ in range(2):
        notify(recipient=user, kind="mfa_enabled")
    client.force_login(user)
    client.get("/")  # the session's first request does one-off work
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/")
    assert response.status_code == 200
    assert 'class="count-badge" aria-hidden="true">2<' in response.content.decode()
    assert len(queries) == 1, [q["sql"] for q in queries]


def test_an_officers_own_roles_are_one_query_without_joins(
    reference_data: None,
) -> None:
    from review.permissions import has_role, officer_roles_preload

    examiner = officer(Role.EXAMINER, Role.CLERK)
    with CaptureQueriesContext(connection) as queries:
        roles = officer_roles_preload(examiner)
    assert len(queries) == 1
    assert "JOIN" not in queries[0]["sql"]
    with CaptureQueriesContext(connection) as later:
        assert {role.role for role in roles} == {Role.EXAMINER, Role.CLERK}
        assert all(role.user is examiner for role in roles)
        assert has_role(examiner, Role.CLERK, roles[0].office_id)
    assert len(later) == 0
