"""The factories' lifecycle traits reach their status through the real
services (so a test that starts from ``granted=True`` starts from a case the
real flow left), and the personas are who they claim to be."""

from __future__ import annotations

import pytest

from accounts.models import UseRequest
from applications import rules
from applications.models import StatusEvent
from applications.workflow import Status
from tests.factories import ApplicationFactory, UseRequestFactory

pytestmark = pytest.mark.django_db

LIFECYCLE = [
    Status.SUBMITTED,
    Status.EXAMINING,
    Status.AWAITING_DOCUMENTS,
    Status.DECISION_PROPOSED,
    Status.GRANTED,
    Status.FEE_PAID,
    Status.ISSUED,
    Status.DISPATCHED,
    Status.COMPLETED,
    Status.DENIED,
    Status.WITHDRAWN,
]


@pytest.mark.parametrize("status", LIFECYCLE)
def test_each_trait_walks_the_case_through_the_services(status, org, org_staff):
    application = ApplicationFactory(
        organization=org, created_by=org_staff, **{str(status): True}
    )
    assert application.status == status
    assert application.receipt_number
    # Every step left its history row, as the real flow does.
    events = StatusEvent.objects.filter(application=application)
    assert events.filter(to_status=status).exists()
    assert events.filter(to_status=Status.SUBMITTED).exists()


def test_status_keyword_is_the_trait(org, org_staff):
    application = ApplicationFactory(
        organization=org, created_by=org_staff, status=Status.EXAMINING
    )
    assert application.status == Status.EXAMINING


def test_shortcut_puts_the_rows_straight_in_without_history(org, org_staff):
    application = ApplicationFactory(
        organization=org, created_by=org_staff, status=Status.GRANTED, shortcut=True
    )
    assert application.status == Status.GRANTED
    assert not StatusEvent.objects.filter(application=application).exists()
    assert {c.status for c in application.companions.all()} == {Status.GRANTED}


@pytest.mark.parametrize(
    "status",
    [
        UseRequest.Status.DRAFT,
        UseRequest.Status.SUBMITTED,
        UseRequest.Status.RETURNED,
        UseRequest.Status.APPROVED,
        UseRequest.Status.REJECTED,
    ],
)
def test_use_request_factory_reaches_each_status(status):
    assert UseRequestFactory(status=status).status == status
    assert UseRequestFactory(submitted=True).status == UseRequest.Status.SUBMITTED


def test_personas(org, org_staff, read_only_staff, attorney, other_org_staff):
    assert rules.may_file_for(org_staff, org.pk)
    assert not rules.may_file_for(read_only_staff, org.pk)
    assert rules.may_file_for(attorney, org.pk)
    assert not rules.may_file_for(other_org_staff, org.pk)


def test_officers_hold_their_role_at_their_office(
    reception, examiner, supervisor, clerk, bureau_admin, stranger_officer
):
    for user, role in [
        (reception, "reception"),
        (examiner, "examiner"),
        (supervisor, "supervisor"),
        (clerk, "clerk"),
        (bureau_admin, "bureau_admin"),
    ]:
        assert {(r.role, r.office.code) for r in user.officer_roles.all()} == {
            (role, "TKY")
        }
    assert {r.office.code for r in stranger_officer.officer_roles.all()} == {"NGY"}
