"""The application lifecycle's one writer: ``application_transition`` moves a
main application and its companions through the table in
``applications.workflow``, each row with its history event and audit record.
Also the lock-order helper every service of a case uses, and the
notifications to the organisation."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from accounts.models import Office, User
from applications.models import Application, StatusEvent
from applications.notification_context import case_notification_context
from applications.selectors import organization_users
from applications.workflow import TRANSITIONS, Action, Status
from portal.audit.events import AuditAction
from portal.audit.services import audit_record
from portal.lib.errors import IllegalTransition, StaleEdit, next_state
from portal.notifications.kinds import NotificationKind
from portal.notifications.services import notify

# The audit action each workflow action records (a test checks every Action
# has one).
AUDIT_ACTIONS: dict[str, AuditAction] = {
    Action.SUBMIT: AuditAction.APPLICATION_SUBMIT,
    Action.START_EXAMINATION: AuditAction.APPLICATION_START_EXAMINATION,
    Action.REQUEST_DOCUMENTS: AuditAction.APPLICATION_REQUEST_DOCUMENTS,
    Action.RESPOND_DOCUMENTS: AuditAction.APPLICATION_RESPOND_DOCUMENTS,
    Action.PROPOSE_DECISION: AuditAction.APPLICATION_PROPOSE_DECISION,
    Action.SEND_BACK: AuditAction.APPLICATION_SEND_BACK,
    Action.APPROVE_GRANT: AuditAction.APPLICATION_APPROVE_GRANT,
    Action.APPROVE_DENIAL: AuditAction.APPLICATION_APPROVE_DENIAL,
    Action.CONFIRM_FEE: AuditAction.APPLICATION_CONFIRM_FEE,
    Action.ISSUE: AuditAction.APPLICATION_ISSUE,
    Action.DISPATCH: AuditAction.APPLICATION_DISPATCH,
    Action.RECORD_HANDOVER: AuditAction.APPLICATION_RECORD_HANDOVER,
    Action.WITHDRAW: AuditAction.APPLICATION_WITHDRAW,
}

DECIDED = (Status.GRANTED, Status.DENIED)
CLOSING = (Status.COMPLETED, Status.DENIED, Status.WITHDRAWN)


@dataclass(frozen=True)
class Submission:
    """What SUBMIT writes along with the status: on the main application and
    on each companion, except ``answers`` (the main application's, with the
    person's details as sent).  Receipt numbers are allocated before the
    transition (``application_submit``)."""

    office: Office
    submitted_at: datetime
    received_on: date
    submitted_by: User
    answers: dict[str, Any]


def lock_case(
    application: Application,
    *,
    related: tuple[str, ...] = (
        "application_type",
        "foreign_national",
        "organization",
        "office",
    ),
) -> Application:
    """Lock the case's application row for the rest of the transaction and
    return it fresh.

    The lock order rule: a service that locks several rows of one case locks
    the application row first, through this function, and only then the rows
    that hang off it (requests for documents, decisions, payments, companions).
    Two services acting on one case then queue on the same row instead of
    each holding what the other waits for (a deadlock)."""
    return (
        Application.objects.select_for_update(of=("self",))
        .select_related(*related)
        .get(pk=application.pk)
    )


def application_transition(
    *,
    application: Application,
    action: str,
    actor: User | None,
    note: str = "",
    expected_status: str | None = None,
    submission: Submission | None = None,
    withdrawal_reason: str | None = None,
    notify_kind: NotificationKind | str | None = None,
    notify_context: dict[str, Any] | None = None,
) -> Application:
    """Apply ``action`` to the application and its companions in one
    transaction: lock (the main row first, then the companions), check the
    table (IllegalTransition), optionally check that nobody changed it
    meanwhile (``expected_status``, StaleEdit), write the new status with
    what goes with it (``submission`` for SUBMIT, ``withdrawal_reason`` for
    WITHDRAW; ``decided_at``/``closed_at`` when the new status is a decision
    or an end), and record each row's history event and audit record.  Then
    queue ``notify_kind`` to the organisation's users.

    Repeating an action whose target state the application is already in is
    a no-op (a double click)."""
    with transaction.atomic():
        locked = lock_case(application, related=("organization", "application_type"))
        if expected_status is not None and locked.status != expected_status:
            target = _target_or_none(expected_status, action)
            if target is not None and locked.status == target:
                return locked
            raise StaleEdit
        old = locked.status
        new = next_state(TRANSITIONS, old, action)
        now = timezone.now()
        values: dict[str, Any] = {}
        if submission is not None:
            values = {
                "office": submission.office,
                "submitted_at": submission.submitted_at,
                "received_on": submission.received_on,
                "submitted_by": submission.submitted_by,
            }
        if withdrawal_reason is not None:
            values["withdrawal_reason"] = withdrawal_reason
        main_values = dict(values)
        if submission is not None:
            main_values["answers"] = submission.answers
        _move(locked, locked, action, new, actor, note, now, main_values)
        # Companions share the main application's lifecycle: each moves with
        # it, with its own history event and audit record.
        for companion in locked.companions.select_for_update().order_by("pk"):
            if companion.status != new:
                _move(companion, locked, action, new, actor, note, now, values)
        if notify_kind:
            notify_organization(locked, notify_kind, notify_context)
    return locked


def _move(
    row: Application,
    main: Application,
    action: str,
    new: str,
    actor: User | None,
    note: str,
    now: datetime,
    values: dict[str, Any],
) -> None:
    """Write one row's new status (and ``values``), its history event and its
    audit record.  Companions follow the main application's version."""
    old = row.status
    for name, value in values.items():
        setattr(row, name, value)
    row.status = new
    row.version = main.version + 1 if row is main else main.version
    update = ["status", "version", "updated_at", *values]
    if new in DECIDED and row.decided_at is None:
        row.decided_at = now
        update.append("decided_at")
    if new in CLOSING:
        row.closed_at = now
        update.append("closed_at")
    row.save(update_fields=list(dict.fromkeys(update)))
    StatusEvent.objects.create(
        application=row,
        action=action,
        from_status=old,
        to_status=new,
        actor=actor if actor is not None and actor.pk else None,
        note=note,
    )
    audit_record(
        actor=actor,
        action=AUDIT_ACTIONS[action],
        obj=row,
        organization_code=main.organization.code,
        data={"from": old, "to": new},
    )


def _target_or_none(status: str, action: str) -> str | None:
    try:
        return next_state(TRANSITIONS, status, action)
    except IllegalTransition:
        return None


def notify_organization(
    application: Application,
    kind: NotificationKind | str,
    context: dict[str, Any] | None = None,
    *,
    link: str | None = None,
    exclude: User | None = None,
) -> None:
    """Queue ``kind`` for the organisation's users (inbox + email), in the
    caller's transaction; the link defaults to the user's case page.
    ``exclude``: the user whose own action this reports (no echo of what
    they just did)."""
    ctx = {**case_notification_context(application), **(context or {})}
    link = link or reverse("applications:case", args=[application.code])
    for user in organization_users(application):
        if exclude is not None and user.pk == exclude.pk:
            continue
        notify(recipient=user, kind=kind, context=ctx, link=link)
