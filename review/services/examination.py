"""Examination: claim and assignment, internal notes and the four-eyes
decision.  Requests for documents are in ``review.services.document_requests``
(re-exported here: the views and tests take them from this module).

Every status change goes through ``applications.services.application_transition``
(one transition, its history event, its audit record and the notifications
to the filing user and the organisation, in one transaction).  Steps of the
internal review (a recommendation, a send-back) are not shown to the
organisation — its timeline says "under examination" throughout — so they
notify the officers concerned instead.

Who may do what, when, is asked of ``review.rules`` (the same rule the
case page uses to show the button): each service calls
``require_case_action`` on the locked case.

Concurrency: every step that acts on a case locks the application row first
(``applications.services.lock_case``), before any row that hangs off it (a
request for documents, a decision), and compares its status with the
``expected_status`` the officer's page was showing; a mismatch raises
``StaleEdit`` ("changed by someone else").  Two officers acting at once are
thereby serialised and exactly one of them succeeds.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any, cast

from django.db import transaction
from django.utils import timezone

from accounts.models import OfficerRole, User
from applications.eligibility import OTHER_ACTIVITY, REENTRY
from applications.events import CaseEvent, emit
from applications.models import Application, StatusOfResidence
from applications.services import application_transition, lock_case
from applications.workflow import Action, Status
from portal.audit.events import AuditAction
from portal.audit.services import audit_record
from portal.lib.errors import StaleEdit, next_state
from portal.notifications.kinds import NotificationKind
from review.errors import ExaminationError, FourEyesViolation
from review.models import Assignment, Decision, InternalNote
from review.rules import CaseAction, CaseFacts, require_case_action
from review.selectors import assignment_for_update
from review.services.common import (
    expect_status,
    notify_officers,
    office_users,
    require_case,
)
from review.services.document_requests import (
    DEFAULT_DUE_DAYS,
    MAX_DUE_DAYS,
    RESPONSE_PURPOSE,
    RequestedItem,
    document_request_answer,
    document_request_attach,
    document_request_create,
    document_request_extend,
    document_request_file_remove,
    document_request_send_reminders,
)
from review.services.issuance import decision_approved_follow_up
from review.workflow import DECISION_TRANSITIONS

Role = OfficerRole.Role

# Re-exported: the views and tests take them from here.
__all__ = [
    "DEFAULT_DUE_DAYS",
    "MAX_DUE_DAYS",
    "RESPONSE_PURPOSE",
    "ExaminationError",
    "FourEyesViolation",
    "RequestedItem",
    "StaleEdit",
    "document_request_answer",
    "document_request_attach",
    "document_request_create",
    "document_request_extend",
    "document_request_file_remove",
    "document_request_send_reminders",
]


# --- Claim and assignment -------------------------------------------------------------------


def _start_if_new(locked: Application, actor: Any) -> Application:
    if locked.status == Status.SUBMITTED:
        return application_transition(
            application=locked,
            action=Action.START_EXAMINATION,
            actor=actor,
            expected_status=Status.SUBMITTED,
            notify_kind=NotificationKind.EXAMINATION_STARTED,
        )
    return locked


def case_claim(*, application: Application, actor: User) -> Assignment:
    """An examiner of the case's office takes the case.  A case that was only
    received starts examination (the organisation is told).  Claiming a case
    one already holds is a no-op; a case assigned to someone else raises
    ExaminationError (a supervisor reassigns).  PermissionDenied for
    non-examiners."""
    with transaction.atomic():
        locked = lock_case(application)
        current = assignment_for_update(application=locked)
        mine = current is not None and current.examiner_id == actor.pk
        # The examiner who holds the case claiming it again (a second click)
        # is asked the rule as if it were free, and then nothing changes.
        require_case_action(
            actor,
            CaseFacts(application=locked, assignment=None if mine else current),
            CaseAction.CLAIM,
        )
        if current is not None:
            _start_if_new(locked, actor)
            return current
        assignment = Assignment.objects.create(
            application=locked, examiner=actor, assigned_by=actor
        )
        audit_record(
            actor=actor,
            action=AuditAction.CASE_CLAIM,
            obj=locked,
            organization_code=locked.organization.code,
        )
        _start_if_new(locked, actor)
    return assignment


def case_assign(*, application: Application, actor: User, examiner: User) -> Assignment:
    """A supervisor of the case's office assigns (or reassigns) it to an
    examiner of that office, who is notified.  A case that was only received
    starts examination.  PermissionDenied for non-supervisors;
    ExaminationError when ``examiner`` does not examine at the office or the
    case is closed."""
    with transaction.atomic():
        locked = lock_case(application)
        current = assignment_for_update(application=locked)
        require_case_action(
            actor, CaseFacts(application=locked, assignment=current), CaseAction.ASSIGN
        )
        if not OfficerRole.objects.filter(
            user=examiner,
            office_id=cast(int, locked.office_id),
            role=Role.EXAMINER,
            user__is_active=True,
        ).exists():
            raise ExaminationError("not_an_examiner", name=examiner.display_name)
        if current is not None and current.examiner_id == examiner.pk:
            return current
        if current is None:
            assignment = Assignment.objects.create(
                application=locked, examiner=examiner, assigned_by=actor
            )
        else:
            current.examiner = examiner
            current.assigned_by = actor
            current.save(update_fields=["examiner", "assigned_by", "assigned_at"])
            assignment = current
        audit_record(
            actor=actor,
            action=AuditAction.CASE_ASSIGN,
            obj=locked,
            organization_code=locked.organization.code,
            data={"reassigned": current is not None},
        )
        _start_if_new(locked, actor)
        if examiner.pk != actor.pk:
            notify_officers(locked, [examiner], NotificationKind.CASE_ASSIGNED, {})
    return assignment


# --- Internal notes ------------------------------------------------------------------------


def internal_note_add(
    *, application: Application, actor: User, text: str
) -> InternalNote:
    """Add an officer's note to the case (any case role of its office).  Notes
    are never shown to the organisation's users."""
    require_case_action(actor, CaseFacts(application=application), CaseAction.ADD_NOTE)
    text = text.strip()
    if not text:
        raise ExaminationError("note_required")
    with transaction.atomic():
        note = InternalNote.objects.create(
            application=application, author=actor, text=text
        )
        audit_record(
            actor=actor,
            action=AuditAction.CASE_NOTE_ADD,
            obj=application,
            organization_code=application.organization.code,
        )
    return note


