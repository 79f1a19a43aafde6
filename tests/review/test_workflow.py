"""The review sub-state tables (``review.workflow``): every pair walked,
and every row keyed by an application action whose transition exists."""

from __future__ import annotations

import pytest

from applications.workflow import TRANSITIONS, Action
from portal.lib.errors import IllegalTransition, next_state
from review.models import Decision, DocumentRequest, Payment
from review.workflow import (
    DECISION_TRANSITIONS,
    DOCUMENT_REQUEST_TRANSITIONS,
    PAYMENT_TRANSITIONS,
)

TABLES = [
    (DocumentRequest.State, DOCUMENT_REQUEST_TRANSITIONS),
    (Decision.State, DECISION_TRANSITIONS),
    (Payment.State, PAYMENT_TRANSITIONS),
]


@pytest.mark.parametrize(
    ("states", "table"), TABLES, ids=["document_request", "decision", "payment"]
)
def test_every_pair(states, table):
    for state in states.values:
        for action in Action.values:
            if (state, action) in table:
                assert next_state(table, state, action) == table[(state, action)]
            else:
                with pytest.raises(IllegalTransition):
                    next_state(table, state, action)


@pytest.mark.parametrize(
    ("states", "table"), TABLES, ids=["document_request", "decision", "payment"]
)
def test_each_row_moves_with_an_application_transition(states, table):
    application_actions = {action for (_status, action) in TRANSITIONS}
    for state, action in table:
        assert state in states.values
        assert action in application_actions
        assert table[(state, action)] in states.values


def test_the_documented_moves():
    assert DOCUMENT_REQUEST_TRANSITIONS == {("open", "respond_documents"): "answered"}
    assert DECISION_TRANSITIONS == {
        ("proposed", "approve_grant"): "approved",
        ("proposed", "approve_denial"): "approved",
        ("proposed", "send_back"): "sent_back",
    }
    assert PAYMENT_TRANSITIONS == {("pending", "confirm_fee"): "paid"}
