"""Writes for applications.  ``application_transition`` is the one place a
status changes; submission and withdrawal are built on it, and ``review``
calls it for every examination step."""

from __future__ import annotations

import secrets
from typing import Any

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from accounts.models import Membership, OfficerRole, User
from accounts.permissions import can_file
from applications import eligibility
from applications.models import Application, StatusEvent
from applications.selectors import document_slots_for, user_organization_ids
from applications.workflow import Action, IllegalTransition, Status, next_status
from portal.audit.services import audit_record
from portal.notifications.services import notify


class StaleEdit(Exception):
    """The application changed since the page was loaded."""


class NotEligible(Exception):
    """Submission refused: ``failures`` lists the broken rules."""

    def __init__(self, failures: list[eligibility.Failure]) -> None:
        super().__init__("not eligible")
        self.failures = failures


def application_transition(
    *,
    application: Application,
    action: str,
    actor: Any | None,
    note: str = "",
    expected_status: str | None = None,
    fields: dict[str, Any] | None = None,
    notify_kind: str | None = None,
    notify_context: dict[str, Any] | None = None,
) -> Application:
    """Apply ``action`` to the application (and its companions) in one
    transaction: lock, check the table (IllegalTransition), optionally check
    that nobody changed it meanwhile (``expected_status``, StaleEdit), write
    ``fields`` with the new status, record the history event and the audit
    record, and queue notifications to the organisation's users.

    Repeating an action whose target state the application is already in is
    a no-op (a double click)."""
    fields = fields or {}
    with transaction.atomic():
        locked = Application.objects.select_for_update().select_related(
            "organization", "application_type"
        ).get(pk=application.pk)
        if expected_status is not None and locked.status != expected_status:
            target = _target_or_none(expected_status, action)
            if target is not None and locked.status == target:
                return locked
            raise StaleEdit
        old = locked.status
        new = next_status(old, action)
        now = timezone.now()
        for name, value in fields.items():
            setattr(locked, name, value)
        locked.status = new
        locked.version += 1
        update = ["status", "version", "updated_at", *fields]
        if new in (Status.GRANTED, Status.DENIED) and locked.decided_at is None:
            locked.decided_at = now
            update.append("decided_at")
        if new in (Status.COMPLETED, Status.DENIED, Status.WITHDRAWN):
            locked.closed_at = now
            update.append("closed_at")
        locked.save(update_fields=list(dict.fromkeys(update)))
        # Companions share the main application's lifecycle.
        locked.companions.exclude(status=new).update(status=new, version=locked.version)
        StatusEvent.objects.create(
            application=locked, action=action, from_status=old, to_status=new,
            actor=actor if getattr(actor, "pk", None) else None, note=note,
        )
        audit_record(
            actor=actor, action=f"application.{action}", obj=locked,
            organization_code=locked.organization.code,
            data={"from": old, "to": new},
        )
        if notify_kind:
            _notify_organization(locked, notify_kind, notify_context or {})
    return locked


def _target_or_none(status: str, action: str) -> str | None:
    try:
        return next_status(status, action)
    except IllegalTransition:
        return None


def organization_users(application: Application) -> list[User]:
    """Who hears about a case: the user who submitted it and every active
    member of the organisation."""
    users = {
        m.user for m in Membership.objects.filter(
            organization=application.organization, user__is_active=True
        ).select_related("user")
    }
    if application.submitted_by is not None:
        users.add(application.submitted_by)
    return sorted(users, key=lambda u: u.pk)


def _notify_organization(application: Application, kind: str, context: dict[str, Any]) -> None:
    ctx = {
        "receipt_number": application.receipt_number,
        "application_type_ja": application.application_type.name_ja,
        "application_type_en": application.application_type.name_en,
        **context,
    }
    link = reverse("applications:case", args=[application.code])
    for user in organization_users(application):
        notify(recipient=user, kind=kind, context=ctx, link=link)


# --- Submission ------------------------------------------------------------------


