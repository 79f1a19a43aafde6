"""The fee and its payment: assessing the fee due on a grant, the
organisation's declaration of what it sends, the clerk's record of revenue
stamps, and the electronic provider's signed callback.

    GRANTED ──CONFIRM_FEE──▶ FEE_PAID

Who may act, and when, is asked of ``review.rules`` (the pages show the
buttons from the same rule).  Every service locks the application row first
(``applications.services.lock_case``) and then its payment, so two clerks,
or a clerk and the provider's callback, serialise; a repeated action is a
no-op.
"""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from applications.models import Application
from applications.services import (
    application_transition,
    lock_case,
    notify_organization,
)
from applications.workflow import Action, Status
from portal.audit.events import AuditAction
from portal.audit.services import audit_record
from portal.lib.errors import next_state
from portal.notifications.kinds import NotificationKind
from review.errors import AmountMismatch, FeeUnknown, IssuanceError
from review.issuance_rules import (
    FeeItem,
    electronic_only,
    fee_items,
    needs_current_card,
    return_methods,
)
from review.models import Payment
from review.payments import CallbackResult
from review.payments import provider as payment_provider
from review.rules import (
    IssuanceAction,
    IssuanceFacts,
    issuance_refusal,
    issuance_state_refusal,
    require_issuance_action,
    require_issuance_actor,
)
from review.selectors import companions_of
from review.workflow import PAYMENT_TRANSITIONS

logger = logging.getLogger(__name__)

# Re-exported: callers catch the errors of these services from here.
__all__ = [
    "AmountMismatch",
    "CallbackOutcome",
    "FeeUnknown",
    "IssuanceError",
    "fee_assess",
    "payment_confirm_callback",
    "payment_declare",
    "payment_record_stamps",
]


def payment_link(application: Application) -> str:
    return reverse("review:payment", args=[application.code])


def payment_for_update(locked: Application) -> Payment:
    """The payment of a case whose application row the caller has locked;
    IssuanceError ``fee_not_assessed`` when there is none yet."""
    payment = Payment.objects.select_for_update().filter(application=locked).first()
    if payment is None:
        raise IssuanceError("fee_not_assessed")
    return payment


# --- The fee ---------------------------------------------------------------------------------


def fee_assess(*, application: Application, actor: Any) -> Payment:
    """Create the application's Payment with the fee due (``fee_items``) and
    tell the organisation's users what to pay and send (``fee_due``).

    Idempotent: an existing payment is returned unchanged.  Only for a
    granted application (IssuanceError "not_granted").  A total of 0 is
    confirmed at once (CONFIRM_FEE, no payment step).  Raises FeeUnknown
    when the fee table lacks a row.  ``actor`` is a clerk of the case's
    office (PermissionDenied otherwise), or None for the system (the sweep);
    the approval's follow-up assesses through ``fee_assess_on_approval``."""
    with transaction.atomic():
        locked = lock_case(application)
        if actor is not None:
            require_issuance_actor(actor, locked, IssuanceAction.ASSESS_FEE)
        return fee_assess_on_approval(application=locked, actor=actor)


