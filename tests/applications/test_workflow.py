"""The status machine: every (status, action) pair through the one transition
service — legal ones move to the table's target with a history event, an
audit record and the companions following; illegal ones raise and change
nothing.  Repeats are no-ops; a status changed meanwhile is a StaleEdit."""

from __future__ import annotations

import itertools

from django.utils import timezone

import pytest

from accounts.models import Membership, User
from applications import services
from applications.models import Application, StatusEvent
from applications.workflow import (
    BEFORE_DECISION,
    CLOSED,
    PUBLIC_STAGE,
    TRANSITIONS,
    Action,
    Stage,
    Status,
)
from portal.audit.models import AuditEvent
from portal.lib.errors import IllegalTransition, StaleEdit, next_state
from tests.factories import (
    ApplicationFactory,
    UserFactory,
    attach_required_documents,
)

pytestmark = pytest.mark.django_db

ALL_PAIRS = list(itertools.product(Status.values, Action.values))


@pytest.fixture
def filer(org) -> User:
    # No MFA enrolment needed: nobody signs in here.
    user = UserFactory(user_category=User.Category.ORG_STAFF)
    Membership.objects.create(user=user, organization=org)
    return user


def in_status(org, user, status: str) -> Application:
    """A main application with a re-entry companion, in ``status``."""
    if status == Status.DRAFT:
        return ApplicationFactory(organization=org, created_by=user)
    return ApplicationFactory(
        shortcut=True,
        organization=org,
        created_by=user,
        status=status,
        submitted_at=timezone.now(),
    )


def snapshot(application: Application) -> tuple:
    application.refresh_from_db()
    return (
        application.status,
        application.version,
        application.decided_at,
        application.closed_at,
        tuple(application.companions.values_list("status", flat=True)),
    )


# --- The table ------------------------------------------------------------------------


def test_the_table_names_only_known_statuses_and_actions():
    for (status, action), target in TRANSITIONS.items():
        assert status in Status.values
        assert action in Action.values
        assert target in Status.values
    assert set(Status.values) >= BEFORE_DECISION | CLOSED


def test_every_status_after_the_draft_has_a_public_stage():
    assert set(PUBLIC_STAGE) == set(Status.values) - {Status.DRAFT}
    assert set(PUBLIC_STAGE.values()) == set(Stage.values)


def test_closed_statuses_have_no_way_out():
    for status in CLOSED:
        assert not [a for (s, a) in TRANSITIONS if s == status]


def test_withdrawal_is_allowed_exactly_before_a_decision():
    assert {s for (s, a) in TRANSITIONS if a == Action.WITHDRAW} == BEFORE_DECISION


def test_every_status_is_reachable_from_the_draft():
    reached, frontier = {Status.DRAFT}, [Status.DRAFT]
    while frontier:
        status = frontier.pop()
        for (s, _a), target in TRANSITIONS.items():
            if s == status and target not in reached:
                reached.add(target)
                frontier.append(target)
    assert reached == set(Status.values)


# --- Every pair through the service ---------------------------------------------------


@pytest.mark.parametrize(
    ("status", "action"), ALL_PAIRS, ids=[f"{s}-{a}" for s, a in ALL_PAIRS]
)
def test_every_status_and_action(org, filer, status, action):
    application = in_status(org, filer, status)
    before = snapshot(application)
    events = StatusEvent.objects.count()
    audits = AuditEvent.objects.filter(action__startswith="application.").count()
    target = TRANSITIONS.get((status, action))
    submission = None
    if status == Status.DRAFT and action == Action.SUBMIT:
        # What application_submit passes along; the constraint requires a
        # receipt number once submitted, which it allocates before.
        now = timezone.now()
        submission = services.Submission(
            office=org.office,
            submitted_at=now,
            received_on=timezone.localdate(now),
            submitted_by=filer,
            answers={},
        )
        Application.objects.filter(pk=application.pk).update(
            receipt_number="TKY-2026-0000001"
        )
        application.companions.update(receipt_number="TKY-2026-0000002")

    if target is None:
        with pytest.raises(IllegalTransition):
            services.application_transition(
                application=application,
                action=action,
                actor=filer,
                submission=submission,
            )
        assert snapshot(application) == before
        assert StatusEvent.objects.count() == events
        assert (
            AuditEvent.objects.filter(action__startswith="application.").count()
            == audits
        )
        return

    result = services.application_transition(
        application=application,
        action=action,
        actor=filer,
        submission=submission,
        note="n",
    )
    assert result.status == target
    application.refresh_from_db()
    assert application.status == target
    assert application.version == before[1] + 1
    companion = application.companions.get()
    assert companion.status == target
    assert companion.version == application.version
    # The main application and its companion: each its own history event
    # and audit record, and its own decision and closing times.
    for row in (application, companion):
        event = StatusEvent.objects.get(application=row)
        assert (
            event.action,
            event.from_status,
            event.to_status,
            event.actor,
            event.note,
        ) == (action, status, target, filer, "n")
        audit = AuditEvent.objects.get(
            action=f"application.{action}", object_code=str(row.code)
        )
        assert audit.organization_code == org.code
        assert audit.data == {"from": status, "to": target}
    if target in (Status.GRANTED, Status.DENIED):
        assert application.decided_at is not None
        assert companion.decided_at == application.decided_at
    else:
        assert application.decided_at == before[2]
    if target in CLOSED:
        assert application.closed_at is not None
        assert companion.closed_at == application.closed_at
    else:
        assert application.closed_at is None
        assert companion.closed_at is None


