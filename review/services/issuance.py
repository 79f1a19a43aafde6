"""Issuance: from a granted application to the card (or certificate) in the
foreign national's hands.

    GRANTED ──CONFIRM_FEE──▶ FEE_PAID ──ISSUE──▶ ISSUED ──DISPATCH──▶ DISPATCHED
        ──RECORD_HANDOVER──▶ COMPLETED

Who does what:

* on approval of a decision the examination side calls
  ``decision_approved_follow_up`` in its transaction: the decision notice is
  queued and, for a grant, ``fee_assess`` computes the fee (a fee of 0 —
  COE, acquisition, other activity alone — is confirmed at once);
* the organisation's users declare what they send (``payment_declare``) and
  pay: revenue stamps on the fee slip, recorded by the clerk
  (``payment_record_stamps``), or the electronic provider, whose signed
  callback ``payment_confirm_callback`` applies;
* the clerk records the arrival of the current card (``card_receipt_record``),
  issues (``application_issue``: a new residence card with a unique number,
  and the certificates), and dispatches (``application_dispatch``);
* the organisation's user records the handover (``application_record_handover``).

The fee and payment services live in ``review.services.payments``; the pure
rules (what is issued, the card's expiry, return methods, tracking numbers,
fee lines) in ``review.issuance_rules``; who may act when in ``review.rules``.

Every status change goes through ``applications.services.application_transition``
(history, audit and the organisation's notifications in one transaction);
writes that are not status changes record their own audit entry.  Each
service locks the application row first (``lock_case``, then its payment),
so two clerks acting at once serialise, and a repeated action is a no-op.
"""

from __future__ import annotations

import logging
import secrets
import string
from datetime import date
from typing import Any

from django.db import transaction
from django.utils import timezone

from applications.events import CaseEvent, emit
from applications.models import Application
from applications.services import (
    application_transition,
    lock_case,
    notify_organization,
)
from applications.services.people import person_record_grant
from applications.workflow import Action, Status
from portal.audit.events import AuditAction
from portal.audit.services import audit_record
from portal.lib.codes import allocate_unique
from portal.lib.tasks import enqueue_on_commit
from portal.notifications.kinds import NotificationKind
from review.errors import FeeUnknown, IssuanceError
from review.issuance_rules import (
    CARD_TYPES,
    COE_VALIDITY,
    TRACKED_METHODS,
    card_expiry,
    certificate_kinds,
    electronic_only,
    issues_card,
    normalize_tracking_number,
    period_expiry,
)
from review.models import Certificate, Decision, Dispatch, Payment, ResidenceCard
from review.rules import (
    IssuanceAction,
    IssuanceFacts,
    issuance_refusal,
    require_issuance_action,
    require_issuance_actor,
)
from review.selectors import approved_grant, companions_of, payment_for
from review.services.payments import (
    fee_assess,
    fee_assess_on_approval,
    fee_due_context,
    payment_link,
)

logger = logging.getLogger(__name__)

Kind = Certificate.Kind

# The verification code of an electronic COE: no 0/O, 1/I/L.
VERIFICATION_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
VERIFICATION_LENGTH = 12
ALLOCATION_ATTEMPTS = 10


def _new_card_number() -> str:
    letters, digits = string.ascii_uppercase, string.digits
    return (
        "".join(secrets.choice(letters) for _ in range(2))
        + "".join(secrets.choice(digits) for _ in range(8))
        + "".join(secrets.choice(letters) for _ in range(2))
    )


def _new_verification_code() -> str:
    return "".join(
        secrets.choice(VERIFICATION_ALPHABET) for _ in range(VERIFICATION_LENGTH)
    )


# Module-level names, so a test can force a collision by replacing them.
generate_card_number = _new_card_number
generate_verification_code = _new_verification_code


# --- Decision follow-up --------------------------------------------------------------------


