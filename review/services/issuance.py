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

Every status change goes through ``applications.services.application_transition``
(history, audit and the organisation's notifications in one transaction);
writes that are not status changes record their own audit entry.  Each
service locks the application row first (then its payment), so two clerks
acting at once serialise, and a repeated action is a no-op.
"""

from __future__ import annotations

import logging
import secrets
import string
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from dateutil.relativedelta import relativedelta

from accounts.models import OfficerRole
from accounts.permissions import can_file
from applications.models import Application, Fee
from applications.periods import parse_period
from applications.selectors import fee_for, user_organization_ids
from applications.services import (
    application_transition,
    notify_organization,
)
from applications.workflow import Action, Status
from portal.audit.services import audit_record
from portal.lib.tasks import enqueue_on_commit
from review.models import Certificate, Decision, Dispatch, Payment, ResidenceCard
from review.payments import CallbackResult
from review.permissions import has_role

logger = logging.getLogger(__name__)

Kind = Certificate.Kind

# Application types whose grant gives a new residence card (a child born in
# Japan gets its first card on acquisition); the others give a certificate.
CARD_TYPES = frozenset({"change", "extension", "acquisition"})
# Types for which the current card is exchanged for the new one.
CARD_EXCHANGE_TYPES = frozenset({"change", "extension"})
CERTIFICATE_FOR_TYPE: dict[str, str] = {
    "coe": Kind.COE,
    "authorized_employment": Kind.AUTHORIZED_EMPLOYMENT,
    "reentry": Kind.REENTRY,
    "other_activity": Kind.OTHER_ACTIVITY,
}
# A stay of 3 months or less gets no residence card (入管法19条の3).
CARD_MIN_STAY = relativedelta(months=3)
# An indefinite period (permanent residence, HSP (ii)) has a card valid for
# 7 years from issue (16 and older).
INDEFINITE_CARD_VALIDITY = relativedelta(years=7)
# The COE loses effect 3 months after issue (domain facts §2.1).
COE_VALIDITY = relativedelta(months=3)

# The verification code of an electronic COE: no 0/O, 1/I/L.
VERIFICATION_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
VERIFICATION_LENGTH = 12
ALLOCATION_ATTEMPTS = 10

Role = OfficerRole.Role


# --- Errors ----------------------------------------------------------------------------


class IssuanceError(Exception):
    """A refused issuance step; ``code`` names the reason (views map it to a
    text in ``review.messages_issuance``)."""

    def __init__(self, code: str, **params: Any) -> None:
        super().__init__(code)
        self.code = code
        self.params = params


class AmountMismatch(IssuanceError):
    """The amount received differs from the amount due."""

    def __init__(self, *, due: int, received: int) -> None:
        super().__init__("amount_mismatch", due=due, received=received)
        self.due = due
        self.received = received

    @property
    def difference(self) -> int:
        """Positive when too much was paid, negative when too little."""
        return self.received - self.due


class FeeUnknown(IssuanceError):
    def __init__(self, detail: str) -> None:
        super().__init__("fee_unknown", detail=detail)


# --- Reads used by the services, views and templates ----------------------------------


@dataclass(frozen=True)
class FeeItem:
    application: Application
    amount: int


def approved_grant(application: Application) -> Decision | None:
    return (
        Decision.objects.filter(
            application=application,
            state=Decision.State.APPROVED,
            outcome=Decision.Outcome.GRANT,
        )
        .select_related("granted_status")
        .first()
    )


def approved_decision(application: Application) -> Decision | None:
    return (
        Decision.objects.filter(application=application, state=Decision.State.APPROVED)
        .select_related("granted_status")
        .first()
    )


def companions_of(application: Application) -> list[Application]:
    return list(
        Application.objects.filter(main=application)
        .select_related("application_type")
        .order_by("application_type__sort_order", "id")
    )


def issues_card(application: Application, decision: Decision | None) -> bool:
    """A new residence card is issued for a change, extension or
    acquisition granted for more than 3 months."""
    if application.application_type.code not in CARD_TYPES:
        return False
    if decision is None or not decision.granted_period:
        return True
    try:
        period = parse_period(decision.granted_period)
    except ValueError:
        return True
    if not period.is_fixed_length:
        return True
    as_delta = relativedelta(years=period.years, months=period.months, days=period.days)
    start = date(2000, 1, 1)
    return start + as_delta > start + CARD_MIN_STAY


def needs_current_card(application: Application) -> bool:
    """The current card is sent in and exchanged (change, extension — when
    the person has a card on record)."""
    return application.application_type.code in CARD_EXCHANGE_TYPES and bool(
        application.foreign_national.residence_card_number
    )


def certificate_kinds(
    application: Application, companions: list[Application]
) -> list[str]:
    """The certificates issued on ISSUE for the main application and its
    companions (the decision notice is made on approval)."""
    kinds: list[str] = []
    for a in (application, *companions):
        kind = CERTIFICATE_FOR_TYPE.get(a.application_type.code)
        if kind is not None and kind not in kinds:
            kinds.append(kind)
    return kinds


def electronic_only(application: Application) -> bool:
    """Nothing physical to send back: only certificates (COE, authorized
    employment) may go by email."""
    return application.application_type.code not in CARD_TYPES


def fee_items(application: Application) -> list[FeeItem]:
    """The fee for the main application and for each companion (re-entry by
    its single/multiple variant): the online channel's amount on the day the
    application was received.  Raises FeeUnknown when the table lacks a row."""
    items = []
    for a in (application, *companions_of(application)):
        received_on = a.received_on or application.received_on
        if received_on is None:
            raise FeeUnknown(f"application {a.pk} has no date of receipt")
        try:
            amount = fee_for(
                application_type=a.application_type,
                variant=a.reentry_variant or "",
                channel=Fee.Channel.ONLINE,
                received_on=received_on,
            )
        except Fee.DoesNotExist as exc:
            raise FeeUnknown(str(exc)) from None
        items.append(FeeItem(application=a, amount=amount))
    return items


def card_expiry(
    *, application: Application, decision: Decision, decided_on: date
) -> date:
    """The expiry printed on the new card.

    * Extension: the new period counts from the day after the current expiry
      (also when granted during the special period), so it ends on the
      current expiry plus the period.
    * Change and acquisition: the period counts from the day of permission,
      so it ends the day before the same date one period later.
    * A designated period ("designated-5y") counts as its maximum; an
      indefinite period gives the card's own validity of 7 years from issue.
    """
    period = parse_period(decision.granted_period)
    if not period.is_fixed_length:
        return decided_on + INDEFINITE_CARD_VALIDITY
    delta = relativedelta(years=period.years, months=period.months, days=period.days)
    current = application.foreign_national.period_expiry
    if application.application_type.code == "extension" and current is not None:
        return current + delta
    return decided_on + delta - timedelta(days=1)


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


# --- Permission helpers ------------------------------------------------------------------------


def _require_clerk(actor: Any, application: Application) -> None:
    if not has_role(actor, Role.CLERK, application.office_id):
        raise PermissionDenied


def _require_filer(actor: Any, application: Application) -> None:
    if application.organization_id not in user_organization_ids(
        user=actor
    ) or not can_file(actor):
        raise PermissionDenied


def _lock(application: Application) -> Application:
    return (
        Application.objects.select_for_update(of=("self",))
        .select_related(
            "application_type", "foreign_national", "organization", "office"
        )
        .get(pk=application.pk)
    )


def payment_link(application: Application) -> str:
    return reverse("review:payment", args=[application.code])


# --- Decision follow-up and the fee ------------------------------------------------------------


def decision_approved_follow_up(
    *, application: Application, actor: Any
) -> Payment | None:
    """Call in the approving transaction right after APPROVE_GRANT or
    APPROVE_DENIAL: records the decision notice (rendered as PDFs after
    commit) and, for a grant, assesses the fee (``fee_assess``).

    A fee table without a matching row does not undo the approval: it is
    logged, and the clerk's issuance panel offers to compute the fee once the
    table is corrected.  Returns the payment, if one was assessed."""
    with transaction.atomic():
        locked = _lock(application)
        if locked.status not in (Status.GRANTED, Status.DENIED):
            raise IssuanceError("not_decided")
        _certificate_ensure(
            locked, Kind.DECISION_NOTICE, issued_on=timezone.localdate()
        )
        enqueue_on_commit("review.tasks.render_certificates", locked.pk)
        if locked.status != Status.GRANTED:
            return None
        try:
            with transaction.atomic():
                return fee_assess(application=locked, actor=actor)
        except FeeUnknown as exc:
            logger.error("fee for application %s not assessed: %s", locked.pk, exc)
            return None


def fee_assess(*, application: Application, actor: Any) -> Payment:
    """Create the application's Payment with the fee due (``fee_items``) and
    tell the organisation's users what to pay and send (``fee_due``).

    Idempotent: an existing payment is returned unchanged.  Only for a
    granted application (IssuanceError "not_granted").  A total of 0 is
    confirmed at once (CONFIRM_FEE, no payment step).  Raises FeeUnknown
    when the fee table lacks a row."""
    with transaction.atomic():
        locked = _lock(application)
        existing = Payment.objects.filter(application=locked).first()
        if existing is not None:
            return existing
        if locked.status != Status.GRANTED:
            raise IssuanceError("not_granted")
        items = fee_items(locked)
        total = sum(item.amount for item in items)
        now = timezone.now()
        payment = Payment.objects.create(
            application=locked,
            amount_due=total,
            **(
                {"state": Payment.State.PAID, "amount_received": 0, "paid_at": now}
                if total == 0
                else {}
            ),
        )
        audit_record(
            actor=actor,
            action="payment.assess",
            obj=locked,
            organization_code=locked.organization.code,
            data={"amount_due": total, "items": len(items)},
        )
        notify_organization(
            locked,
            "fee_due",
            {
                "amount": total,
                "amount_text": f"{total:,}",
                "lines": [
                    {
                        "type_ja": i.application.application_type.name_ja,
                        "type_en": i.application.application_type.name_en,
                        "variant": i.application.reentry_variant or "",
                        "amount_text": f"{i.amount:,}",
                    }
                    for i in items
                ],
                "card_exchange": needs_current_card(locked),
                "certificate_only": electronic_only(locked),
            },
            link=payment_link(locked),
        )
        if total == 0:
            application_transition(
                application=locked,
                action=Action.CONFIRM_FEE,
                actor=actor,
                note="no fee",
                expected_status=Status.GRANTED,
            )
    return payment


# --- What the user sends -------------------------------------------------------------------------


RETURN_METHODS_CARD = (
    Dispatch.Method.REGISTERED_MAIL,
    Dispatch.Method.LETTER_PACK,
    Dispatch.Method.COUNTER,
)
RETURN_METHODS_CERTIFICATE = (Dispatch.Method.EMAIL, *RETURN_METHODS_CARD)


def return_methods(application: Application) -> tuple[str, ...]:
    return (
        RETURN_METHODS_CERTIFICATE
        if electronic_only(application)
        else RETURN_METHODS_CARD
    )


def payment_declare(
    *, application: Application, actor: Any, return_method: str, current_card_sent: bool
) -> Payment:
    """The organisation's user declares how the result comes back (the
    return envelope with postage, a Letter Pack Plus, the counter, or email
    for a certificate) and that the current card is enclosed.  May be
    changed until the office records the card's arrival or issues."""
    with transaction.atomic():
        locked = _lock(application)
        _require_filer(actor, locked)
        if locked.status not in (Status.GRANTED, Status.FEE_PAID):
            raise IssuanceError("declaration_closed")
        payment = Payment.objects.select_for_update().filter(application=locked).first()
        if payment is None:
            raise IssuanceError("fee_not_assessed")
        if payment.card_received_at is not None:
            raise IssuanceError("declaration_closed")
        if return_method not in return_methods(locked):
            raise IssuanceError("return_method")
        if needs_current_card(locked) and not current_card_sent:
            raise IssuanceError("card_sent_required")
        payment.return_method = return_method
        payment.current_card_sent = bool(current_card_sent) and needs_current_card(
            locked
        )
        payment.declared_by = actor
        payment.declared_at = timezone.now()
        payment.save(
            update_fields=[
                "return_method",
                "current_card_sent",
                "declared_by",
                "declared_at",
            ]
        )
        audit_record(
            actor=actor,
            action="payment.declare",
            obj=locked,
            organization_code=locked.organization.code,
            data={
                "return_method": return_method,
                "card_sent": payment.current_card_sent,
            },
        )
    return payment


