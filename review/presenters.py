"""What the review pages show, built outside the views (testable without a
client): the issuance panel (fee, payment, card, certificates, dispatch and
the actions open to the user, from ``review.rules``), the case page's
buttons (from the same rules) and its deadlines."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.urls import reverse
from django.utils import timezone
from django.utils.dates import MONTHS_3
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from applications.eligibility import special_period_end
from applications.models import Application
from applications.workflow import AFTER_DECISION, AFTER_GRANT, Status
from portal.lib import charts
from portal.lib.i18n import page_language
from review.errors import FeeUnknown
from review.issuance_rules import (
    FeeItem,
    card_expiry,
    certificate_kinds,
    fee_items,
    issues_card,
    needs_current_card,
)
from review.models import Certificate, Decision, Dispatch, Payment
from review.permissions import Role, has_role
from review.rules import CaseAction, IssuanceAction, IssuanceFacts, issuance_actions
from review.selectors import (
    approved_decision_once,
    card_once,
    companions_of,
    dispatch_once,
    earlier_period_expiry_once,
    payment_once,
)

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

    Query cost: none before a decision; after it, one query for the approved
    decision, payment, card and dispatch, one for the certificates, plus —
    unless the caller passes what it already loaded — one for the
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
    # One query (review.selectors._decided_records) for the decision, the
    # payment, the card and the dispatch, shared with the rest of the page.
    if decisions is None:
        decision = approved_decision_once(application)
    else:
        decision = next(
            (d for d in decisions if d.state == Decision.State.APPROVED), None
        )
    payment = payment_once(application)
    card = card_once(application)
    dispatch_row = dispatch_once(application)
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


def issuance_checklist(issuance: dict[str, Any]) -> list[dict[str, Any]]:
    """The clerk's numbered checklist (issue 12): fee, the current card when
    one is exchanged, issue, dispatch — each done or not, and the page that
    takes the step when the clerk may take it now."""
    if not issuance.get("after_grant"):
        return []
    application = issuance["application"]
    payment = issuance.get("payment")
    status = application.status
    issued = status in (Status.ISSUED, Status.DISPATCHED, Status.COMPLETED)
    steps: list[dict[str, Any]] = [
        {
            "title": _("Fee: revenue stamps or online payment"),
            "done": bool(payment and payment.state == Payment.State.PAID),
            "url": reverse("review:issuance_stamps", args=[application.code])
            if issuance.get("can_record_stamps")
            else "",
        }
    ]
    if issuance.get("needs_card"):
        steps.append(
            {
                "title": _("Current residence card received"),
                "done": bool(issuance.get("card_received")),
                "url": "",
                "post": reverse(
                    "review:issuance_card_received", args=[application.code]
                )
                if issuance.get("can_record_card")
                else "",
            }
        )
    steps += [
        {
            "title": _("Issue"),
            "done": issued,
            "url": reverse("review:issuance_issue", args=[application.code])
            if issuance.get("can_issue")
            else "",
        },
        {
            # Counter collection is a handover, not a dispatch (item 6).
            "title": _("Hand over at the counter")
            if payment is not None and payment.return_method == Dispatch.Method.COUNTER
            else _("Dispatch"),
            "done": issuance.get("dispatch") is not None,
            "url": reverse("review:issuance_dispatch", args=[application.code])
            if issuance.get("can_dispatch")
            else "",
        },
    ]
    return steps


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


# --- The outcome panel of the user's case page -------------------------------------------

# After a denial of a change or extension (domain facts §2.2).
DENIAL_STAY_TYPES = frozenset({"change", "extension"})


def _status_label(status: Any) -> str:
    from applications.forms import localized_name

    return localized_name(status) if status is not None else ""


def outcome_panel(
    request: Any, application: Application
) -> tuple[str, dict[str, Any]] | None:
    """The decision panel that leads the user's case page once a decision is
    made: granted or denied; the status and period granted next to those
    applied for; the new expiry date; the new card number once issued; on a
    denial the reasons and what the person can do; the next steps with
    their dates.  Registered in ``ReviewConfig.ready``."""
    from applications.application_forms.online_scope import issues_residence_card
    from applications.selectors import case_events_once
    from applications.validators import period_label
    from applications.workflow import Action
    from review.issuance_rules import card_status_code, issues_card, period_expiry

    if application.status not in AFTER_DECISION:
        return None
    decision = approved_decision_once(application)
    if decision is None:
        return None
    person = application.foreign_national
    granted = decision.outcome == Decision.Outcome.GRANT
    moments: dict[str, Any] = {}
    for event in case_events_once(application):
        moments[event.action] = timezone.localtime(event.at)
    decided_at = (
        timezone.localtime(application.decided_at) if application.decided_at else None
    )
    context: dict[str, Any] = {
        "application": application,
        "granted": granted,
        "decided_at": decided_at,
        "type_code": application.application_type.code,
        # The case page leaves out its own "not granted" banner: this panel
        # says it, with the reasons and what the person can do.
        "states_outcome": True,
    }
    if not granted:
        context["reasons"] = decision.denial_reasons
        context["stay_type"] = application.application_type.code in DENIAL_STAY_TYPES
        context["period_expiry"] = person.period_expiry
        return "review/_outcome_panel.html", context

    requested_status = application.target_status or person.current_status
    granted_status = decision.granted_status or requested_status
    card = card_once(application)
    history = (
        earlier_period_expiry_once(application)
        if application.status in (Status.ISSUED, Status.DISPATCHED, Status.COMPLETED)
        else True
    )
    decided_on = timezone.localdate(application.decided_at) if decided_at else None
    new_expiry = (
        period_expiry(
            application=application,
            decision=decision,
            decided_on=decided_on,
            current_expiry=history,
        )
        if decided_on and decision.granted_period
        else None
    )
    no_card_status = not issues_residence_card(card_status_code(application, decision))
    payment = payment_once(application)
    dispatch = dispatch_once(application)
    gives_card = issues_card(application, decision)
    steps: list[dict[str, Any]] = []
    if payment is not None and payment.amount_due:
        steps.append(
            {
                "title": _("Pay the fee"),
                "text": _("¥%(amount)s") % {"amount": f"{payment.amount_due:,}"},
                "date": moments.get(Action.CONFIRM_FEE),
                "done": Action.CONFIRM_FEE in moments,
            }
        )
    steps.append(
        {
            "title": _("Residence card issued")
            if gives_card
            else _("Documents issued"),
            "text": card.number if card else "",
            "date": moments.get(Action.ISSUE),
            "done": Action.ISSUE in moments,
        }
    )
    steps.append(
        {
            "title": _("Sent to you"),
            "text": (
                _("Tracking number %(number)s") % {"number": dispatch.tracking_number}
                if dispatch and dispatch.tracking_number
                else (dispatch.get_method_display() if dispatch else "")
            ),
            "date": moments.get(Action.DISPATCH),
            "done": Action.DISPATCH in moments,
        }
    )
    steps.append(
        {
            "title": _("Received by the person"),
            "text": "",
            "date": moments.get(Action.RECORD_HANDOVER),
            "done": Action.RECORD_HANDOVER in moments,
        }
    )
    context.update(
        {
            "requested_status": _status_label(requested_status),
            "granted_status": _status_label(granted_status),
            "status_differs": requested_status is not None
            and granted_status is not None
            and requested_status.pk != granted_status.pk,
            "requested_period": period_label(application.requested_period)
            if application.requested_period
            else "",
            "granted_period": period_label(decision.granted_period)
            if decision.granted_period
            else "",
            "period_differs": bool(application.requested_period)
            and application.requested_period != decision.granted_period,
            "new_expiry": new_expiry,
            "card_number": card.number if card else "",
            "card_expiry": card.expiry if card else None,
            "no_card_status": no_card_status,
            "steps": steps,
            "payment_url": reverse("review:payment", args=[application.code])
            if payment is not None
            else "",
        }
    )
    return "review/_outcome_panel.html", context


# --- The application form on the office's case page ---------------------------------------


def examined_form(application: Application, language: str) -> dict[str, Any]:
    """The 申請書 answers as the examiner reads them: the sectioned summary
    (``application_forms.presenters.form_summary`` with the edition the case
    was filed under), rows that differ from the person's record as sent
    marked, and those rows gathered for the flag at the top of the page (an
    answer that contradicts the record, e.g. another card number, is shown
    to the examiner, never refused).  Empty for a case filed without the
    form (older applications)."""
    from applications.presenters import sent_form_sections

    # The same reading as the user's read-only copy (the edition the case
    # was filed under, rows compared with the person's record as sent).
    sections = sent_form_sections(application, language)
    if not sections:
        return {"sections": [], "differences": []}
    differences = [
        {"section": section.title, "row": row}
        for section in sections
        for row in section.rows
        if row.differs_from_record
    ]
    return {"sections": sections, "differences": differences}


# --- Work trays (the officer's dashboard) -----------------------------------------------


@dataclass
class Tray:
    """One count on an officer's dashboard, linking to the queue filtered
    to exactly those cases."""

    label: str
    count: int
    query: str
    urgent: bool = False


def officer_trays(*, user: Any, today: date) -> dict[str, Any]:
    """Each role's work as counts (issue 12): the office-wide numbers come
    from the queue's summary (no scan per page); the examiner's own cases and
    the supervisor's per-examiner workload are one query each."""
    from accounts.models import OfficerRole
    from review import selectors
    from review.permissions import case_office_ids, has_role

    Role = OfficerRole.Role
    offices = case_office_ids(user)
    counts = selectors.case_queue_counts(office_ids=offices, today=today)

    def n(status: str) -> int:
        return counts.get(status, {}).get("n", 0)

    result: dict[str, Any] = {}
    if any(has_role(user, Role.EXAMINER, o) for o in offices):
        mine = selectors.my_open_case_counts(user=user, office_ids=offices, today=today)
        result["examiner"] = [
            Tray(_("Not started"), n(Status.SUBMITTED), "status=submitted"),
            Tray(_("Assigned to you"), mine["mine"], "assignee=me"),
            Tray(_("Answers received"), mine["answered"], "assignee=me&answered=on"),
            Tray(
                _("Overdue requests for documents"),
                mine["overdue"],
                "assignee=me&overdue=on",
                urgent=True,
            ),
        ]
    supervised = {o for o in offices if has_role(user, Role.SUPERVISOR, o)}
    if supervised:
        result["supervisor"] = [
            Tray(
                _("Recommendations waiting for approval"),
                n(Status.DECISION_PROPOSED),
                "status=decision_proposed",
            ),
            Tray(
                _("Overdue requests for documents"),
                sum(item["overdue"] for item in counts.values()),
                "overdue=on",
                urgent=True,
            ),
        ]
        result["workload"] = selectors.examiner_workload(
            office_ids=supervised, today=today
        )
        result["workload_chart"] = workload_chart(result["workload"])
    if any(has_role(user, Role.CLERK, o) for o in offices):
        result["clerk"] = [
            Tray(_("Fee to confirm"), n(Status.GRANTED), "status=granted"),
            Tray(_("To issue"), n(Status.FEE_PAID), "status=fee_paid"),
            Tray(_("To dispatch"), n(Status.ISSUED), "status=issued"),
        ]
    return result