def decision_approved_follow_up(
    *, application: Application, actor: Any
) -> Payment | None:
    """Call in the approving transaction right after APPROVE_GRANT or
    APPROVE_DENIAL: records the decision notice (rendered as PDFs after
    commit) and, for a grant, assesses the fee (``fee_assess``) and tells
    the organisation's users in ONE message (``decision_granted``): the
    grant, the fee due, how to pay it (online or with revenue stamps) and
    what to send.  A denial's message is sent by the transition itself.

    A fee table without a matching row does not undo the approval: it is
    logged, the grant message says the fee is being computed, and the
    clerk's issuance panel offers to compute the fee once the table is
    corrected (that sends ``fee_due``).  Returns the payment, if one was
    assessed."""
    with transaction.atomic():
        locked = lock_case(application)
        if locked.status not in (Status.GRANTED, Status.DENIED):
            raise IssuanceError("not_decided", status=Status(locked.status).label)
        _certificate_ensure(
            locked, Kind.DECISION_NOTICE, issued_on=timezone.localdate()
        )
        enqueue_on_commit("review.tasks.render_certificates", locked.pk)
        if locked.status != Status.GRANTED:
            return None
        payment = None
        try:
            with transaction.atomic():
                payment = fee_assess_on_approval(
                    application=locked, actor=actor, announce=False
                )
        except FeeUnknown as exc:
            logger.error("fee for application %s not assessed: %s", locked.pk, exc)
        _announce_grant(lock_case(locked), payment)
        return payment


def _announce_grant(application: Application, payment: Payment | None) -> None:
    """The one message of a grant: the status and period granted and, when
    the fee is known, the fee with its payment method and what to send."""
    decision = approved_grant(application=application)
    status = decision.granted_status if decision is not None else None
    context: dict[str, Any] = {
        "period": decision.granted_period if decision is not None else "",
        "status_ja": status.name_ja if status is not None else "",
        "status_en": status.name_en if status is not None else "",
        "fee_assessed": payment is not None,
    }
    if payment is not None:
        context.update(fee_due_context(application, payment))
    notify_organization(
        application,
        NotificationKind.DECISION_GRANTED,
        context,
        link=payment_link(application),
    )


# --- The card and the certificates -----------------------------------------------------------


def card_receipt_record(*, application: Application, actor: Any) -> Payment:
    """The clerk records that the current residence card has arrived (it is
    exchanged for the new one).  Idempotent."""
    with transaction.atomic():
        locked = lock_case(application)
        payment = Payment.objects.select_for_update().filter(application=locked).first()
        refusal = issuance_refusal(
            actor,
            IssuanceFacts(application=locked, payment=payment),
            IssuanceAction.RECORD_CARD,
        )
        card_received = isinstance(refusal, IssuanceError) and (
            refusal.code == "card_received"
        )
        if card_received and payment is not None:
            return payment  # a second click
        if refusal is not None:
            raise refusal
        if payment is None:  # refused above; this narrows the type
            raise IssuanceError("fee_not_assessed")
        payment.card_received_at = timezone.now()
        payment.card_received_by = actor
        payment.save(update_fields=["card_received_at", "card_received_by"])
        audit_record(
            actor=actor,
            action=AuditAction.PAYMENT_CARD_RECEIVED,
            obj=locked,
            organization_code=locked.organization.code,
        )
    return payment


def _certificate_ensure(
    application: Application, kind: str, *, issued_on: date
) -> Certificate:
    """The application's certificate of ``kind``, created once (unique per
    application and kind; the caller holds the case lock); an electronic COE
    gets a fresh verification code (``allocate_unique``: drawn again on a
    collision) and its expiry."""
    existing = Certificate.objects.filter(application=application, kind=kind).first()
    if existing is not None:
        return existing
    if kind != Kind.COE:
        return Certificate.objects.create(application=application, kind=kind)
    return allocate_unique(
        lambda: generate_verification_code(),
        lambda code: Certificate.objects.create(
            application=application,
            kind=kind,
            verification_code=code,
            valid_until=issued_on + COE_VALIDITY,
        ),
        attempts=ALLOCATION_ATTEMPTS,
        label="verification code",
    )


