"""What the officer's case page shows, prepared for its Jinja2 fragments
(``review/jinja2/review/case_*.html``; portal/lib/jinja.py says why): texts
in the page's language, dates as the portal writes them, URLs.  The
fragments only lay these values out.

Texts with values are made here (``applications.presenters.translated``)
with the message ids the page's Django template used, so the catalogue and
the page read as before."""

from __future__ import annotations

from typing import Any

from django.template.defaultfilters import filesizeformat, linebreaksbr
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from accounts.models import User
from accounts.templatetags.accounts_format import bracketed
from applications.models import Application, ForeignNational
from applications.presenters import (
    document_groups,
    moment_text,
    printed_companions,
    printed_form_sections,
    summary_application_rows,
    summary_person_rows,
    translated,
)
from applications.templatetags.cases_tags import localized, period
from applications.workflow import STATUS_COLOURS, Action, Status
from portal.lib.jinja import display_date, iso_date
from portal.lib.urls import code_url
from review.models import Assignment, Decision, DocumentRequest
from review.selectors import CaseRequest, HistoryRow

# The examiner's names for the kinds of permission, shorter than the
# organisation's page's (``applications.presenters.OTHER_ACTIVITY_KINDS``).
ACTIVITY_KINDS = {
    "comprehensive": gettext_lazy("Comprehensive"),
    "individual": gettext_lazy("Individual"),
}


def _label(choices: Any, value: str | None) -> str:
    """The label of ``value`` among ``choices`` (a TextChoices class), or the
    value itself when it is not one of them (as ``status_label`` prints)."""
    try:
        return str(choices(value or "").label)
    except ValueError:
        return str(value or "")


def _tag_colour(status: str) -> str:
    return STATUS_COLOURS.get(status, "blue")


def head(
    *,
    application: Application,
    person: ForeignNational,
    assignment: Assignment | None,
    deadlines: list[dict[str, Any]],
    active_decision: Decision | None,
    form: dict[str, Any],
) -> dict[str, Any]:
    """The top of the page: caption, title, the examination summary."""
    differences = form["differences"]
    examiner = assignment.examiner if assignment is not None else None
    return {
        "caption": translated(
            _("Receipt number %(number)s"), number=application.receipt_number
        ),
        "type_name": localized(application.application_type),
        "person_name": f"{person.family_name} {person.given_name}",
        "status_label": application.get_status_display(),
        "status_colour": _tag_colour(application.status),
        "differences_title": translated(
            ngettext(
                "%(counter)s answer differs from the person's record",
                "%(counter)s answers differ from the person's record",
                len(differences),
            ),
            counter=len(differences),
        ),
        "differences": [
            {
                "section": difference["section"],
                "label": difference["row"].label,
                "value": difference["row"].value,
                "record": translated(
                    _("record: %(record)s"), record=difference["row"].record_value
                ),
            }
            for difference in differences
        ],
        "examiner": examiner.display_name + bracketed(examiner.username)
        if examiner is not None
        else _("Not assigned"),
        "deadlines": [
            {
                "label": row["label"],
                "iso": row["date"].isoformat(),
                "text": display_date(row["date"]),
                "passed": row["days"] < 0,
                "days": translated(
                    ngettext(
                        "(in %(counter)s day)", "(in %(counter)s days)", row["days"]
                    ),
                    counter=row["days"],
                ),
            }
            for row in deadlines
        ],
        "decision": _active_decision(active_decision),
    }


def _active_decision(decision: Decision | None) -> dict[str, Any] | None:
    if decision is None:
        return None
    summary = decision.get_outcome_display()
    if decision.outcome == Decision.Outcome.GRANT:
        summary += " — " + localized(decision.granted_status)
        if decision.granted_period:
            summary += ", " + period(decision.granted_period)
    names: Any = decision
    return {
        "heading": _("Recommendation awaiting approval")
        if decision.state == Decision.State.PROPOSED
        else _("Approved decision"),
        "summary": summary,
        "recommended_by": translated(
            _("Recommended by %(name)s"), name=names.proposer_name
        ),
    }