def workload_chart(workload: list[Any]) -> str:
    """The supervisor's office workload as bars: each examiner's open cases
    and, below, those with an overdue request for documents; each bar says
    what it counts (the table beside it has the same figures)."""
    if not workload:
        return ""
    return charts.bar_chart(
        chart_id="workload-chart",
        title=_("Open and overdue cases per examiner"),
        categories=[load.name for load in workload],
        series=[
            charts.Series(
                name=_("Open cases"),
                values=[load.open for load in workload],
                labels=[
                    ngettext("%(count)s open", "%(count)s open", load.open)
                    % {"count": load.open}
                    for load in workload
                ],
            ),
            charts.Series(
                name=_("Overdue"),
                values=[load.overdue for load in workload],
                labels=[
                    ngettext("%(count)s overdue", "%(count)s overdue", load.overdue)
                    % {"count": load.overdue}
                    for load in workload
                ],
            ),
        ],
    )


def month_labels(months: list[date]) -> list[tuple[str, str]]:
    """Short month names for a chart's axis, with the year under the first
    month and under each January: 1月 / 2026年 in Japanese, Jan / 2026 in
    English."""
    japanese = page_language() == "ja"
    labels = []
    for index, month in enumerate(months):
        short = f"{month.month}月" if japanese else str(MONTHS_3[month.month]).title()
        year = ""
        if index == 0 or month.month == 1:
            year = f"{month.year}年" if japanese else str(month.year)
        labels.append((short, year))
    return labels


