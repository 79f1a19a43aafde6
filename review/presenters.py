"""What the review pages show, built outside the views (testable without a
client): the issuance panel (fee, payment, card, certificates, dispatch and
the actions open to the user, from ``review.rules``), the case page's
buttons (from the same rules), its deadlines and its documents grouped by
slot."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from applications.eligibility import special_period_end
from applications.models import Application
from applications.workflow import AFTER_DECISION, AFTER_GRANT, Status
from review.errors import FeeUnknown
from review.issuance_rules import (
    FeeItem,
    card_expiry,
    certificate_kinds,
    fee_items,
    issues_card,
    needs_current_card,
)
from review.models import Certificate, Decision, Dispatch, Payment, ResidenceCard
from review.permissions import Role, has_role
from review.rules import CaseAction, IssuanceAction, IssuanceFacts, issuance_actions
from review.selectors import approved_decision, companions_of

# The flags of the issuance panel, one per action of ``review.rules``.
ACTION_FLAGS: dict[IssuanceAction, str] = {
    IssuanceAction.ASSESS_FEE: "can_assess",
    IssuanceAction.RECORD_STAMPS: "can_record_stamps",
    IssuanceAction.RECORD_CARD: "can_record_card",
    IssuanceAction.ISSUE: "can_issue",
    IssuanceAction.DISPATCH: "can_dispatch",
    IssuanceAction.PAY: "fee_payable",
    IssuanceAction.DECLARE: "can_declare",
    IssuanceAction.RECORD_HANDOVER: "can_record_handover",
}


def issuance_panel_context(
    *,
    application: Application,
    user: Any,
    decisions: Iterable[Decision] | None = None,
    companions: Iterable[Application] | None = None,
    with_fee_items: bool = True,
) -> dict[str, Any]:
    """Context of ``review/issuance/_case_panel.html`` under the key
    ``issuance``: the fee, payment, consignment, card, certificates and
    dispatch of the case, and which actions are open to ``user`` (one flag
    per ``IssuanceAction``, from ``review.rules.issuance_actions``).

    Query cost: none before a decision; after it, one query for the payment,
    card and dispatch, one for the certificates, plus — unless the caller
    passes what it already loaded — one for the decisions and one for the
    companions.  ``with_fee_items`` adds the fee table lookups (one per
    application) for the breakdown of the fee; the officer case page passes
    False to keep its query budget."""
    status = application.status
    if status not in AFTER_DECISION:
        return {
            "application": application,
            "after_grant": False,
            "decided": False,
            "is_clerk": False,
            **dict.fromkeys(ACTION_FLAGS.values(), False),
        }
    if decisions is None:
        decision = approved_decision(application=application)
    else:
        decision = next(
            (d for d in decisions if d.state == Decision.State.APPROVED), None
        )
    facts = (
        Application.objects.filter(pk=application.pk)
        .select_related("payment", "residence_card__status", "dispatch")
        .get()
    )
    payment: Payment | None = getattr(facts, "payment", None)
    card: ResidenceCard | None = getattr(facts, "residence_card", None)
    dispatch_row: Dispatch | None = getattr(facts, "dispatch", None)
    companion_list = list(companions) if companions is not None else None
    items: list[FeeItem] = []
    fee_unknown = False
    if status in AFTER_GRANT and with_fee_items:
        if companion_list is None:
            companion_list = companions_of(application=application)
        try:
            items = fee_items(application, companion_list)
        except FeeUnknown:
            fee_unknown = True
    elif status == Status.GRANTED and payment is None:
        fee_unknown = True  # the follow-up could not assess it
    certificates = list(
        Certificate.objects.filter(application=application)
        .select_related("file_ja", "file_en")
        .order_by("created_at", "id")
    )
    is_clerk = has_role(user, Role.CLERK, application.office_id)
    needs_card = needs_current_card(application)
    card_received = bool(payment and payment.card_received_at)
    grant = (
        decision if decision and decision.outcome == Decision.Outcome.GRANT else None
    )
    gives_card = grant is not None and issues_card(application, grant)
    preview_expiry = None
    if grant and status == Status.FEE_PAID and gives_card:
        decided_on = (
            timezone.localdate(application.decided_at)
            if application.decided_at
            else timezone.localdate()
        )
        try:
            preview_expiry = card_expiry(
                application=application, decision=grant, decided_on=decided_on
            )
        except ValueError:
            preview_expiry = None
    kinds: list[str] = []
    if grant is not None:
        if companion_list is None:
            companion_list = companions_of(application=application)
        kinds = certificate_kinds(application, companion_list)
    actions = issuance_actions(
        user, IssuanceFacts(application=application, payment=payment, decision=decision)
    )
    return {
        "application": application,
        "decision": decision,
        "grant": grant,
        "payment": payment,
        "fee_items": items,
        "fee_total": sum(i.amount for i in items),
        "fee_unknown": fee_unknown,
        "needs_card": needs_card,
        "issues_card": gives_card,
        "card": card,
        "card_received": card_received,
        "preview_expiry": preview_expiry,
        "dispatch": dispatch_row,
        "certificates": certificates,
        "certificate_kinds": kinds,
        "is_clerk": is_clerk,
        **{flag: action in actions for action, flag in ACTION_FLAGS.items()},
        "after_grant": status in AFTER_GRANT,
        "decided": True,
        "denied": status == Status.DENIED,
        "completed": status == Status.COMPLETED,
    }


def documents_by_slot(documents: list[Any]) -> list[dict[str, Any]]:
    """The case's documents grouped by their slot, in the order given."""
    groups: dict[int, dict[str, Any]] = {}
    for document in documents:
        group = groups.setdefault(
            document.slot_id, {"slot": document.slot, "files": []}
        )
        group["files"].append(document.file)
    return list(groups.values())


def deadlines(application: Application, open_request: Any) -> list[dict[str, Any]]:
    """The dates the officer keeps in view: the current period of stay's
    expiry, the end of the special period, the due date of the open request
    for documents; each with the days left."""
    person = application.foreign_national
    today = timezone.localdate()
    rows: list[dict[str, Any]] = []
    if person.period_expiry:
        rows.append(
            {
                "label": _("Current period of stay expires"),
                "date": person.period_expiry,
                "days": (person.period_expiry - today).days,
            }
        )
    special = special_period_end(
        application_type=application.application_type.code,
        expiry=person.period_expiry,
        current_period=person.current_period or None,
    )
    if special is not None:
        rows.append(
            {
                "label": _(
                    "Special period ends (the person may stay until the decision or this day)"
                ),
                "date": special,
                "days": (special - today).days,
            }
        )
    if open_request is not None:
        rows.append(
            {
                "label": _("Requested documents due"),
                "date": open_request.due_date,
                "days": (open_request.due_date - today).days,
            }
        )
    return rows


def case_flags(actions: frozenset[CaseAction]) -> dict[str, bool]:
    """The case page's buttons, one flag per rule of ``review.rules``."""
    return {
        "can_claim": CaseAction.CLAIM in actions,
        "can_assign": CaseAction.ASSIGN in actions,
        "can_request_documents": CaseAction.REQUEST_DOCUMENTS in actions,
        "can_extend": CaseAction.EXTEND_DUE_DATE in actions,
        "can_recommend": CaseAction.RECOMMEND in actions,
        "can_review_decision": CaseAction.OPEN_DECISION in actions,
    }
