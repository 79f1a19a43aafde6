"""What a user may do to a case now — written once, asked twice.

The pages ask ``case_actions`` / ``issuance_actions`` which buttons and
forms to show; the services ask ``require_case_action`` /
``require_issuance_action`` (the same functions underneath) before they
change anything.  A button is therefore shown exactly when the service
would accept the action (``tests/review/test_rules.py`` walks the pairs).

Each rule is a *refusal*: ``None`` when the action is open, otherwise the
exception the service raises — ``PermissionDenied`` for the wrong person
(the actor is checked first), ``StaleEdit`` or a coded review error for the
wrong moment.  Services keep their own idempotency checks (a repeated
action is a no-op) and their ``expected_status`` stale-page check before
they ask the rule; input checks (amounts, dates, methods) stay in the
services and forms.

Facts are what the rule reads.  A service may pass only the facts its
action reads (e.g. no open request for a claim); a page passes them all.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from django.core.exceptions import PermissionDenied

from accounts.permissions import can_file
from applications.models import Application
from applications.selectors import user_organization_ids
from applications.workflow import CLOSED, Status
from portal.lib.errors import StaleEdit
from review import messages
from review.errors import ExaminationError, FourEyesViolation, IssuanceError
from review.issuance_rules import needs_current_card
from review.models import Assignment, Decision, DocumentRequest, Payment
from review.permissions import Role, has_role

# --- Examination -------------------------------------------------------------------------


class CaseAction(StrEnum):
    CLAIM = "claim"
    ASSIGN = "assign"
    ADD_NOTE = "add_note"
    REQUEST_DOCUMENTS = "request_documents"
    EXTEND_DUE_DATE = "extend_due_date"
    RECOMMEND = "recommend"
    # A supervisor opens the recommendation waiting for approval ...
    OPEN_DECISION = "open_decision"
    # ... and approves it or sends it back (not the recommender: four eyes).
    DECIDE = "decide"


@dataclass(frozen=True)
class CaseFacts:
    application: Application
    assignment: Assignment | None = None
    # The request for documents waiting for the organisation's answer.
    open_request: DocumentRequest | None = None
    # The recommendation waiting for approval, or the approved one.
    active_decision: Decision | None = None


def _examines(user: Any, facts: CaseFacts) -> Exception | None:
    """The actor examines this case: an examiner of its office to whom it is
    assigned."""
    if not has_role(user, Role.EXAMINER, facts.application.office_id):
        return PermissionDenied()
    if facts.assignment is None or facts.assignment.examiner_id != user.pk:
        return PermissionDenied(str(messages.CLAIM_FIRST))
    return None


def _decision_open(user: Any, facts: CaseFacts) -> Exception | None:
    if not has_role(user, Role.SUPERVISOR, facts.application.office_id):
        return PermissionDenied()
    if facts.application.status != Status.DECISION_PROPOSED:
        return StaleEdit()
    decision = facts.active_decision
    if decision is None or decision.state != Decision.State.PROPOSED:
        return ExaminationError("no_active_decision")
    return None


def case_refusal(user: Any, facts: CaseFacts, action: CaseAction) -> Exception | None:
    """Why ``user`` may not take ``action`` on the case now (None: they may)."""
    application = facts.application
    office_id = application.office_id
    status = application.status
    match action:
        case CaseAction.CLAIM:
            if not has_role(user, Role.EXAMINER, office_id):
                return PermissionDenied()
            if status in CLOSED:
                return ExaminationError("closed_case")
            if facts.assignment is not None:
                return ExaminationError(
                    "already_assigned",
                    name=facts.assignment.examiner.display_name,
                )
            return None
        case CaseAction.ASSIGN:
            if not has_role(user, Role.SUPERVISOR, office_id):
                return PermissionDenied()
            if status in CLOSED:
                return ExaminationError("closed_case")
            return None
        case CaseAction.ADD_NOTE:
            if not any(
                has_role(user, role, office_id)
                for role in (Role.EXAMINER, Role.SUPERVISOR, Role.CLERK)
            ):
                return PermissionDenied()
            return None
        case CaseAction.REQUEST_DOCUMENTS | CaseAction.RECOMMEND:
            refusal = _examines(user, facts)
            if refusal is None and status != Status.EXAMINING:
                return StaleEdit()
            return refusal
        case CaseAction.EXTEND_DUE_DATE:
            refusal = _examines(user, facts)
            if refusal is None and (
                facts.open_request is None
                or facts.open_request.state != DocumentRequest.State.OPEN
            ):
                return ExaminationError("request_not_open")
            return refusal
        case CaseAction.OPEN_DECISION:
            return _decision_open(user, facts)
        case CaseAction.DECIDE:
            refusal = _decision_open(user, facts)
            decision = facts.active_decision
            if refusal is None and decision is not None:
                return (
                    FourEyesViolation() if decision.proposed_by_id == user.pk else None
                )
            return refusal
    raise ValueError(action)  # pragma: no cover - the match is exhaustive


def case_actions(user: Any, facts: CaseFacts) -> frozenset[CaseAction]:
    """The examination actions open to ``user`` on the case now."""
    return frozenset(
        action for action in CaseAction if case_refusal(user, facts, action) is None
    )


def require_case_action(user: Any, facts: CaseFacts, action: CaseAction) -> None:
    """The services' guard: raise the refusal, if any."""
    refusal = case_refusal(user, facts, action)
    if refusal is not None:
        raise refusal