def _card_create(
    *, application: Application, decision: Decision, actor: Any, issued_on: date
) -> ResidenceCard:
    """A new card with a fresh random number.  The number is unique in the
    database; on a collision another number is drawn (``allocate_unique``: in
    a savepoint, so the failed insert leaves nothing), never two cards with
    one number.  The caller holds the case lock."""
    status = decision.granted_status or application.target_status
    if status is None:
        status = application.foreign_national.current_status
    if status is None:
        raise IssuanceError("no_status", status=Status(application.status).label)
    expiry = card_expiry(
        application=application, decision=decision, decided_on=issued_on
    )
    existing = ResidenceCard.objects.filter(application=application).first()
    if existing is not None:
        return existing
    return allocate_unique(
        # Looked up at each call: a test replaces the generator.
        lambda: generate_card_number(),
        lambda number: ResidenceCard.objects.create(
            application=application,
            number=number,
            status=status,
            period=decision.granted_period,
            expiry=expiry,
            issued_by=actor,
        ),
        attempts=ALLOCATION_ATTEMPTS,
        label="residence card number",
    )


def application_issue(*, application: Application, actor: Any) -> Application:
    """The clerk issues what was granted: the new residence card (change,
    extension, acquisition; not for a stay of 3 months or less) and the
    certificates (COE with verification code and a 3-month expiry,
    authorized employment, re-entry, other activity).  ISSUE, ``card_issued``;
    the PDFs are rendered after commit.

    Needs the fee confirmed (FEE_PAID) and, for an exchange, the current
    card recorded as received (IssuanceError ``card_not_received``).
    Repeating it once issued is a no-op."""
    with transaction.atomic():
        locked = lock_case(application)
        if locked.status == Status.ISSUED:
            require_issuance_actor(actor, locked, IssuanceAction.ISSUE)
            return locked
        decision = approved_grant(application=locked)
        payment = Payment.objects.select_for_update().filter(application=locked).first()
        require_issuance_action(
            actor,
            IssuanceFacts(application=locked, payment=payment, decision=decision),
            IssuanceAction.ISSUE,
        )
        if decision is None or payment is None:  # refused above; narrows the types
            raise IssuanceError("no_grant")
        # The date of permission: the decision's (Asia/Tokyo).
        decided_on = (
            timezone.localdate(locked.decided_at)
            if locked.decided_at
            else timezone.localdate()
        )
        today = timezone.localdate()
        card = None
        if issues_card(locked, decision):
            card = _card_create(
                application=locked, decision=decision, actor=actor, issued_on=decided_on
            )
        if locked.application_type.code in CARD_TYPES:
            # The person's record takes what was granted (earlier values
            # kept as history): the people list and pre-fills read it.
            granted_status = decision.granted_status or locked.target_status
            person_record_grant(
                person=locked.foreign_national,
                application=locked,
                status=granted_status,
                subcategory=locked.target_subcategory
                if granted_status is not None
                and granted_status.pk == locked.target_status_id
                else None,
                period=decision.granted_period,
                period_expiry=period_expiry(
                    application=locked, decision=decision, decided_on=decided_on
                ),
                card_number=card.number if card is not None else None,
            )
        companions = companions_of(application=locked)
        for kind in certificate_kinds(locked, companions):
            _certificate_ensure(locked, kind, issued_on=today)
        updated = application_transition(
            application=locked,
            action=Action.ISSUE,
            actor=actor,
            expected_status=Status.FEE_PAID,
            notify_kind=NotificationKind.CARD_ISSUED,
            notify_context={
                "card": card is not None,
                "card_expiry": card.expiry.isoformat() if card else "",
                "certificate_only": electronic_only(locked),
                "return_method": payment.return_method,
            },
        )
        enqueue_on_commit("review.tasks.render_certificates", locked.pk)
        emit(updated, CaseEvent.ISSUED, card=card is not None)
    return updated


