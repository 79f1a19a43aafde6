"""Sending a draft (with its companions) and withdrawing a case."""

from __future__ import annotations

import secrets
from typing import Any

from django.db import transaction
from django.utils import timezone

from accounts.models import OfficerRole, User
from accounts.selectors import officers_of_office
from applications import draft_form, eligibility, events, rules
from applications.application_forms import engine, storage
from applications.errors import DRAFT_CHANGED, NotEligible
from applications.models import Application
from applications.notification_context import case_notification_context
from applications.selectors import filing_facts, receiving_office_for
from applications.services.transitions import (
    Submission,
    application_transition,
    lock_case,
)
from applications.workflow import Action, Status
from portal.lib.codes import allocate_unique
from portal.lib.errors import StaleEdit
from portal.lib.tasks import enqueue_on_commit
from portal.notifications.kinds import NotificationKind
from portal.notifications.services import notify


def receipt_number_candidate(office_code: str) -> str:
    """A random receipt number of the office for this year; unique only once
    the database accepts it (``allocate_receipt_number``)."""
    year = timezone.localdate().year
    return f"{office_code}-{year}-{secrets.randbelow(10**7):07d}"


def allocate_receipt_number(application: Application, office_code: str) -> str:
    """Give the (locked) application a receipt number the unique constraint
    accepts: each candidate is written in a savepoint and a collision draws
    another, so two submissions racing for one number both succeed."""

    def write(candidate: str) -> str:
        Application.objects.filter(pk=application.pk).update(receipt_number=candidate)
        return candidate

    number = allocate_unique(
        lambda: receipt_number_candidate(office_code), write, label="receipt number"
    )
    application.receipt_number = number
    return number


def application_submit(
    *, application: Application, actor: User, expected_version: int | None = None
) -> Application:
    """Submit a draft with its companions, atomically.

    Checks every eligibility rule (NotEligible), gives the main application
    and each companion a receipt number, then moves them all through
    ``application_transition`` (SUBMIT, with who and when), queues the
    receipt PDFs and tells the organisation.  StaleEdit when the draft changed
    since ``expected_version``.  A second submit (double click, re-posted
    form) returns the submitted application unchanged."""
    with transaction.atomic():
        locked = lock_case(
            application,
            related=(
                "organization",
                "foreign_national",
                "application_type",
                "office",
                "foreign_national__current_status",
                "foreign_national__current_subcategory",
                "target_status",
                "target_subcategory",
            ),
        )
        if locked.status != Status.DRAFT:
            return locked
        if expected_version is not None and locked.version != expected_version:
            raise StaleEdit(DRAFT_CHANGED)
        failures = eligibility.check(filing_facts(locked, user=actor))
        if failures:
            raise NotEligible(failures)
        # Filed where the law says (the rules above refused a filing no
        # office receives).
        office, _problem = receiving_office_for(locked)
        if office is None:  # pragma: no cover - rule_receiving_office refused it
            raise NotEligible(failures)
        now = timezone.now()
        # The person's details are frozen as sent: later edits of the person
        # (for the next application) must not rewrite this one's record.
        answers = {
            **locked.answers,
            "person": locked.foreign_national.snapshot(),
            **_form_as_sent(locked, actor),
        }
        for row in [locked, *locked.companions.select_for_update().order_by("pk")]:
            allocate_receipt_number(row, office.code)
        locked = application_transition(
            application=locked,
            action=Action.SUBMIT,
            actor=actor,
            submission=Submission(
                office=office,
                submitted_at=now,
                received_on=timezone.localdate(),
                submitted_by=actor,
                answers=answers,
            ),
            notify_kind=NotificationKind.APPLICATION_SUBMITTED,
        )
        events.emit(locked, events.CaseEvent.RECEIVED)
        enqueue_on_commit("applications.tasks.render_receipt", locked.pk)
        if "form" in answers:
            enqueue_on_commit("applications.tasks.render_application_form", locked.pk)
    return locked


def _form_as_sent(application: Application, actor: User) -> dict[str, Any]:
    """The 申請書 answers as sent (cleaned, with their edition) and a copy of
    the organisation profile they started from."""
    edition, answers, _states = draft_form.form_status(application, filer=actor)
    if edition is None:
        return {}
    result = engine.clean(
        edition, answers, code_lists=draft_form.code_lists(), today=timezone.localdate()
    )
    sent: dict[str, Any] = {
        "form": storage.envelope(
            edition, raw=draft_form.saved_raw(application), cleaned=result.answers
        )
    }
    profile = draft_form.organisation_profile(application.organization_id)
    if profile is not None:
        sent["organisation_profile"] = profile.as_prefill()
    return sent


def application_withdraw(
    *, application: Application, actor: User, reason: str
) -> Application:
    """Withdraw before a decision, with a reason; the organisation and the
    office's examiners and supervisors are told.  ValueError without a
    reason; PermissionDenied unless the actor may act for the organisation
    (``rules.may_withdraw``); IllegalTransition once a decision was made."""
    if not reason.strip():
        raise ValueError("a reason is required")
    with transaction.atomic():
        locked = lock_case(application)
        rules.ensure_can_withdraw(actor, locked)
        withdrawn = application_transition(
            application=locked,
            action=Action.WITHDRAW,
            actor=actor,
            withdrawal_reason=reason.strip(),
            notify_kind=NotificationKind.APPLICATION_WITHDRAWN,
        )
        officers = officers_of_office(
            office_id=withdrawn.office_id,
            roles=[OfficerRole.Role.EXAMINER, OfficerRole.Role.SUPERVISOR],
        )
        for officer in officers:
            notify(
                recipient=officer,
                kind=NotificationKind.APPLICATION_WITHDRAWN,
                context={
                    **case_notification_context(withdrawn),
                    "reason": withdrawn.withdrawal_reason,
                },
            )
    return withdrawn
