"""The lifecycle of an application: statuses, actions and the one table of
allowed transitions (read by ``portal.lib.errors.next_state``, which raises
``IllegalTransition``).  ``applications.services.application_transition`` is
the only code that applies it, to a main application and its companions;
``review`` calls that service, never assigns a status.

The words for each status come from ``applications.glossary`` (one
vocabulary for applicant pages, office pages and emails).  What the filing
user filters by is coarser than the internal status (``PUBLIC_STAGE``); the
user's timeline is ``applications.presenters.timeline``.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from applications import glossary


class Status(models.TextChoices):
    DRAFT = "draft", glossary.DRAFT
    SUBMITTED = "submitted", glossary.RECEIVED
    EXAMINING = "examining", glossary.EXAMINING
    AWAITING_DOCUMENTS = "awaiting_documents", glossary.DOCUMENTS_REQUESTED
    DECISION_PROPOSED = "decision_proposed", glossary.DECISION_PROPOSED
    GRANTED = "granted", glossary.GRANTED
    FEE_PAID = "fee_paid", glossary.FEE_PAID
    ISSUED = "issued", glossary.ISSUED
    DISPATCHED = "dispatched", glossary.DISPATCHED
    COMPLETED = "completed", glossary.COMPLETED
    DENIED = "denied", glossary.DENIED
    WITHDRAWN = "withdrawn", glossary.WITHDRAWN


class Action(models.TextChoices):
    SUBMIT = "submit", _("Submit")
    START_EXAMINATION = "start_examination", _("Start examination")
    REQUEST_DOCUMENTS = "request_documents", _("Request additional documents")
    RESPOND_DOCUMENTS = "respond_documents", _("Send the requested documents")
    PROPOSE_DECISION = "propose_decision", _("Recommend a decision")
    SEND_BACK = "send_back", _("Send the recommendation back")
    APPROVE_GRANT = "approve_grant", _("Approve the grant")
    APPROVE_DENIAL = "approve_denial", _("Approve the denial")
    CONFIRM_FEE = "confirm_fee", _("Confirm the fee")
    ISSUE = "issue", _("Issue")
    DISPATCH = "dispatch", _("Dispatch")
    RECORD_HANDOVER = "record_handover", _("Record the handover")
    WITHDRAW = "withdraw", _("Withdraw")


S, A = Status, Action

TRANSITIONS: dict[tuple[str, str], str] = {
    (S.DRAFT, A.SUBMIT): S.SUBMITTED,
    (S.SUBMITTED, A.START_EXAMINATION): S.EXAMINING,
    (S.SUBMITTED, A.WITHDRAW): S.WITHDRAWN,
    (S.EXAMINING, A.REQUEST_DOCUMENTS): S.AWAITING_DOCUMENTS,
    (S.EXAMINING, A.PROPOSE_DECISION): S.DECISION_PROPOSED,
    (S.EXAMINING, A.WITHDRAW): S.WITHDRAWN,
    (S.AWAITING_DOCUMENTS, A.RESPOND_DOCUMENTS): S.EXAMINING,
    (S.AWAITING_DOCUMENTS, A.WITHDRAW): S.WITHDRAWN,
    (S.DECISION_PROPOSED, A.SEND_BACK): S.EXAMINING,
    (S.DECISION_PROPOSED, A.APPROVE_GRANT): S.GRANTED,
    (S.DECISION_PROPOSED, A.APPROVE_DENIAL): S.DENIED,
    (S.DECISION_PROPOSED, A.WITHDRAW): S.WITHDRAWN,
    (S.GRANTED, A.CONFIRM_FEE): S.FEE_PAID,
    (S.FEE_PAID, A.ISSUE): S.ISSUED,
    (S.ISSUED, A.DISPATCH): S.DISPATCHED,
    (S.DISPATCHED, A.RECORD_HANDOVER): S.COMPLETED,
}

# Statuses before a decision: the user may still withdraw.
BEFORE_DECISION = {S.SUBMITTED, S.EXAMINING, S.AWAITING_DOCUMENTS, S.DECISION_PROPOSED}
CLOSED = {S.COMPLETED, S.DENIED, S.WITHDRAWN}


class Stage(models.TextChoices):
    """The states the user's case list filters and counts by (glossary
    words; the timeline has its own, finer steps)."""

    RECEIVED = "received", glossary.RECEIVED  # 受付済み
    EXAMINATION = "examination", glossary.EXAMINING  # 審査中
    DOCUMENTS = "documents", glossary.DOCUMENTS_REQUESTED  # 資料提出待ち
    ISSUANCE = "issuance", glossary.AFTER_GRANT  # 許可（手数料納付・交付）
    DONE = "done", glossary.COMPLETED  # 完了


PUBLIC_STAGE: dict[str, str] = {
    S.SUBMITTED: Stage.RECEIVED,
    S.EXAMINING: Stage.EXAMINATION,
    S.DECISION_PROPOSED: Stage.EXAMINATION,  # internal review is not shown
    S.AWAITING_DOCUMENTS: Stage.DOCUMENTS,
    S.GRANTED: Stage.ISSUANCE,
    S.FEE_PAID: Stage.ISSUANCE,
    S.ISSUED: Stage.ISSUANCE,
    S.DISPATCHED: Stage.ISSUANCE,
    S.COMPLETED: Stage.DONE,
    S.DENIED: Stage.DONE,
    S.WITHDRAWN: Stage.DONE,
}

# What the user's case pages show a case as: its public stage, except that a
# withdrawn or denied case says so (PUBLIC_STAGE files both under "done").
STATE_WITHDRAWN = "withdrawn"
STATE_DENIED = "denied"

# The statuses behind each state a user can filter the case list by.
STATE_STATUSES: dict[str, set[str]] = {
    stage: {s for s, st in PUBLIC_STAGE.items() if st == stage}
    for stage in Stage.values
}
STATE_STATUSES[Stage.DONE] = {S.COMPLETED}
STATE_STATUSES[STATE_WITHDRAWN] = {S.WITHDRAWN}
STATE_STATUSES[STATE_DENIED] = {S.DENIED}

STATE_COLOURS: dict[str, str] = {
    Stage.RECEIVED: "blue",
    Stage.EXAMINATION: "blue",
    Stage.DOCUMENTS: "orange",
    Stage.ISSUANCE: "yellow",
    Stage.DONE: "green",
    STATE_WITHDRAWN: "grey",
    STATE_DENIED: "red",
}


# --- Status groupings and colours of the office side -------------------------------------

# The statuses a case is "open" in: what the office queue shows by default and
# what its counts cover (closed cases only grow; counting them on every page
# would not).
OPEN_STATUSES: tuple[str, ...] = tuple(
    s for s in Status.values if s != Status.DRAFT and s not in CLOSED
)
# After a grant: the fee, issuance, dispatch and handover steps.
AFTER_GRANT: tuple[str, ...] = (
    Status.GRANTED,
    Status.FEE_PAID,
    Status.ISSUED,
    Status.DISPATCHED,
    Status.COMPLETED,
)
# After the decision (a grant or a denial): the decision notice exists.
AFTER_DECISION: tuple[str, ...] = (*AFTER_GRANT, Status.DENIED)
# The tag colour of each status on the office's pages.
STATUS_COLOURS: dict[str, str] = {
    Status.SUBMITTED: "blue",
    Status.EXAMINING: "blue",
    Status.AWAITING_DOCUMENTS: "yellow",
    Status.DECISION_PROPOSED: "orange",
    Status.GRANTED: "green",
    Status.FEE_PAID: "green",
    Status.ISSUED: "green",
    Status.DISPATCHED: "green",
    Status.COMPLETED: "grey",
    Status.DENIED: "red",
    Status.WITHDRAWN: "grey",
}
