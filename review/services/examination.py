"""Examination: claim and assignment, internal notes, requests for additional
documents (資料提出通知) and the applicant's answer, reminders, and the
four-eyes decision.

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
thereby serialised and exactly one of them succeeds; an officer and the
organisation acting on one request queue on the same row instead of
deadlocking.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any, cast

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from accounts.models import OfficerRole, User
from accounts.selectors import officers_of_office
from applications.eligibility import OTHER_ACTIVITY, REENTRY
from applications.models import Application, StatusOfResidence
from applications.rules import ensure_can_file_for
from applications.services import (
    application_transition,
    case_context,
    lock_case,
    notify_organization,
)
from applications.workflow import Action, Status
from portal.audit.events import AuditAction
from portal.audit.services import audit_record
from portal.files.models import StoredFile
from portal.files.services import store_upload, stored_file_delete
from portal.lib.errors import StaleEdit
from portal.lib.files import CleanedUpload
from portal.notifications.kinds import NotificationKind
from portal.notifications.services import notify
from review.errors import ExaminationError, FourEyesViolation
from review.models import (
    Assignment,
    Decision,
    DocumentRequest,
    DocumentRequestFile,
    DocumentRequestItem,
    InternalNote,
)
from review.rules import CaseAction, CaseFacts, require_case_action
from review.selectors import assignment_for_update
from review.services.issuance import decision_approved_follow_up

Role = OfficerRole.Role

# Purpose of the files sent in answer to a request (access: review.apps).
RESPONSE_PURPOSE = "document_response"
# How far ahead a due date may be set, and the default.
MAX_DUE_DAYS = 90
DEFAULT_DUE_DAYS = 14
# Reminders: this many days before the due date, once each.
REMINDER_DAYS = (7, 1)

# Re-exported: the views and tests catch them from here.
__all__ = ["ExaminationError", "FourEyesViolation", "StaleEdit"]


# --- Helpers ---------------------------------------------------------------------------


def _expect(locked: Application, expected_status: str | None) -> None:
    """When the caller says what its page showed, the case must still be
    in that status; StaleEdit otherwise (someone else moved it on)."""
    if expected_status is not None and locked.status != expected_status:
        raise StaleEdit


def _require(actor: Any, locked: Application, action: CaseAction, **facts: Any) -> None:
    """The rule of ``review.rules`` for ``action``, with the case's
    assignment (read under the case lock)."""
    require_case_action(
        actor,
        CaseFacts(
            application=locked,
            assignment=assignment_for_update(application=locked),
            **facts,
        ),
        action,
    )


def _notify_officers(
    application: Application, users: Sequence[Any], kind: str, context: dict[str, Any]
) -> None:
    link = reverse("review:case", args=[application.code])
    for user in users:
        notify(
            recipient=user,
            kind=kind,
            context={**case_context(application), **context},
            link=link,
        )


def _office_users(application: Application, role: str) -> list[User]:
    return officers_of_office(office_id=application.office_id, roles=[role])


def documents_request_path(application: Application) -> str:
    """Where the organisation's users answer the request (for emails)."""
    return reverse("review:documents_request", args=[application.code])


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
            _notify_officers(locked, [examiner], NotificationKind.CASE_ASSIGNED, {})
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


# --- Requests for documents ----------------------------------------------------------------


@dataclass(frozen=True)
class RequestedItem:
    text: str
    document_type: str = ""


def _check_due_date(due_date: date, today: date) -> None:
    if due_date <= today:
        raise ExaminationError("due_date_past")
    if due_date > today + timedelta(days=MAX_DUE_DAYS):
        raise ExaminationError("due_date_too_far", days=MAX_DUE_DAYS)


def document_request_create(
    *,
    application: Application,
    actor: User,
    items: Sequence[RequestedItem],
    due_date: date,
    message: str = "",
    expected_status: str | None = Status.EXAMINING,
) -> DocumentRequest:
    """The examiner of the case asks the organisation for more documents:
    one request with its items and due date; the case waits for documents
    (REQUEST_DOCUMENTS) and the organisation's users are notified with a link
    to answer.  StaleEdit when the case changed since the page was shown;
    ExaminationError for no items or a due date not within the next
    ``MAX_DUE_DAYS`` days."""
    items = [RequestedItem(i.text.strip(), i.document_type.strip()) for i in items]
    items = [i for i in items if i.text]
    if not items:
        raise ExaminationError("items_required")
    _check_due_date(due_date, timezone.localdate())
    with transaction.atomic():
        locked = lock_case(application)
        _expect(locked, expected_status)
        _require(actor, locked, CaseAction.REQUEST_DOCUMENTS)
        document_request = DocumentRequest.objects.create(
            application=locked,
            due_date=due_date,
            message=message.strip(),
            created_by=actor,
        )
        DocumentRequestItem.objects.bulk_create(
            DocumentRequestItem(
                request=document_request,
                text=item.text,
                document_type=item.document_type[:100],
                sort_order=number,
            )
            for number, item in enumerate(items, start=1)
        )
        application_transition(
            application=locked,
            action=Action.REQUEST_DOCUMENTS,
            actor=actor,
            expected_status=Status.EXAMINING,
            notify_kind=NotificationKind.DOCUMENT_REQUEST,
            notify_context={
                "due_date": due_date.isoformat(),
                "item_count": len(items),
                "respond_link": documents_request_path(locked),
            },
        )
    return document_request


