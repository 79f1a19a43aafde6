"""The review sub-states, as small tables read by
``portal.lib.errors.next_state``.

A sub-state never moves on its own: each row is keyed by the application
action (``applications.workflow.Action``) whose transition moves it, in the
same transaction as ``application_transition``.  The database guards the
results too (``docreq_one_open``, ``decision_one_active``,
``decision_four_eyes``, ``payment_paid_matches_due``).  A test walks every
pair (``tests/review/test_workflow.py``).

Rows created in their end state are not transitions: a fee of 0 is assessed
as PAID at once (CONFIRM_FEE follows in the same transaction).
"""

from __future__ import annotations

from applications.workflow import Action
from review.models import Decision, DocumentRequest, Payment

DocumentRequestState = DocumentRequest.State
DecisionState = Decision.State
PaymentState = Payment.State

# A request for documents is answered when the organisation's answer moves the
# case back to examination.
DOCUMENT_REQUEST_TRANSITIONS: dict[tuple[str, str], str] = {
    (
        DocumentRequestState.OPEN,
        Action.RESPOND_DOCUMENTS,
    ): DocumentRequestState.ANSWERED,
}

# A recommendation is approved with the grant or the denial, or sent back with
# the case.
DECISION_TRANSITIONS: dict[tuple[str, str], str] = {
    (DecisionState.PROPOSED, Action.APPROVE_GRANT): DecisionState.APPROVED,
    (DecisionState.PROPOSED, Action.APPROVE_DENIAL): DecisionState.APPROVED,
    (DecisionState.PROPOSED, Action.SEND_BACK): DecisionState.SENT_BACK,
}

# A payment is paid when the fee is confirmed (stamps or the provider).
PAYMENT_TRANSITIONS: dict[tuple[str, str], str] = {
    (PaymentState.PENDING, Action.CONFIRM_FEE): PaymentState.PAID,
}