def fee_assess_on_approval(
    *, application: Application, actor: Any, announce: bool = True
) -> Payment:
    """``fee_assess`` for the approving supervisor's transaction: the fee
    follows from the approval, so the supervisor need not be a clerk.

    ``announce=False``: no ``fee_due`` notification, because the caller
    tells the organisation the fee in its own message about the same event
    (the grant: one message per event)."""
    with transaction.atomic():
        locked = lock_case(application)
        existing = Payment.objects.filter(application=locked).first()
        if existing is not None:
            return existing
        refusal = issuance_state_refusal(
            IssuanceFacts(application=locked), IssuanceAction.ASSESS_FEE
        )
        if refusal is not None:
            raise refusal
        items = fee_items(locked, companions_of(application=locked))
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
            action=AuditAction.PAYMENT_ASSESS,
            obj=locked,
            organization_code=locked.organization.code,
            data={"amount_due": total, "items": len(items)},
        )
        if announce:
            notify_organization(
                locked,
                NotificationKind.FEE_DUE,
                fee_due_context(locked, payment, items),
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


def fee_due_context(
    application: Application, payment: Payment, items: list[FeeItem] | None = None
) -> dict[str, Any]:
    """What a message about the fee due says: the amount and its lines, what
    to send, and whether this case's fee can be paid online (the electronic
    provider is configured and there is something to pay), so the message
    can say so plainly instead of "where the portal offers it"."""
    if items is None:
        items = fee_items(application, companions_of(application=application))
    total = payment.amount_due
    return {
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
        "card_exchange": needs_current_card(application),
        "certificate_only": electronic_only(application),
        "online_payment": bool(total) and payment_provider() is not None,
    }


# --- What the user sends -------------------------------------------------------------------


def payment_declare(
    *, application: Application, actor: Any, return_method: str, current_card_sent: bool
) -> Payment:
    """The organisation's user declares how the result comes back (the
    return envelope with postage, a Letter Pack Plus, the counter, or email
    for a certificate) and that the current card is enclosed.  May be
    changed until the office records the card's arrival or issues."""
    with transaction.atomic():
        locked = lock_case(application)
        payment = Payment.objects.select_for_update().filter(application=locked).first()
        require_issuance_action(
            actor,
            IssuanceFacts(application=locked, payment=payment),
            IssuanceAction.DECLARE,
        )
        if payment is None:  # refused above; this narrows the type
            raise IssuanceError("fee_not_assessed")
        if return_method not in return_methods(locked):
            raise IssuanceError("return_method_required")
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
            action=AuditAction.PAYMENT_DECLARE,
            obj=locked,
            organization_code=locked.organization.code,
            data={
                "return_method": return_method,
                "card_sent": payment.current_card_sent,
            },
        )
    return payment


# --- Payment -------------------------------------------------------------------------------


def payment_record_stamps(
    *, application: Application, actor: Any, amount: int
) -> Application:
    """The clerk records the revenue stamps on the fee slip: exactly the
    amount due, or AmountMismatch (nothing recorded).  Confirms the fee
    (CONFIRM_FEE, ``payment_received``).  Repeating it once paid is a no-op."""
    with transaction.atomic():
        locked = lock_case(application)
        payment = Payment.objects.select_for_update().filter(application=locked).first()
        refusal = issuance_refusal(
            actor,
            IssuanceFacts(application=locked, payment=payment),
            IssuanceAction.RECORD_STAMPS,
        )
        if isinstance(refusal, IssuanceError) and refusal.code == "already_paid":
            return locked  # a second click
        if refusal is not None:
            raise refusal
        if payment is None:  # refused above; this narrows the type
            raise IssuanceError("fee_not_assessed")
        if amount != payment.amount_due:
            raise AmountMismatch(due=payment.amount_due, received=amount)
        payment.method = Payment.Method.STAMPS
        payment.state = next_state(
            PAYMENT_TRANSITIONS, payment.state, Action.CONFIRM_FEE
        )
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
            notify_kind=NotificationKind.PAYMENT_RECEIVED,
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
      IssuanceError (``unknown_application``, ``already_paid``,
      ``reference_reused``, ``not_awaiting_payment``, ``amount_mismatch``),
      with an audit record of the refusal written after the rollback;
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
        raise IssuanceError("unknown_application")
    try:
        return _apply_callback(application, result)
    except IssuanceError as exc:
        _audit_callback_refusal(application, result, exc.code)
        raise


def _apply_callback(
    application: Application, result: CallbackResult
) -> CallbackOutcome:
    with transaction.atomic():
        locked = lock_case(application)
        payment = payment_for_update(locked)
        if (
            payment.state == Payment.State.PAID
            and payment.provider_reference == result.reference
        ):
            return CallbackOutcome(application=locked, applied=False, replay=True)
        refusal = issuance_state_refusal(
            IssuanceFacts(application=locked, payment=payment), IssuanceAction.PAY
        )
        if refusal is not None:
            raise refusal
        if result.amount != payment.amount_due:
            raise AmountMismatch(due=payment.amount_due, received=result.amount)
        payment.method = Payment.Method.PROVIDER
        payment.state = next_state(
            PAYMENT_TRANSITIONS, payment.state, Action.CONFIRM_FEE
        )
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
            notify_kind=NotificationKind.PAYMENT_RECEIVED,
            notify_context={"amount_text": f"{result.amount:,}", "method": "provider"},
        )
    return CallbackOutcome(application=updated, applied=True, replay=False)


def _is_uuid(value: str) -> bool:
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
            action=AuditAction.PAYMENT_CALLBACK_REFUSED,
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