# --- Dispatch and handover ---------------------------------------------------------------------


# --- Dispatch and handover ---------------------------------------------------------------------


def application_dispatch(
    *, application: Application, actor: Any, method: str, tracking_number: str = ""
) -> Application:
    """The clerk sends the card or certificate: by registered mail or Letter
    Pack Plus (with a Japan Post tracking number of 11–13 digits), at the
    counter, or — certificates only — by email (the user downloads the PDF).
    DISPATCH, ``card_dispatched``.  Repeating it once dispatched is a no-op."""
    with transaction.atomic():
        locked = lock_case(application)
        if locked.status == Status.DISPATCHED:
            require_issuance_actor(actor, locked, IssuanceAction.DISPATCH)
            return locked
        require_issuance_action(
            actor, IssuanceFacts(application=locked), IssuanceAction.DISPATCH
        )
        if method not in Dispatch.Method.values:
            raise IssuanceError("dispatch_method_required")
        if method == Dispatch.Method.EMAIL and not electronic_only(locked):
            raise IssuanceError("email_only_for_certificates")
        tracking = ""
        if method in TRACKED_METHODS:
            normalized = normalize_tracking_number(tracking_number)
            if normalized is None:
                raise IssuanceError("tracking_shape")
            tracking = normalized
        elif tracking_number.strip():
            raise IssuanceError("tracking_not_for_method")
        payment = payment_for(application=locked)
        Dispatch.objects.create(
            application=locked,
            method=method,
            tracking_number=tracking,
            dispatched_by=actor,
            card_received_at=payment.card_received_at if payment else None,
        )
        dispatched = application_transition(
            application=locked,
            action=Action.DISPATCH,
            actor=actor,
            expected_status=Status.ISSUED,
            notify_kind=NotificationKind.CARD_DISPATCHED,
            notify_context={"method": method, "tracking_number": tracking},
        )
        emit(dispatched, CaseEvent.DISPATCHED, method=method)
    return dispatched


def application_record_handover(*, application: Application, actor: Any) -> Application:
    """The organisation's user records that the foreign national has the
    card or certificate: RECORD_HANDOVER → completed,
    ``application_completed``.  Repeating it is a no-op."""
    with transaction.atomic():
        locked = lock_case(application)
        if locked.status == Status.COMPLETED:
            require_issuance_actor(actor, locked, IssuanceAction.RECORD_HANDOVER)
            return locked
        require_issuance_action(
            actor, IssuanceFacts(application=locked), IssuanceAction.RECORD_HANDOVER
        )
        return application_transition(
            application=locked,
            action=Action.RECORD_HANDOVER,
            actor=actor,
            expected_status=Status.DISPATCHED,
            notify_kind=NotificationKind.APPLICATION_COMPLETED,
        )


# --- Background sweep ------------------------------------------------------------------------------


def issuance_sweep() -> dict[str, int]:
    """Catch up what a lost task or a missed call left undone: assess the fee
    of granted applications without a payment, and queue the rendering of
    certificates that have no PDF yet."""
    assessed = 0
    for application in Application.objects.filter(
        status=Status.GRANTED, main__isnull=True, payment__isnull=True
    ).only("pk")[:200]:
        try:
            fee_assess(application=application, actor=None)
            assessed += 1
        except (FeeUnknown, IssuanceError) as exc:
            logger.error("fee for application %s not assessed: %s", application.pk, exc)
    pending = list(
        Certificate.objects.filter(file_en__isnull=True)
        .values_list("application_id", flat=True)
        .distinct()[:200]
    ) + list(
        Certificate.objects.filter(file_ja__isnull=True)
        .values_list("application_id", flat=True)
        .distinct()[:200]
    )
    for application_id in sorted(set(pending)):
        enqueue_on_commit("review.tasks.render_certificates", application_id)
    return {"assessed": assessed, "render": len(set(pending))}