# --- Payment ----------------------------------------------------------------------------------------


def _payment_for_update(locked: Application) -> Payment:
    payment = Payment.objects.select_for_update().filter(application=locked).first()
    if payment is None:
        raise IssuanceError("fee_not_assessed")
    return payment


def payment_record_stamps(
    *, application: Application, actor: Any, amount: int
) -> Application:
    """The clerk records the revenue stamps on the fee slip: exactly the
    amount due, or AmountMismatch (nothing recorded).  Confirms the fee
    (CONFIRM_FEE, ``payment_received``).  Repeating it once paid is a no-op."""
    with transaction.atomic():
        locked = _lock(application)
        _require_clerk(actor, locked)
        payment = _payment_for_update(locked)
        if payment.state == Payment.State.PAID:
            return locked
        if locked.status != Status.GRANTED:
            raise IssuanceError("not_awaiting_payment")
        if amount != payment.amount_due:
            raise AmountMismatch(due=payment.amount_due, received=amount)
        payment.method = Payment.Method.STAMPS
        payment.state = Payment.State.PAID
        payment.amount_received = amount
        payment.recorded_by = actor
        payment.paid_at = timezone.now()
        payment.save(
            update_fields=[
                "method",
                "state",
                "amount_received",
                "recorded_by",
                "paid_at",
            ]
        )
        return application_transition(
            application=locked,
            action=Action.CONFIRM_FEE,
            actor=actor,
            note="revenue stamps",
            expected_status=Status.GRANTED,
            notify_kind="payment_received",
            notify_context={"amount_text": f"{amount:,}", "method": "stamps"},
        )