def document_request_extend(
    *,
    document_request: DocumentRequest,
    actor: User,
    due_date: date,
    reason: str,
) -> DocumentRequest:
    """The examiner gives the organisation more time: a later due date with a
    reason, which the organisation's users are told.  Reminders start over
    for the new date.  ExaminationError when the request was answered, the
    new date is not later than the current one (nor within
    ``MAX_DUE_DAYS`` from today) or there is no reason."""
    reason = reason.strip()
    if not reason:
        raise ExaminationError("extension_reason_required")
    with transaction.atomic():
        # The case first, then the request (as document_request_answer does).
        application = lock_case(document_request.application)
        locked_request = DocumentRequest.objects.select_for_update().get(
            pk=document_request.pk
        )
        _require(
            actor, application, CaseAction.EXTEND_DUE_DATE, open_request=locked_request
        )
        if due_date <= locked_request.due_date:
            raise ExaminationError(
                "due_date_not_later", date=locked_request.due_date.isoformat()
            )
        today = timezone.localdate()
        _check_due_date(due_date, today)
        old = locked_request.due_date
        locked_request.due_date = due_date
        locked_request.extension_reason = reason
        # A reminder already sent for the old date is due again for the new one.
        locked_request.reminded_7 = False
        locked_request.reminded_1 = False
        locked_request.save(
            update_fields=["due_date", "extension_reason", "reminded_7", "reminded_1"]
        )
        audit_record(
            actor=actor,
            action=AuditAction.DOCUMENT_REQUEST_EXTEND,
            obj=locked_request,
            organization_code=application.organization.code,
            data={"from": old.isoformat(), "to": due_date.isoformat()},
        )
        notify_organization(
            application,
            NotificationKind.DOCUMENT_REQUEST_EXTENDED,
            {
                "due_date": due_date.isoformat(),
                "previous_due_date": old.isoformat(),
                "reason": reason,
                "respond_link": documents_request_path(application),
            },
        )
    return locked_request


def document_request_attach(
    *,
    document_request: DocumentRequest,
    item: DocumentRequestItem,
    uploads: Sequence[CleanedUpload],
    actor: User,
) -> list[StoredFile]:
    """Store files the organisation sends for one item of an open request
    (validated uploads).  ExaminationError once the request is answered;
    PermissionDenied for users who may not file for the organisation."""
    if item.request_id != document_request.pk:
        raise PermissionDenied
    application = document_request.application
    ensure_can_file_for(actor, application.organization_id)
    with transaction.atomic():
        locked = DocumentRequest.objects.select_for_update().get(pk=document_request.pk)
        if locked.state != DocumentRequest.State.OPEN:
            raise ExaminationError("request_not_open")
        stored = []
        for upload in uploads:
            stored_file = store_upload(
                cleaned=upload, uploaded_by=actor, purpose=RESPONSE_PURPOSE
            )
            DocumentRequestFile.objects.create(item=item, file=stored_file)
            stored.append(stored_file)
        audit_record(
            actor=actor,
            action=AuditAction.DOCUMENT_REQUEST_ATTACH,
            obj=locked,
            organization_code=application.organization.code,
            data={"files": len(stored)},
        )
    return stored


def document_request_file_remove(
    *, document_request: DocumentRequest, file_code: Any, actor: User
) -> None:
    """Remove a file sent for an open request (before the answer goes out).
    404-like DocumentRequestFile.DoesNotExist for a file of another request."""
    application = document_request.application
    ensure_can_file_for(actor, application.organization_id)
    with transaction.atomic():
        locked = DocumentRequest.objects.select_for_update().get(pk=document_request.pk)
        if locked.state != DocumentRequest.State.OPEN:
            raise ExaminationError("request_not_open")
        link = DocumentRequestFile.objects.select_related("file").get(
            item__request=locked, file__code=file_code
        )
        stored_file = link.file
        link.delete()
        stored_file_delete(stored_file=stored_file, actor=actor)


