"""One rule, two callers: for every review action, across the case's states
and the people who might act, the page shows the button exactly when the
service accepts the action.

The page side is the real page context (the officer case page through the
client; the issuance panel from its presenter); the service side calls the
service in a savepoint that is rolled back.  "Accepts" means the service
raised nothing and wrote an audit record: a repeated action (a second click)
is a silent no-op by design and does not count."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

import pytest

from applications.workflow import Status
from portal.audit.models import AuditEvent
from portal.lib.errors import DomainError
from review.models import Assignment, Decision
from review.presenters import issuance_panel_context
from review.services import examination, issuance, payments
from tests.factories import OrganizationFactory, officer, staff
from tests.review.exam_helpers import Role, claimed, new_case, open_request, proposal
from tests.review.issuance_helpers import clerk, decided, walk_to

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.usefixtures("reference_data", "private_media"),
]


class _Rollback(Exception):
    pass


def accepted(call: Callable[[], Any]) -> bool:
    """Run ``call`` in a savepoint that is always rolled back; True when it
    raised nothing and wrote at least one audit record."""
    try:
        with transaction.atomic():
            before = AuditEvent.objects.count()
            call()
            wrote = AuditEvent.objects.count() > before
            raise _Rollback(wrote)
    except _Rollback as done:
        return bool(done.args[0])
    except (PermissionDenied, DomainError):  # StaleEdit, IllegalTransition too
        return False


# --- Examination: the officer case page ---------------------------------------------------


def _case_page_flags(client: Any, user: Any, application: Any) -> dict[str, bool]:
    client.force_login(user)
    response = client.get(reverse("review:case", args=[application.code]))
    assert response.status_code == 200
    context = response.context
    return {
        "claim": context["can_claim"],
        "assign": context["can_assign"],
        "request_documents": context["can_request_documents"],
        "extend_due_date": context["can_extend"],
        "recommend": context["can_recommend"],
        # The link opens the approval page; the recommender may look but not
        # decide (four eyes), and the page says so.
        "decide": context["can_review_decision"] and not context["is_recommender"],
    }


def _extend(request: Any, user: Any) -> Any:
    if request is None:
        raise DomainError("no_open_request")
    return examination.document_request_extend(
        document_request=request,
        actor=user,
        due_date=request.due_date + timedelta(days=7),
        reason="More time.",
    )


def _case_services(
    application: Any, user: Any, examiner: Any
) -> dict[str, Callable[[], Any]]:
    application.refresh_from_db()
    status = application.status
    request = application.document_requests.filter(state="open").first()
    return {
        "claim": lambda: examination.case_claim(application=application, actor=user),
        "assign": lambda: examination.case_assign(
            application=application, actor=user, examiner=examiner
        ),
        "request_documents": lambda: examination.document_request_create(
            application=application,
            actor=user,
            items=[examination.RequestedItem("Tax certificate")],
            due_date=timezone.localdate() + timedelta(days=10),
            expected_status=status,
        ),
        "extend_due_date": lambda: _extend(request, user),
        "recommend": lambda: examination.decision_propose(
            application=application,
            actor=user,
            recommendation=examination.Recommendation(
                outcome=Decision.Outcome.DENY, denial_reasons="Not credible."
            ),
            expected_status=status,
        ),
        "decide": lambda: examination.decision_approve(
            application=application, actor=user, expected_status=status
        ),
    }


@pytest.fixture
def officers() -> dict[str, Any]:
    return {
        "holder": officer(Role.EXAMINER),
        "other_examiner": officer(Role.EXAMINER),
        "supervisor": officer(Role.SUPERVISOR),
        "clerk": officer(Role.CLERK),
        # Examines and supervises: recommends, then may not approve.
        "examiner_supervisor": officer(Role.EXAMINER, Role.SUPERVISOR),
    }


def _case_in(state: str, officers: dict[str, Any]) -> Any:
    org = OrganizationFactory()
    user = staff(org)
    application = new_case(org, user)
    if state == "submitted":
        return application
    holder = officers[
        "examiner_supervisor" if state == "proposed_by_both" else "holder"
    ]
    application = claimed(application, holder)
    if state == "examining":
        return application
    if state == "awaiting_documents":
        open_request(application, holder)
        return application
    proposal(application, holder)
    if state in ("decision_proposed", "proposed_by_both"):
        return application
    examination.decision_approve(application=application, actor=officers["supervisor"])
    return application  # granted


@pytest.mark.parametrize(
    "state",
    [
        "submitted",
        "examining",
        "awaiting_documents",
        "decision_proposed",
        "proposed_by_both",
        "granted",
    ],
)
def test_case_page_buttons_match_the_examination_services(client, officers, state):
    application = _case_in(state, officers)
    mismatches = []
    for persona, user in officers.items():
        flags = _case_page_flags(client, user, application)
        services = _case_services(application, user, officers["other_examiner"])
        holds = Assignment.objects.filter(
            application=application, examiner=user
        ).exists()
        for action, call in services.items():
            if action == "claim" and holds:
                continue  # claiming one's own case again is a no-op by design
            if flags[action] != accepted(call):
                mismatches.append((persona, action, flags[action]))
    assert not mismatches, mismatches


# --- Issuance: the panel of the case page and the organisation's fee page ------------------


def _issuance_services(application: Any, user: Any) -> dict[str, Callable[[], Any]]:
    application.refresh_from_db()
    payment = getattr(application, "payment", None)
    return {
        "can_assess": lambda: payments.fee_assess(application=application, actor=user),
        "can_record_stamps": lambda: payments.payment_record_stamps(
            application=application,
            actor=user,
            amount=payment.amount_due if payment else 0,
        ),
        "can_record_card": lambda: issuance.card_receipt_record(
            application=application, actor=user
        ),
        "can_issue": lambda: issuance.application_issue(
            application=application, actor=user
        ),
        "can_dispatch": lambda: issuance.application_dispatch(
            application=application,
            actor=user,
            method="registered_mail",
            tracking_number="1234-5678-9012",
        ),
        "can_declare": lambda: payments.payment_declare(
            application=application,
            actor=user,
            return_method="registered_mail",
            current_card_sent=True,
        ),
        "can_record_handover": lambda: issuance.application_record_handover(
            application=application, actor=user
        ),
    }


@pytest.mark.parametrize(
    "state",
    [
        "not_assessed",
        Status.GRANTED,
        "card_received",
        Status.FEE_PAID,
        Status.ISSUED,
        Status.DISPATCHED,
        Status.COMPLETED,
        Status.DENIED,
    ],
)
def test_issuance_panel_buttons_match_the_issuance_services(state):
    org = OrganizationFactory()
    user = staff(org, language="en")
    the_clerk = clerk()
    people = {
        "clerk": the_clerk,
        "examiner": officer(Role.EXAMINER),
        "filer": user,
        "colleague": staff(org),
        "stranger": staff(OrganizationFactory()),
    }
    if state == Status.DENIED:
        application = decided(org, user, outcome=Decision.Outcome.DENY)
    elif state == "not_assessed":
        application = decided(org, user, follow_up=False)
    else:
        application = decided(org, user)
        target = Status.GRANTED if state == "card_received" else state
        application = walk_to(application, target, actor=the_clerk, user=user)
        if state == "card_received":
            issuance.card_receipt_record(application=application, actor=the_clerk)
    mismatches = []
    for persona, person in people.items():
        application.refresh_from_db()
        panel = issuance_panel_context(application=application, user=person)
        for flag, call in _issuance_services(application, person).items():
            if panel[flag] != accepted(call):
                mismatches.append((persona, flag, panel[flag]))
    assert not mismatches, mismatches