@dataclass(frozen=True)
class CallbackOutcome:
    """``applied``: this callback confirmed the fee; ``replay``: the same
    reference was already applied (a no-op)."""

    application: Application
    applied: bool
    replay: bool


def payment_confirm_callback(*, result: CallbackResult) -> CallbackOutcome:
    """Apply a verified provider callback (see ``review.payments``).

    * the same reference again → a no-op (``replay``), whatever else changed;
    * an unknown application, a payment already confirmed under another
      reference, a reference used by another payment, an application not
      waiting for the fee, or an amount different from the amount due →
      IssuanceError (``unknown``, ``already_paid``, ``reference_reused``,
      ``not_awaiting_payment``, ``amount_mismatch``), with an audit record of
      the refusal written after the rollback;
    * otherwise the payment is recorded and the fee confirmed (CONFIRM_FEE,
      ``payment_received``)."""
    if not result.valid:
        raise IssuanceError("bad_signature")
    application = (
        Application.objects.filter(
            code=result.application_code, main__isnull=True
        ).first()
        if _is_uuid(result.application_code)
        else None
    )
    if application is None:
        _audit_callback_refusal(None, result, "unknown")
        raise IssuanceError("unknown")
    try:
        return _apply_callback(application, result)
    except IssuanceError as exc:
        _audit_callback_refusal(application, result, exc.code)
        raise