def document_request_answer(
    *, document_request: DocumentRequest, actor: User
) -> DocumentRequest:
    """Send the organisation's answer (once): the request is answered, the
    case returns to examination (RESPOND_DOCUMENTS), the organisation's users
    and the examiner are told.  Items without files are allowed (the page
    warns first).  Answering an answered request again is a no-op (a double
    click)."""
    application = document_request.application
    ensure_can_file_for(actor, application.organization_id)
    with transaction.atomic():
        locked_app = lock_case(application)
        locked = DocumentRequest.objects.select_for_update().get(pk=document_request.pk)
        if locked.state != DocumentRequest.State.OPEN:
            return locked
        if locked_app.status != Status.AWAITING_DOCUMENTS:
            raise StaleEdit
        item_count = locked.items.count()
        answered = (
            DocumentRequestItem.objects.filter(request=locked, files__isnull=False)
            .distinct()
            .count()
        )
        locked.state = DocumentRequest.State.ANSWERED
        locked.answered_by = actor
        locked.answered_at = timezone.now()
        locked.save(update_fields=["state", "answered_by", "answered_at"])
        context = {"answered_items": answered, "item_count": item_count}
        application_transition(
            application=locked_app,
            action=Action.RESPOND_DOCUMENTS,
            actor=actor,
            expected_status=Status.AWAITING_DOCUMENTS,
            notify_kind=NotificationKind.DOCUMENT_REQUEST_ANSWERED,
            notify_context={**context, "audience": "organization"},
        )
        examiners = [
            a.examiner
            for a in Assignment.objects.filter(application=locked_app).select_related(
                "examiner"
            )
        ] or _office_users(locked_app, Role.EXAMINER)
        _notify_officers(
            locked_app,
            examiners,
            NotificationKind.DOCUMENT_REQUEST_ANSWERED,
            {**context, "audience": "office"},
        )
    return locked


def document_request_send_reminders(*, today: date | None = None) -> int:
    """Remind the organisation of open requests due in 7 days and in 1 day,
    once each (a compare-and-swap on the request's flag guards against a
    second run or a concurrent worker).  A request whose due date was
    already closer than 7 days when it was made gets no 7-day reminder.
    Returns how many reminders were queued."""
    today = today or timezone.localdate()
    sent = 0
    for days in REMINDER_DAYS:
        flag = f"reminded_{days}"
        candidates = DocumentRequest.objects.filter(
            state=DocumentRequest.State.OPEN,
            due_date__gte=today,
            due_date__lte=today + timedelta(days=days),
            **{flag: False},
        ).select_related(
            "application", "application__application_type", "application__organization"
        )
        for document_request in candidates:
            made_on = timezone.localdate(document_request.created_at)
            if days == 7 and (document_request.due_date - made_on).days <= 7:
                continue
            if days == 7 and (document_request.due_date - today).days <= 1:
                continue  # the 1-day reminder covers it
            with transaction.atomic():
                claimed = DocumentRequest.objects.filter(
                    pk=document_request.pk,
                    state=DocumentRequest.State.OPEN,
                    **{flag: False},
                ).update(**{flag: True})
                if not claimed:
                    continue
                application = document_request.application
                notify_organization(
                    application,
                    NotificationKind.DOCUMENT_REQUEST_REMINDER,
                    {
                        "due_date": document_request.due_date.isoformat(),
                        "days_left": (document_request.due_date - today).days,
                        "respond_link": documents_request_path(application),
                    },
                )
                sent += 1
    return sent


# --- The decision (four eyes) ---------------------------------------------------------------


def grant_status(application: Application) -> StatusOfResidence | None:
    """The status a grant gives: the one applied for, else (extension,
    authorized employment) the person's current one."""
    return application.target_status or application.foreign_national.current_status


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
    if not rec.period:
        raise ExaminationError("period_required")
    if rec.period not in allowed_periods(application):
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
        _require(actor, locked, CaseAction.RECOMMEND)
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
            u for u in _office_users(locked, Role.SUPERVISOR) if u.pk != actor.pk
        ]
        _notify_officers(
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
        _expect(locked, expected_status)
        decision = _locked_proposal(locked, actor)
        now = timezone.now()
        decision.state = Decision.State.APPROVED
        decision.approved_by = actor
        decision.approved_at = now
        decision.save(update_fields=["state", "approved_by", "approved_at"])
        grant = decision.outcome == Decision.Outcome.GRANT
        context: dict[str, Any] = (
            {
                "period": decision.granted_period,
                "status_ja": decision.granted_status.name_ja
                if decision.granted_status
                else "",
                "status_en": decision.granted_status.name_en
                if decision.granted_status
                else "",
            }
            if grant
            else {"reasons": decision.denial_reasons}
        )
        application_transition(
            application=locked,
            action=Action.APPROVE_GRANT if grant else Action.APPROVE_DENIAL,
            actor=actor,
            expected_status=Status.DECISION_PROPOSED,
            notify_kind=NotificationKind.DECISION_GRANTED
            if grant
            else NotificationKind.DECISION_DENIED,
            notify_context=context,
        )
        # Issuance takes over in the same transaction: the decision notice and,
        # for a grant, the fee due.
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
        _expect(locked, expected_status)
        decision = _locked_proposal(locked, actor)
        decision.state = Decision.State.SENT_BACK
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
        _notify_officers(
            locked,
            [decision.proposed_by],
            NotificationKind.DECISION_SENT_BACK,
            {"comment": comment, "supervisor": actor.display_name},
        )
    return decision