@dataclass(frozen=True)
class ChartView:
    """A chart and its title (shown as the figure's caption)."""

    title: str
    svg: str


def processing_time_trend_chart(
    trend: list[Any], *, office: Any | None, application_type: Any | None
) -> ChartView | None:
    """The trend by month (``review.processing_times.MonthFigure``) of one
    office (None: all) and one type (None: all) as two lines, median and 90th
    percentile, with gaps for months with too few decisions; None when no
    month has a figure."""
    if not any(month.median_days is not None for month in trend):
        return None
    english = page_language() == "en"

    def name(obj: Any | None, everything: str) -> str:
        if obj is None:
            return everything
        return str((english and obj.name_en) or obj.name_ja)

    office_name = name(office, _("All offices"))
    type_name = name(application_type, _("All types"))
    title = _("Days from receipt to decision by month (%(office)s, %(type)s)") % {
        "office": office_name,
        "type": type_name,
    }
    svg = charts.line_chart(
        chart_id="trend-chart",
        title=title,
        x_labels=month_labels([month.month for month in trend]),
        series=[
            charts.Series(
                name=_("Median"), values=[month.median_days for month in trend]
            ),
            charts.Series(
                name=_("90th percentile"), values=[month.p90_days for month in trend]
            ),
        ],
        y_label=_("Days"),
    )
    return ChartView(title=title, svg=svg)