def test_next_state_is_the_table():
    for status, action in ALL_PAIRS:
        if (status, action) in TRANSITIONS:
            assert (
                next_state(TRANSITIONS, status, action) == TRANSITIONS[(status, action)]
            )
        else:
            with pytest.raises(IllegalTransition):
                next_state(TRANSITIONS, status, action)


# --- Repeats and concurrent changes -----------------------------------------------------


def test_repeated_action_with_expected_status_is_a_noop(org, filer):
    application = in_status(org, filer, Status.SUBMITTED)
    first = services.application_transition(
        application=application,
        action=Action.START_EXAMINATION,
        actor=filer,
        expected_status=Status.SUBMITTED,
    )
    after_first = snapshot(application)
    again = services.application_transition(
        application=application,
        action=Action.START_EXAMINATION,
        actor=filer,
        expected_status=Status.SUBMITTED,
    )
    assert again.status == first.status == Status.EXAMINING
    assert snapshot(application) == after_first
    assert StatusEvent.objects.filter(application=application).count() == 1
    assert (
        AuditEvent.objects.filter(
            action="application.start_examination", object_code=str(application.code)
        ).count()
        == 1
    )


def test_a_status_changed_meanwhile_is_a_stale_edit(org, filer):
    """An officer's page was loaded while the case was under examination; by
    the time they recommend a decision, documents have been requested."""
    application = in_status(org, filer, Status.EXAMINING)
    services.application_transition(
        application=application,
        action=Action.REQUEST_DOCUMENTS,
        actor=filer,
        expected_status=Status.EXAMINING,
    )
    before = snapshot(application)
    events = StatusEvent.objects.count()
    with pytest.raises(StaleEdit):
        services.application_transition(
            application=application,
            action=Action.PROPOSE_DECISION,
            actor=filer,
            expected_status=Status.EXAMINING,
        )
    assert snapshot(application) == before
    assert StatusEvent.objects.count() == events


def test_a_repeat_without_expected_status_is_illegal_not_silent(org, filer):
    application = in_status(org, filer, Status.SUBMITTED)
    services.application_transition(
        application=application, action=Action.START_EXAMINATION, actor=filer
    )
    with pytest.raises(IllegalTransition):
        services.application_transition(
            application=application, action=Action.START_EXAMINATION, actor=filer
        )


def test_a_stale_object_in_memory_cannot_skip_the_table(org, filer):
    """The service reads the status under the row lock, not from the caller's
    copy: an application object loaded before a decision cannot be withdrawn."""
    application = in_status(org, filer, Status.DECISION_PROPOSED)
    stale_copy = Application.objects.get(pk=application.pk)
    services.application_transition(
        application=application, action=Action.APPROVE_GRANT, actor=filer
    )
    with pytest.raises(IllegalTransition):
        services.application_withdraw(
            application=stale_copy, actor=filer, reason="late"
        )
    application.refresh_from_db()
    assert application.status == Status.GRANTED


def test_withdrawal_requires_a_reason(org, filer):
    application = in_status(org, filer, Status.SUBMITTED)
    with pytest.raises(ValueError):
        services.application_withdraw(application=application, actor=filer, reason="  ")
    application.refresh_from_db()
    assert application.status == Status.SUBMITTED


def test_submit_twice_is_a_noop(org, filer):
    application = ApplicationFactory(organization=org, created_by=filer)
    attach_required_documents(application)
    first = services.application_submit(application=application, actor=filer)
    second = services.application_submit(application=application, actor=filer)
    assert second.receipt_number == first.receipt_number
    assert StatusEvent.objects.filter(application=application).count() == 1
    companion = application.companions.get()
    assert companion.status == Status.SUBMITTED and companion.receipt_number