def _apply_callback(
    application: Application, result: CallbackResult
) -> CallbackOutcome:
    with transaction.atomic():
        locked = _lock(application)
        payment = _payment_for_update(locked)
        if payment.state == Payment.State.PAID:
            if payment.provider_reference == result.reference:
                return CallbackOutcome(application=locked, applied=False, replay=True)
            raise IssuanceError("already_paid")
        if locked.status != Status.GRANTED:
            raise IssuanceError("not_awaiting_payment")
        if result.amount != payment.amount_due:
            raise AmountMismatch(due=payment.amount_due, received=result.amount)
        payment.method = Payment.Method.PROVIDER
        payment.state = Payment.State.PAID
        payment.amount_received = result.amount
        payment.provider_reference = result.reference
        payment.paid_at = timezone.now()
        try:
            with transaction.atomic():
                payment.save(
                    update_fields=[
                        "method",
                        "state",
                        "amount_received",
                        "provider_reference",
                        "paid_at",
                    ]
                )
        except IntegrityError:
            raise IssuanceError("reference_reused") from None
        updated = application_transition(
            application=locked,
            action=Action.CONFIRM_FEE,
            actor=None,
            note=f"electronic payment {result.reference}",
            expected_status=Status.GRANTED,
            notify_kind="payment_received",
            notify_context={"amount_text": f"{result.amount:,}", "method": "provider"},
        )
    return CallbackOutcome(application=updated, applied=True, replay=False)