def sections(
    *,
    application: Application,
    person: ForeignNational,
    form: dict[str, Any],
    companions: list[Application],
    documents: list[tuple[Any, ...]],
    requests: list[CaseRequest],
    decisions: list[Decision],
) -> dict[str, Any]:
    """The application, its form, companions, the person, the documents,
    the requests for documents and the recommendations."""
    organization = application.organization
    submitted_by: User | None = application.submitted_by
    planned = (application.answers or {}).get("activity", "")
    download = code_url("files:download")
    return {
        "application_rows": summary_application_rows(application),
        "planned_activity": linebreaksbr(planned) if planned else "",
        "organization": localized(organization),
        "corporate_number": organization.corporate_number,
        "filed_by": submitted_by.display_name + bracketed(submitted_by.username)
        if submitted_by is not None
        else "—",
        "received": moment_text(application.submitted_at),
        "office": localized(application.office),
        "form_sections": printed_form_sections(form["sections"]),
        "companions": printed_companions(companions, activity_kinds=ACTIVITY_KINDS),
        "person_rows": summary_person_rows(person),
        "passport_number": person.passport_number or "—",
        "passport_expiry": translated(
            _("(valid until %(date)s)"), date=display_date(person.passport_expiry)
        )
        if person.passport_expiry
        else "",
        "card_number": person.residence_card_number or "—",
        "current_status": (
            localized(person.current_status)
            + (
                bracketed(localized(person.current_subcategory))
                if person.current_subcategory
                else ""
            )
        )
        if person.current_status
        else "—",
        "current_period": period(person.current_period) or "—",
        "period_expiry": translated(
            _("(ends on %(date)s)"), date=display_date(person.period_expiry)
        )
        if person.period_expiry
        else "",
        "address": person.address_in_japan,
        "document_groups": document_groups(documents, download),
        "requests": [_request(r, download) for r in requests],
        "decisions": [_decision(d) for d in decisions],
    }


def _request(request: CaseRequest, download: Any) -> dict[str, Any]:
    is_open = request.state == DocumentRequest.State.OPEN
    return {
        "title": translated(
            _("Request of %(date)s"), date=display_date(request.created_at)
        ),
        "state_label": _label(DocumentRequest.State, request.state),
        "colour": "yellow" if is_open else "green",
        "due": translated(
            _("Due %(date)s; requested by %(name)s."),
            date=display_date(request.due_date),
            name=request.created_by_name,
        ),
        "extended": translated(
            _("Due date extended: %(reason)s"), reason=request.extension_reason
        )
        if request.extension_reason
        else "",
        "answered": translated(
            _("Answered %(date)s."), date=moment_text(request.answered_at)
        )
        if request.answered_at
        else "",
        "has_notice": request.has_notice,
        "notice_ja_url": download(request.notice_ja_code)
        if request.notice_ja_code
        else "",
        "notice_en_url": download(request.notice_en_code)
        if request.notice_en_code
        else "",
        "answered_state": request.state == DocumentRequest.State.ANSWERED,
        "lines": [
            {
                "text": linebreaksbr(item.text),
                "document_type": bracketed(item.document_type),
                "files": [
                    {
                        "url": download(f["code"]),
                        "name": f["name"],
                        "size": filesizeformat(f["size"]),
                    }
                    for f in item.files_sent
                ],
            }
            for item in request.items
        ],
        "message": linebreaksbr(request.message) if request.message else "",
    }


def _decision(decision: Decision) -> dict[str, Any]:
    names: Any = decision
    grant = decision.outcome == Decision.Outcome.GRANT
    return {
        "outcome": decision.get_outcome_display(),
        "state": decision.get_state_display(),
        "proposed": translated(
            _("Recommended by %(name)s on %(date)s"),
            name=names.proposer_name,
            date=moment_text(decision.proposed_at),
        ),
        "approved": translated(
            _("approved by %(name)s on %(date)s"),
            name=names.approver_name,
            date=moment_text(decision.approved_at),
        )
        if decision.approved_by_id
        else "",
        "grant": grant,
        "granted_status": localized(decision.granted_status) if grant else "",
        "granted_period": period(decision.granted_period) if grant else "",
        "reentry": translated(
            _("re-entry permit valid until %(date)s"),
            date=display_date(decision.reentry_until),
        )
        if grant and decision.reentry_until
        else "",
        "activity_terms": linebreaksbr(decision.activity_terms)
        if grant and decision.activity_terms
        else "",
        "denial_reasons": "" if grant else linebreaksbr(decision.denial_reasons),
        "comment": linebreaksbr(decision.supervisor_comment)
        if decision.supervisor_comment
        else "",
    }


def notes(rows: list[HistoryRow]) -> dict[str, Any]:
    """The internal notes, oldest first."""
    return {
        "notes": [
            {
                "person": row.person,
                "iso": iso_date(row.at),
                "at": moment_text(row.at),
                "text": linebreaksbr(row.text),
            }
            for row in rows
        ]
    }


def history(
    *,
    events: list[HistoryRow],
    earlier: list[Application],
    visible_offices: set[int],
) -> dict[str, Any]:
    """The case's transitions and the person's other applications (linked
    when the officer may open them)."""
    case_url = code_url("review:case")
    return {
        "events": [
            {
                "iso": iso_date(row.at),
                "at": moment_text(row.at),
                "action": _label(Action, row.action),
                "text": linebreaksbr(row.text) if row.text else "",
                "from_status": _label(Status, row.from_status),
                "to_status": _label(Status, row.to_status),
                "person": row.person,
            }
            for row in events
        ],
        "earlier": [
            {
                "url": case_url(other.code)
                if other.office_id in visible_offices
                else "",
                "receipt_number": other.receipt_number,
                "type_name": localized(other.application_type),
                "status_label": other.get_status_display(),
                "colour": _tag_colour(other.status),
                "submitted_on": display_date(other.submitted_at),
                "office": localized(other.office),
            }
            for other in earlier
        ],
    }