# --- The decision (four eyes) ---------------------------------------------------------------


def grant_status(application: Application) -> StatusOfResidence | None:
    """The status a grant gives: the one applied for, else (extension,
    authorized employment) the person's current one."""
    return application.target_status or application.foreign_national.current_status


# A certificate of eligibility names the status and the activity; the period
# of stay is decided when the person lands, so its grant gives none.
PERIODLESS_TYPES = frozenset({"coe"})


def grants_period(application: Application) -> bool:
    """Whether a grant of this application decides a period of stay."""
    return application.application_type.code not in PERIODLESS_TYPES


def allowed_periods(application: Application) -> list[str]:
    """The periods of stay a grant may give (the status's catalogue, or the
    sub-category's own list).  For a certificate of authorized employment,
    which gives no new period, the person's current period."""
    if application.application_type.code == "authorized_employment":
        current = application.foreign_national.current_period
        return [current] if current else []
    status = grant_status(application)
    if status is None:
        return []
    sub = application.target_subcategory or (
        application.foreign_national.current_subcategory
        if application.target_status is None
        else None
    )
    if sub is not None and sub.status_id == status.pk:
        return sub.effective_periods
    return list(status.periods)


def companion_codes(application: Application) -> set[str]:
    return set(application.companions.values_list("application_type__code", flat=True))


@dataclass(frozen=True)
class Recommendation:
    outcome: str
    period: str = ""
    reentry_until: date | None = None
    activity_terms: str = ""
    denial_reasons: str = ""


def _check_recommendation(
    application: Application, rec: Recommendation
) -> Recommendation:
    if rec.outcome == Decision.Outcome.DENY:
        reasons = rec.denial_reasons.strip()
        if not reasons:
            raise ExaminationError("denial_reasons_required")
        return Recommendation(outcome=rec.outcome, denial_reasons=reasons)
    if rec.outcome != Decision.Outcome.GRANT:
        raise ExaminationError("outcome_required")
    status = grant_status(application)
    if status is None:
        raise ExaminationError("no_status_to_grant")
    if not grants_period(application):
        rec = Recommendation(
            outcome=rec.outcome,
            reentry_until=rec.reentry_until,
            activity_terms=rec.activity_terms,
        )
    elif not rec.period:
        raise ExaminationError("period_required")
    elif rec.period not in allowed_periods(application):
        raise ExaminationError(
            "period_not_allowed", period=rec.period, status=status.name_en
        )
    companions = companion_codes(application)
    reentry_until = None
    if REENTRY in companions:
        if rec.reentry_until is None:
            raise ExaminationError("reentry_until_required")
        if rec.reentry_until <= timezone.localdate():
            raise ExaminationError("reentry_until_past")
        reentry_until = rec.reentry_until
    terms = ""
    if OTHER_ACTIVITY in companions:
        terms = rec.activity_terms.strip()
        if not terms:
            raise ExaminationError("activity_terms_required")
    return Recommendation(
        outcome=rec.outcome,
        period=rec.period,
        reentry_until=reentry_until,
        activity_terms=terms,
    )