# --- Issuance ----------------------------------------------------------------------------


class IssuanceAction(StrEnum):
    # The clerk of the case's office
    ASSESS_FEE = "assess_fee"
    RECORD_STAMPS = "record_stamps"
    RECORD_CARD = "record_card"
    ISSUE = "issue"
    DISPATCH = "dispatch"
    # The fee may be paid (stamps or the electronic provider): anyone who sees
    # the case; the provider's callback applies it.
    PAY = "pay"
    # The organisation's filing users
    DECLARE = "declare"
    RECORD_HANDOVER = "record_handover"


CLERK_ACTIONS = frozenset(
    {
        IssuanceAction.ASSESS_FEE,
        IssuanceAction.RECORD_STAMPS,
        IssuanceAction.RECORD_CARD,
        IssuanceAction.ISSUE,
        IssuanceAction.DISPATCH,
    }
)
FILER_ACTIONS = frozenset({IssuanceAction.DECLARE, IssuanceAction.RECORD_HANDOVER})


@dataclass(frozen=True)
class IssuanceFacts:
    application: Application
    payment: Payment | None = None
    # The approved decision (grant or denial), if any.
    decision: Decision | None = None


def _stale(code: str, application: Application) -> IssuanceError:
    """A refusal because the case is not at this step (the page was out of
    date); the message names the current status."""
    return IssuanceError(code, status=Status(application.status).label)


def issuance_state_refusal(
    facts: IssuanceFacts, action: IssuanceAction
) -> IssuanceError | None:
    """Why ``action`` is not possible at this moment of the case, whoever
    asks (None: it is).  The system's own steps (the fee assessed on
    approval, the provider's callback) ask only this."""
    application = facts.application
    status = application.status
    payment = facts.payment
    match action:
        case IssuanceAction.ASSESS_FEE:
            if status != Status.GRANTED:
                return _stale("not_granted", application)
            if payment is not None:
                return _stale("fee_assessed", application)
            return None
        case IssuanceAction.PAY | IssuanceAction.RECORD_STAMPS:
            if payment is None:
                return IssuanceError("fee_not_assessed")
            if payment.state == Payment.State.PAID:
                return IssuanceError("already_paid")
            if status != Status.GRANTED:
                return IssuanceError("not_awaiting_payment")
            return None
        case IssuanceAction.RECORD_CARD:
            if not needs_current_card(application):
                return IssuanceError("no_card_needed")
            if status not in (Status.GRANTED, Status.FEE_PAID):
                return _stale("not_issuable", application)
            if payment is None:
                return IssuanceError("fee_not_assessed")
            if payment.card_received_at is not None:
                return _stale("card_received", application)
            return None
        case IssuanceAction.ISSUE:
            if status != Status.FEE_PAID:
                return _stale("not_issuable", application)
            decision = facts.decision
            if decision is None or decision.outcome != Decision.Outcome.GRANT:
                return IssuanceError("no_grant")
            if payment is None:
                return IssuanceError("fee_not_assessed")
            if needs_current_card(application) and payment.card_received_at is None:
                return IssuanceError("card_not_received")
            return None
        case IssuanceAction.DISPATCH:
            if status != Status.ISSUED:
                return _stale("not_dispatchable", application)
            return None
        case IssuanceAction.DECLARE:
            if status not in (Status.GRANTED, Status.FEE_PAID):
                return IssuanceError("declaration_closed")
            if payment is None:
                return IssuanceError("fee_not_assessed")
            if payment.card_received_at is not None:
                return IssuanceError("declaration_closed")
            return None
        case IssuanceAction.RECORD_HANDOVER:
            if status != Status.DISPATCHED:
                return _stale("not_dispatched", application)
            return None
    raise ValueError(action)  # pragma: no cover - the match is exhaustive


def _may_file_for(user: Any, application: Application) -> bool:
    # can_file first: it costs no query, and officers stop there.
    return can_file(user) and application.organization_id in user_organization_ids(
        user=user
    )


def require_issuance_actor(
    user: Any, application: Application, action: IssuanceAction
) -> None:
    """The actor part of the rule alone (PermissionDenied): a service asks it
    before treating a repeated action as a no-op."""
    if action in CLERK_ACTIONS and not has_role(
        user, Role.CLERK, application.office_id
    ):
        raise PermissionDenied
    if action in FILER_ACTIONS and not _may_file_for(user, application):
        raise PermissionDenied


def issuance_refusal(
    user: Any, facts: IssuanceFacts, action: IssuanceAction
) -> Exception | None:
    """Why ``user`` may not take ``action`` now (None: they may): first the
    actor (a clerk of the case's office, or a user who may file for the
    case's organisation), then the moment."""
    try:
        require_issuance_actor(user, facts.application, action)
    except PermissionDenied as refusal:
        return refusal
    return issuance_state_refusal(facts, action)


def issuance_actions(user: Any, facts: IssuanceFacts) -> frozenset[IssuanceAction]:
    """The issuance actions open to ``user`` on the case now."""
    return frozenset(
        action
        for action in IssuanceAction
        if issuance_refusal(user, facts, action) is None
    )


def require_issuance_action(
    user: Any, facts: IssuanceFacts, action: IssuanceAction
) -> None:
    """The services' guard: raise the refusal, if any."""
    refusal = issuance_refusal(user, facts, action)
    if refusal is not None:
        raise refusal