def _is_uuid(value: str) -> bool:
    import uuid

    try:
        uuid.UUID(value)
    except (ValueError, TypeError, AttributeError):
        return False
    return True


def _audit_callback_refusal(
    application: Application | None, result: CallbackResult, reason: str
) -> None:
    with transaction.atomic():
        audit_record(
            actor=None,
            action="payment.callback_refused",
            obj=application,
            organization_code=application.organization.code if application else None,
            data={
                "reason": reason,
                "amount": result.amount,
                "reference": result.reference,
            },
        )
    logger.warning(
        "payment callback refused (%s): application %s reference %s amount %s",
        reason,
        result.application_code,
        result.reference,
        result.amount,
    )


def payment_callback_refused_signature(*, error: str) -> None:
    """Log a callback whose signature or shape was refused.  Not audited:
    anyone can post garbage to the public callback URL, and it must not fill
    the audit trail; refusals of signed callbacks are audited."""
    logger.warning("payment callback refused: %s", error)


# --- The card and the certificates -----------------------------------------------------------


def card_receipt_record(*, application: Application, actor: Any) -> Payment:
    """The clerk records that the current residence card has arrived (it is
    exchanged for the new one).  Idempotent."""
    with transaction.atomic():
        locked = _lock(application)
        _require_clerk(actor, locked)
        if not needs_current_card(locked):
            raise IssuanceError("no_card_needed")
        if locked.status not in (Status.GRANTED, Status.FEE_PAID):
            raise IssuanceError("not_issuable")
        payment = _payment_for_update(locked)
        if payment.card_received_at is not None:
            return payment
        payment.card_received_at = timezone.now()
        payment.card_received_by = actor
        payment.save(update_fields=["card_received_at", "card_received_by"])
        audit_record(
            actor=actor,
            action="payment.card_received",
            obj=locked,
            organization_code=locked.organization.code,
        )
    return payment


def _certificate_ensure(
    application: Application, kind: str, *, issued_on: date
) -> Certificate:
    """The application's certificate of ``kind``, created once (unique per
    application and kind); an electronic COE gets a fresh verification code
    (retried on a collision) and its expiry."""
    existing = Certificate.objects.filter(application=application, kind=kind).first()
    if existing is not None:
        return existing
    if kind != Kind.COE:
        return Certificate.objects.create(application=application, kind=kind)
    for _attempt in range(ALLOCATION_ATTEMPTS):
        try:
            with transaction.atomic():
                return Certificate.objects.create(
                    application=application,
                    kind=kind,
                    verification_code=generate_verification_code(),
                    valid_until=issued_on + COE_VALIDITY,
                )
        except IntegrityError:
            if Certificate.objects.filter(application=application, kind=kind).exists():
                return Certificate.objects.get(application=application, kind=kind)
            logger.warning("verification code collision; drawing another")
    raise RuntimeError("could not allocate a verification code")


