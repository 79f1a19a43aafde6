"""Two officers acting on the same case at the same moment, on PostgreSQL with
two real database connections (one per thread): exactly one succeeds and the
other is told the case changed (QUALITY.md item 18)."""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from django.db import connection
from django.utils import timezone

import pytest

from applications.workflow import Status
from portal.lib.errors import StaleEdit
from review.models import Assignment, Decision, DocumentRequest
from review.services import examination as services
from tests.factories import OrganizationFactory, officer, staff
from tests.review.exam_helpers import Role, claimed, new_case, open_request, proposal

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("reference_data", "private_media"),
]


def race(*actions: Callable[[], Any]) -> list[Any]:
    """Run the actions in threads released together; each thread has its own
    database connection, closed at the end.  Returns each action's result or
    the exception it raised."""
    if connection.vendor != "postgresql":
        pytest.skip("concurrency is tested on PostgreSQL")
    barrier = threading.Barrier(len(actions))
    results: list[Any] = [None] * len(actions)

    def run(index: int, action: Callable[[], Any]) -> None:
        from django.db import connection as thread_connection

        try:
            barrier.wait(timeout=10)
            results[index] = action()
        except Exception as exc:  # the loser's StaleEdit, or a real failure
            results[index] = exc
        finally:
            thread_connection.close()

    threads = [threading.Thread(target=run, args=(i, a)) for i, a in enumerate(actions)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert not any(thread.is_alive() for thread in threads), "a thread hung (deadlock?)"
    return results


@pytest.fixture
def proposed_case() -> tuple[Any, Any, Any, Any]:
    org = OrganizationFactory()
    user = staff(org)
    examiner = officer(Role.EXAMINER)
    first, second = officer(Role.SUPERVISOR), officer(Role.SUPERVISOR)
    application = claimed(new_case(org, user), examiner)
    proposal(application, examiner)
    return application, examiner, first, second


def _approve(application: Any, supervisor: Any) -> Callable[[], Any]:
    return lambda: services.decision_approve(
        application=application,
        actor=supervisor,
        expected_status=Status.DECISION_PROPOSED,
    )


def _send_back(application: Any, supervisor: Any) -> Callable[[], Any]:
    return lambda: services.decision_send_back(
        application=application,
        actor=supervisor,
        comment="Check the contract again.",
        expected_status=Status.DECISION_PROPOSED,
    )


@pytest.mark.parametrize(
    "moves",
    [("approve", "approve"), ("approve", "send_back"), ("send_back", "send_back")],
)
def test_two_supervisors_at_once_exactly_one_wins(proposed_case, moves):
    application, _examiner, first, second = proposed_case
    make = {"approve": _approve, "send_back": _send_back}
    results = race(
        make[moves[0]](application, first), make[moves[1]](application, second)
    )
    winners = [r for r in results if isinstance(r, Decision)]
    losers = [r for r in results if isinstance(r, Exception)]
    assert len(winners) == 1 and len(losers) == 1, results
    assert isinstance(losers[0], StaleEdit), repr(losers[0])
    application.refresh_from_db()
    decision = Decision.objects.get(pk=winners[0].pk)
    winner = first if results[0] is winners[0] else second
    if decision.state == Decision.State.APPROVED:
        assert application.status == Status.GRANTED
        assert decision.approved_by == winner
    else:
        assert application.status == Status.EXAMINING
    # One transition only.
    assert (
        application.events.filter(action__in=["approve_grant", "send_back"]).count()
        == 1
    )


def test_two_examiners_claiming_at_once_one_gets_the_case():
    org = OrganizationFactory()
    application = new_case(org, staff(org))
    first, second = officer(Role.EXAMINER), officer(Role.EXAMINER)
    results = race(
        lambda: services.case_claim(application=application, actor=first),
        lambda: services.case_claim(application=application, actor=second),
    )
    winners = [r for r in results if isinstance(r, Assignment)]
    losers = [r for r in results if isinstance(r, Exception)]
    assert len(winners) == 1 and len(losers) == 1, results
    assert isinstance(losers[0], services.ExaminationError)
    assert Assignment.objects.filter(application=application).count() == 1
    application.refresh_from_db()
    assert application.status == Status.EXAMINING
    assert application.events.filter(action="start_examination").count() == 1


def test_recommendation_and_request_for_documents_at_once():
    """The examiner recommends in one tab and requests documents in another:
    whichever commits first wins, the other is told."""
    org = OrganizationFactory()
    examiner = officer(Role.EXAMINER)
    application = claimed(new_case(org, staff(org)), examiner)
    results = race(
        lambda: services.document_request_create(
            application=application,
            actor=examiner,
            items=[services.RequestedItem("Contract")],
            due_date=timezone.localdate() + timedelta(days=10),
            expected_status=Status.EXAMINING,
        ),
        lambda: services.decision_propose(
            application=application,
            actor=examiner,
            expected_status=Status.EXAMINING,
            recommendation=services.Recommendation(
                outcome="deny", denial_reasons="No."
            ),
        ),
    )
    losers = [r for r in results if isinstance(r, Exception)]
    assert len(losers) == 1 and isinstance(losers[0], StaleEdit), results
    application.refresh_from_db()
    assert application.status in (Status.AWAITING_DOCUMENTS, Status.DECISION_PROPOSED)


@pytest.mark.parametrize("rounds", range(3))
def test_extend_and_answer_at_once_neither_deadlocks(rounds):
    """The examiner gives more time while the organisation sends its answer.
    Both services lock the application row first, then the request, so one
    waits for the other instead of a deadlock: the answer always goes
    through, and the extension either lands before it or is refused because
    the request was answered."""
    org = OrganizationFactory()
    user = staff(org)
    examiner = officer(Role.EXAMINER)
    application = claimed(new_case(org, user), examiner)
    document_request = open_request(application, examiner)
    new_due = document_request.due_date + timedelta(days=7)
    results = race(
        lambda: services.document_request_extend(
            document_request=document_request,
            actor=examiner,
            due_date=new_due,
            reason="The tax office is slow this month.",
        ),
        lambda: services.document_request_answer(
            document_request=document_request, actor=user
        ),
    )
    extended, answered = results
    assert isinstance(answered, DocumentRequest), repr(answered)
    document_request.refresh_from_db()
    application.refresh_from_db()
    assert document_request.state == DocumentRequest.State.ANSWERED
    assert application.status == Status.EXAMINING
    if isinstance(extended, DocumentRequest):
        assert document_request.due_date == new_due
    else:
        assert isinstance(extended, services.ExaminationError), repr(extended)
        assert extended.code == "request_not_open"
        assert document_request.due_date == new_due - timedelta(days=7)