def decision_propose(
    *,
    application: Application,
    actor: User,
    recommendation: Recommendation,
    expected_status: str | None = Status.EXAMINING,
) -> Decision:
    """The examiner of the case recommends a grant (the status, a period of
    stay allowed for it, and for companions the re-entry validity or the
    terms of the permission for other activity) or a denial (reasons).  The
    case waits for a supervisor's approval (PROPOSE_DECISION) and the
    office's supervisors are told.

    ExaminationError for a recommendation that breaks a rule (no period, a
    period not allowed for the status, …); StaleEdit when the case changed
    since the page was shown.  A repeated post by the same examiner returns
    the recommendation already made."""
    with transaction.atomic():
        locked = lock_case(application)
        if locked.status != Status.EXAMINING or (
            expected_status is not None and locked.status != expected_status
        ):
            existing = Decision.objects.filter(
                application=locked, state=Decision.State.PROPOSED, proposed_by=actor
            ).first()
            if locked.status == Status.DECISION_PROPOSED and existing is not None:
                return existing
            raise StaleEdit
        require_case(actor, locked, CaseAction.RECOMMEND)
        rec = _check_recommendation(locked, recommendation)
        grant = rec.outcome == Decision.Outcome.GRANT
        decision = Decision.objects.create(
            application=locked,
            outcome=rec.outcome,
            granted_status=grant_status(locked) if grant else None,
            granted_period=rec.period,
            reentry_until=rec.reentry_until,
            activity_terms=rec.activity_terms,
            denial_reasons=rec.denial_reasons,
            proposed_by=actor,
        )
        application_transition(
            application=locked,
            action=Action.PROPOSE_DECISION,
            actor=actor,
            expected_status=Status.EXAMINING,
        )
        supervisors = [
            u for u in office_users(locked, Role.SUPERVISOR) if u.pk != actor.pk
        ]
        notify_officers(
            locked,
            supervisors,
            NotificationKind.DECISION_PROPOSED,
            {"outcome": rec.outcome, "examiner": actor.display_name},
        )
    return decision


def _locked_proposal(locked: Application, actor: User) -> Decision:
    """The recommendation waiting for approval (locked after the case), if
    ``actor`` may decide it (``CaseAction.DECIDE``: a supervisor of the
    office other than the recommender)."""
    decision = (
        Decision.objects.select_for_update()
        .filter(application=locked, state=Decision.State.PROPOSED)
        .first()
    )
    require_case_action(
        actor,
        CaseFacts(application=locked, active_decision=decision),
        CaseAction.DECIDE,
    )
    if decision is None:  # the rule refuses it already; this narrows the type
        raise ExaminationError("no_active_decision")
    return decision


def decision_approve(
    *,
    application: Application,
    actor: User,
    expected_status: str | None = Status.DECISION_PROPOSED,
) -> Decision:
    """A supervisor other than the recommender approves the recommendation:
    the case is granted (APPROVE_GRANT) or denied (APPROVE_DENIAL) and the
    organisation's users are told.  FourEyesViolation for the recommender
    (the database refuses it too: ``decision_four_eyes``); StaleEdit when the
    case changed since the page was shown — including when another
    supervisor decided it a moment earlier."""
    with transaction.atomic():
        locked = lock_case(application)
        done = Decision.objects.filter(
            application=locked, state=Decision.State.APPROVED, approved_by=actor
        ).first()
        if done is not None and locked.status in (Status.GRANTED, Status.DENIED):
            return done  # the same supervisor's second click
        expect_status(locked, expected_status)
        decision = _locked_proposal(locked, actor)
        now = timezone.now()
        grant = decision.outcome == Decision.Outcome.GRANT
        action = Action.APPROVE_GRANT if grant else Action.APPROVE_DENIAL
        decision.state = next_state(DECISION_TRANSITIONS, decision.state, action)
        decision.approved_by = actor
        decision.approved_at = now
        decision.save(update_fields=["state", "approved_by", "approved_at"])
        decided = application_transition(
            application=locked,
            action=action,
            actor=actor,
            expected_status=Status.DECISION_PROPOSED,
            # A grant's one message (with the fee) is sent by the follow-up
            # below, once the fee is known; a denial's is sent here.
            notify_kind=None if grant else NotificationKind.DECISION_DENIED,
            notify_context=None if grant else {"reasons": decision.denial_reasons},
        )
        emit(decided, CaseEvent.DECIDED, outcome=decided.status)
        # Issuance takes over in the same transaction: the decision notice and,
        # for a grant, the fee due and the organisation's one message.
        decision_approved_follow_up(application=locked, actor=actor)
    return decision


def decision_send_back(
    *,
    application: Application,
    actor: User,
    comment: str,
    expected_status: str | None = Status.DECISION_PROPOSED,
) -> Decision:
    """A supervisor other than the recommender sends the recommendation back
    with a comment: the case returns to examination (SEND_BACK) and the
    recommending examiner is told.  Same errors as ``decision_approve``."""
    comment = comment.strip()
    if not comment:
        raise ExaminationError("send_back_comment_required")
    with transaction.atomic():
        locked = lock_case(application)
        expect_status(locked, expected_status)
        decision = _locked_proposal(locked, actor)
        decision.state = next_state(
            DECISION_TRANSITIONS, decision.state, Action.SEND_BACK
        )
        decision.supervisor_comment = comment
        decision.save(update_fields=["state", "supervisor_comment"])
        application_transition(
            # The comment stays on the decision: history notes may reach the
            # organisation's timeline, the internal review must not.
            application=locked,
            action=Action.SEND_BACK,
            actor=actor,
            expected_status=Status.DECISION_PROPOSED,
        )
        notify_officers(
            locked,
            [decision.proposed_by],
            NotificationKind.DECISION_SENT_BACK,
            {"comment": comment, "supervisor": actor.display_name},
        )
    return decision