def filing_facts(application: Application, *, user: Any) -> eligibility.Filing:
    """Gather what the eligibility rules need from the database."""
    fn = application.foreign_national
    current = fn.current_status

    def facts(status: Any, sub: Any) -> eligibility.StatusFacts | None:
        if status is None:
            return None
        periods = sub.effective_periods if sub is not None else list(status.periods)
        return eligibility.StatusFacts(
            code=status.code, table=status.table, online_eligible=status.online_eligible,
            activity_restricted=status.activity_restricted, periods=tuple(periods),
            subcategory_online_eligible=sub.online_eligible if sub is not None else True,
        )

    companions = list(application.companions.select_related("application_type"))
    reentry = next((c for c in companions if c.application_type.code == eligibility.REENTRY), None)
    slots = document_slots_for(
        application_type=application.application_type,
        status=application.target_status or current,
        org_category=application.organization.category,
    )
    present = set(application.documents.values_list("slot__code", flat=True))
    missing = tuple(s.name_ja for s in slots if s.required and s.code not in present)
    return eligibility.Filing(
        application_type=application.application_type.code,
        today=timezone.localdate(),
        user_in_scope=application.organization_id in user_organization_ids(user=user),
        user_can_file=can_file(user),
        companions=tuple(c.application_type.code for c in companions),
        current_status=facts(current, fn.current_subcategory),
        target_status=facts(application.target_status, application.target_subcategory)
        if application.target_status else None,
        current_period=fn.current_period or None,
        expiry=fn.period_expiry,
        requested_period=application.requested_period or None,
        event_date=application.event_date,
        has_residence_card=bool(fn.residence_card_number),
        reentry_until=reentry.reentry_until if reentry else None,
        missing_documents=missing,
    )


def _receipt_number(office_code: str) -> str:
    year = timezone.localdate().year
    for _attempt in range(20):
        candidate = f"{office_code}-{year}-{secrets.randbelow(10**7):07d}"
        if not Application.objects.filter(receipt_number=candidate).exists():
            return candidate
    raise RuntimeError("could not allocate a receipt number")


def application_submit(*, application: Application, actor: User, expected_version: int | None = None) -> Application:
    """Submit a draft with its companions, atomically.

    Checks every eligibility rule (NotEligible), assigns a receipt number to
    the main application and each companion at once, records who submitted,
    queues the receipt PDFs and tells the organisation.  A second submit (double
    click, re-posted form) returns the submitted application unchanged."""
    with transaction.atomic():
        locked = Application.objects.select_for_update().select_related(
            "organization", "foreign_national", "application_type", "office",
            "foreign_national__current_status", "foreign_national__current_subcategory",
            "target_status", "target_subcategory",
        ).get(pk=application.pk)
        if locked.status != Status.DRAFT:
            return locked
        if expected_version is not None and locked.version != expected_version:
            raise StaleEdit
        failures = eligibility.check(filing_facts(locked, user=actor))
        if failures:
            raise NotEligible(failures)
        office = locked.office or locked.organization.office
        now = timezone.now()
        fields = {"office": office, "submitted_at": now, "received_on": timezone.localdate(),
                  "submitted_by": actor, "receipt_number": _receipt_number(office.code)}
        for companion in locked.companions.select_for_update():
            companion.office = office
            companion.submitted_at = now
            companion.received_on = fields["received_on"]
            companion.submitted_by = actor
            companion.receipt_number = _receipt_number(office.code)
            companion.status = Status.SUBMITTED
            companion.save(update_fields=["office", "submitted_at", "received_on",
                                          "submitted_by", "receipt_number", "status"])
        locked = application_transition(
            application=locked, action=Action.SUBMIT, actor=actor, fields=fields,
            notify_kind="application_submitted",
        )
        transaction.on_commit(lambda: _queue_receipt(locked.pk))
    return locked


def _queue_receipt(application_id: int) -> None:
    from applications.tasks import render_receipt

    try:
        render_receipt.apply_async(args=[application_id], retry=False)
    except Exception:  # the broker is down: the sweep renders missing receipts
        import logging

        logging.getLogger(__name__).warning(
            "could not queue receipt for application %s", application_id, exc_info=True
        )


def application_withdraw(*, application: Application, actor: User, reason: str) -> Application:
    """Withdraw before a decision, with a reason; the office is told."""
    if not reason.strip():
        raise ValueError("a reason is required")
    with transaction.atomic():
        withdrawn = application_transition(
            application=application, action=Action.WITHDRAW, actor=actor,
            fields={"withdrawal_reason": reason.strip()},
            notify_kind="application_withdrawn",
        )
        officers = User.objects.filter(
            officer_roles__office_id=withdrawn.office_id,
            officer_roles__role__in=[OfficerRole.Role.EXAMINER, OfficerRole.Role.SUPERVISOR],
            is_active=True,
        ).distinct()
        for officer in officers:
            notify(recipient=officer, kind="application_withdrawn",
                   context={"receipt_number": withdrawn.receipt_number,
                            "application_type_ja": withdrawn.application_type.name_ja,
                            "application_type_en": withdrawn.application_type.name_en,
                            "reason": withdrawn.withdrawal_reason})
    return withdrawn