def _card_create(
    *, application: Application, decision: Decision, actor: Any, issued_on: date
) -> ResidenceCard:
    """A new card with a fresh random number.  The number is unique in the
    database; on a collision another number is drawn (in a savepoint, so the
    failed insert leaves nothing), never two cards with one number."""
    status = decision.granted_status or application.target_status
    if status is None:
        status = application.foreign_national.current_status
    if status is None:
        raise IssuanceError("no_status")
    expiry = card_expiry(
        application=application, decision=decision, decided_on=issued_on
    )
    for _attempt in range(ALLOCATION_ATTEMPTS):
        number = generate_card_number()
        try:
            with transaction.atomic():
                return ResidenceCard.objects.create(
                    application=application,
                    number=number,
                    status=status,
                    period=decision.granted_period,
                    expiry=expiry,
                    issued_by=actor,
                )
        except IntegrityError:
            if ResidenceCard.objects.filter(application=application).exists():
                return ResidenceCard.objects.get(application=application)
            logger.warning("residence card number collision; drawing another")
    raise RuntimeError("could not allocate a residence card number")


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
        locked = _lock(application)
        _require_clerk(actor, locked)
        if locked.status == Status.ISSUED:
            return locked
        if locked.status != Status.FEE_PAID:
            raise IssuanceError("not_issuable")
        decision = approved_grant(locked)
        if decision is None:
            raise IssuanceError("no_grant")
        payment = _payment_for_update(locked)
        if needs_current_card(locked) and payment.card_received_at is None:
            raise IssuanceError("card_not_received")
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
        companions = companions_of(locked)
        for kind in certificate_kinds(locked, companions):
            _certificate_ensure(locked, kind, issued_on=today)
        updated = application_transition(
            application=locked,
            action=Action.ISSUE,
            actor=actor,
            expected_status=Status.FEE_PAID,
            notify_kind="card_issued",
            notify_context={
                "card": card is not None,
                "card_expiry": card.expiry.isoformat() if card else "",
                "certificate_only": electronic_only(locked),
                "return_method": payment.return_method,
            },
        )
        enqueue_on_commit("review.tasks.render_certificates", locked.pk)
    return updated


# --- Dispatch and handover ---------------------------------------------------------------------


TRACKED_METHODS = frozenset(
    {Dispatch.Method.REGISTERED_MAIL, Dispatch.Method.LETTER_PACK}
)


def normalize_tracking_number(value: str) -> str | None:
    """Japan Post tracking numbers: 11 to 13 digits, printed in groups
    ("1234-5678-9012").  Returns the digits, or None for another shape.
    Full-width digits and hyphens are accepted."""
    import unicodedata

    text = unicodedata.normalize("NFKC", value or "")
    for separator in ("-", " ", "‐", "−", "ー"):
        text = text.replace(separator, "")
    if text.isascii() and text.isdigit() and 11 <= len(text) <= 13:
        return text
    return None


def application_dispatch(
    *, application: Application, actor: Any, method: str, tracking_number: str = ""
) -> Application:
    """The clerk sends the card or certificate: by registered mail or Letter
    Pack Plus (with a Japan Post tracking number of 11–13 digits), at the
    counter, or — certificates only — by email (the user downloads the PDF).
    DISPATCH, ``card_dispatched``.  Repeating it once dispatched is a no-op."""
    with transaction.atomic():
        locked = _lock(application)
        _require_clerk(actor, locked)
        if locked.status == Status.DISPATCHED:
            return locked
        if locked.status != Status.ISSUED:
            raise IssuanceError("not_dispatchable")
        if method not in Dispatch.Method.values:
            raise IssuanceError("method")
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
        payment = Payment.objects.filter(application=locked).first()
        Dispatch.objects.create(
            application=locked,
            method=method,
            tracking_number=tracking,
            dispatched_by=actor,
            card_received_at=payment.card_received_at if payment else None,
        )
        return application_transition(
            application=locked,
            action=Action.DISPATCH,
            actor=actor,
            expected_status=Status.ISSUED,
            notify_kind="card_dispatched",
            notify_context={"method": method, "tracking_number": tracking},
        )


def application_record_handover(*, application: Application, actor: Any) -> Application:
    """The organisation's user records that the foreign national has the
    card or certificate: RECORD_HANDOVER → completed,
    ``application_completed``.  Repeating it is a no-op."""
    with transaction.atomic():
        locked = _lock(application)
        _require_filer(actor, locked)
        if locked.status == Status.COMPLETED:
            return locked
        if locked.status != Status.DISPATCHED:
            raise IssuanceError("not_dispatched")
        return application_transition(
            application=locked,
            action=Action.RECORD_HANDOVER,
            actor=actor,
            expected_status=Status.DISPATCHED,
            notify_kind="application_completed",
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
