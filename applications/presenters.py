"""What the applications pages show, built from the models (no request, no
writes): how a case's status reads, its timeline and special period, and
the layout of a draft's pages.  Views pass these to the templates; they are
testable without a client."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.template.defaultfilters import filesizeformat, linebreaksbr
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from markupsafe import Markup

from accounts.templatetags.accounts_format import bracketed
from applications import eligibility, glossary, selectors
from applications.forms import localized_name
from applications.models import (
    Application,
    DocumentSlot,
    ForeignNational,
    GeneratedDocument,
    StatusEvent,
    StatusOfResidence,
)
from applications.templatetags.cases_tags import country_name, localized, period
from applications.workflow import (
    BEFORE_DECISION,
    PUBLIC_STAGE,
    STATE_COLOURS,
    STATE_DENIED,
    STATE_WITHDRAWN,
    Action,
    Stage,
    Status,
)
from portal.lib.files import Kind as FileKind
from portal.lib.i18n import page_language
from portal.lib.jinja import iso_date
from portal.lib.urls import code_url

REENTRY_VARIANTS = {
    "single": gettext_lazy("Single"),
    "multiple": gettext_lazy("Multiple"),
}
OTHER_ACTIVITY_KINDS = {
    "comprehensive": gettext_lazy("Comprehensive permission"),
    "individual": gettext_lazy("Individual permission"),
}


def local(value: datetime | None) -> datetime | None:
    return timezone.localtime(value) if value is not None else None


def name_of(obj: Any) -> str:
    """A catalogue row's name in the page's language; "" for None."""
    return localized_name(obj) if obj is not None else ""


def printed_form_sections(sections: Any) -> list[dict[str, Any]]:
    """The sent form's sections as the case pages print them (user's and
    officer's): each answer with line breaks kept and, where it differs from
    the person's record, the record's value."""
    return [
        {
            "title": block.title,
            "rows": [
                {
                    "label": row.label,
                    "value": linebreaksbr(row.value),
                    "differs": row.differs_from_record,
                    "record": translated(
                        _("Differs from the person's record: %(record)s"),
                        record=row.record_value,
                    ),
                }
                for row in block.rows
            ],
        }
        for block in sections
    ]


def printed_companions(
    companions: list[Application],
    *,
    activity_kinds: Mapping[str, Any] = OTHER_ACTIVITY_KINDS,
) -> list[dict[str, Any]]:
    """The applications filed with a case as the case pages print them (the
    macro ``companions`` of ``applications/_case_summary.html``, user's and
    officer's): the re-entry permit and the kind of permission by name
    (``activity_kinds``: the officer's page has shorter names)."""
    return [
        {
            "type_name": localized(c.application_type),
            "receipt_number": c.receipt_number,
            "reentry_variant": REENTRY_VARIANTS.get(
                c.reentry_variant, c.reentry_variant
            ),
            "reentry_until": c.reentry_until,
            "other_activity_kind": activity_kinds.get(
                c.other_activity_kind, c.other_activity_kind
            ),
            "other_activity_details": linebreaksbr(c.other_activity_details)
            if c.other_activity_details
            else "",
        }
        for c in companions
    ]


def translated(message: str, **values: Any) -> Markup:
    """A translated ``message`` with ``values`` put in: the values escaped,
    the translation (our catalogue's) kept as written — what
    ``{% blocktranslate %}`` prints.  For the Jinja2 fragments, where texts
    with values are made in Python (portal/lib/jinja.py).  Call it with the
    ``_("…")`` literal so makemessages still finds the text."""
    return Markup(message) % values  # noqa: S704 - see above: values escaped


# --- A case ------------------------------------------------------------------------


def summary_application_rows(application: Application) -> dict[str, Any]:
    """The rows every case summary starts with (the macro
    ``application_rows`` of ``applications/_case_summary.html``, Jinja2),
    shared by the organisation's and the examiner's case pages."""
    status = application.target_status
    subcategory = application.target_subcategory if status is not None else None
    return {
        "receipt_number": application.receipt_number,
        "type_name": localized(application.application_type),
        "target_status": localized(status)
        + (bracketed(localized(subcategory)) if subcategory is not None else ""),
        "requested_period": period(application.requested_period),
        "event_date": application.event_date,
    }


def summary_person_rows(person: ForeignNational) -> dict[str, Any]:
    """The person's rows every case summary starts with (the macro
    ``person_rows`` of ``applications/_case_summary.html``)."""
    return {
        "name": f"{person.family_name} {person.given_name}",
        "name_kanji": person.name_kanji,
        "sex": person.get_sex_display(),
        "date_of_birth": person.date_of_birth,
        "nationality": country_name(person.nationality),
    }


@dataclass(frozen=True)
class CaseState:
    """How a case's status reads to its filing user."""

    value: str
    label: str
    colour: str

    @property
    def withdrawn(self) -> bool:
        return self.value == STATE_WITHDRAWN

    @property
    def denied(self) -> bool:
        return self.value == STATE_DENIED


def case_state(status: str) -> CaseState:
    """The state's value (for filters and colours) and its glossary words."""
    if status == Status.WITHDRAWN:
        value = STATE_WITHDRAWN
    elif status == Status.DENIED:
        value = STATE_DENIED
    else:
        value = PUBLIC_STAGE.get(status, Stage.RECEIVED)
    return CaseState(
        value=value,
        label=glossary.term(status, applicant=True),
        colour=STATE_COLOURS[value],
    )


# The steps of the user's timeline, in order (glossary words).
STEPS: list[tuple[str, Any]] = [
    ("received", glossary.STEP_RECEIVED),
    ("examination", glossary.STEP_EXAMINATION),
    ("decision", glossary.STEP_DECISION),
    ("fee", glossary.STEP_FEE),
    ("issuance", glossary.STEP_ISSUANCE),
    ("handover", glossary.STEP_HANDOVER),
]
STEP_KEYS = [key for key, _title in STEPS]
# The step a case in each status is at (the one being worked on or waited
# for).  A completed case has every step done.
CURRENT_STEP: dict[str, str] = {
    Status.SUBMITTED: "received",
    Status.EXAMINING: "examination",
    Status.AWAITING_DOCUMENTS: "examination",
    Status.DECISION_PROPOSED: "examination",
    Status.GRANTED: "fee",
    Status.FEE_PAID: "issuance",
    Status.ISSUED: "issuance",
    Status.DISPATCHED: "handover",
}
# The action that completes each step (its date is the step's date).
STEP_DONE_BY: dict[str, tuple[str, ...]] = {
    "examination": (Action.APPROVE_GRANT, Action.APPROVE_DENIAL),
    "decision": (Action.APPROVE_GRANT, Action.APPROVE_DENIAL),
    "fee": (Action.CONFIRM_FEE,),
    "issuance": (Action.DISPATCH,),
    "handover": (Action.RECORD_HANDOVER,),
}


def _day(value: Any) -> str:
    return date_format(value, "DATE_FORMAT") if value else ""


def timeline(
    application: Application,
    events: list[StatusEvent],
    details: dict[str, Any] | None = None,
) -> list[dict[str, Any]]:
    """The user's timeline in time order: received → examination (with the
    requests for documents nested, due and answered dates) → decision → fee
    → issuance and dispatch (tracking number) → received by the person.

    Each step is ``done`` (with the date it was done), ``current`` (with the
    date it began) or ``future`` (no date).  No done step comes after the
    current one.  A denied case ends at its decision; a withdrawn one at a
    "Withdrawn" step after the steps it had reached."""
    details = details or {}
    first: dict[str, datetime] = {}
    # The requests for documents, from the events: (requested, answered).
    requests: list[list[Any]] = []
    for event in events:
        first.setdefault(event.action, event.at)
        if event.action == Action.REQUEST_DOCUMENTS:
            requests.append([event.at, None])
        elif event.action == Action.RESPOND_DOCUMENTS and requests:
            requests[-1][1] = event.at
    at: dict[str, datetime | None] = {"received": application.submitted_at}
    for key, actions in STEP_DONE_BY.items():
        at[key] = next((first[a] for a in actions if a in first), None)
    issued_at = first.get(Action.ISSUE)
    started = {
        "received": application.submitted_at,
        "examination": first.get(Action.START_EXAMINATION),
        "decision": at["examination"],
        "fee": at["decision"],
        "issuance": at["fee"],
        "handover": at["issuance"],
    }
    status = application.status
    current = CURRENT_STEP.get(status)
    items: list[dict[str, Any]] = []
    for key, title in STEPS:
        item: dict[str, Any] = {
            "stage": key,
            "title": str(title),
            "date": None,
            "text": "",
            "requests": [],
        }
        if key == "received" and current != "received":
            item["state"] = "done"
            item["date"] = local(application.submitted_at)
        elif status == Status.COMPLETED or (
            current is not None and STEP_KEYS.index(key) < STEP_KEYS.index(current)
        ):
            item["state"] = "done"
            item["date"] = local(at.get(key) or started.get(key))
        elif key == current:
            item["state"] = "current"
            item["date"] = local(started.get(key))
        elif status in (Status.DENIED, Status.WITHDRAWN):
            reached = at.get(key) or started.get(key)
            item["state"] = "done" if reached else "future"
            item["date"] = local(reached)
        else:
            item["state"] = "future"
        if key == "examination":
            item["requests"] = [
                {
                    "requested_at": local(requested_at),
                    "answered_at": local(answered_at),
                    "text": (
                        glossary.REQUEST_ANSWERED % {"date": _day(local(answered_at))}
                        if answered_at
                        else glossary.REQUEST_OPEN
                        % {"date": _day(details.get("open_due_date"))}
                    ),
                }
                for requested_at, answered_at in requests
            ]
            if status == Status.AWAITING_DOCUMENTS:
                item["text"] = glossary.term(status)
        if key == "decision" and item["state"] == "done":
            item["title"] = str(
                glossary.DENIED if status == Status.DENIED else glossary.STEP_GRANTED
            )
        if key == "issuance":
            parts = []
            if issued_at is not None:
                parts.append(
                    _("Issued on %(date)s.") % {"date": _day(local(issued_at))}
                )
            if details.get("tracking_number") and at.get("issuance"):
                parts.append(
                    _("Tracking number %(number)s")
                    % {"number": details["tracking_number"]}
                )
            item["text"] = " ".join(parts)
        items.append(item)
    if status == Status.DENIED:
        items = items[: STEP_KEYS.index("decision") + 1]
        items[-1]["state"] = "current"
        items[-1]["title"] = str(glossary.DENIED)
        items[-1]["date"] = local(application.closed_at or at.get("decision"))
    elif status == Status.WITHDRAWN:
        items = [i for i in items if i["state"] == "done"]
        text = (
            _("Reason: %(reason)s") % {"reason": application.withdrawal_reason}
            if application.withdrawal_reason
            else ""
        )
        items.append(
            {
                "stage": "withdrawn",
                "title": str(glossary.WITHDRAWN),
                "date": local(application.closed_at),
                "text": text,
                "requests": [],
                "state": "current",
            }
        )
    return items


def special_period(application: Application) -> date | None:
    """The last day of the special period the person may stay until (or the
    decision, if earlier) while a change or extension is examined; None when
    it does not apply or the case is no longer before a decision."""
    if application.status not in BEFORE_DECISION:
        return None
    person = selectors.sent_person(application=application)
    expiry = person.period_expiry
    if expiry is None or (application.received_on and application.received_on > expiry):
        return None
    return eligibility.special_period_end(
        application_type=application.application_type.code,
        expiry=expiry,
        current_period=person.current_period or None,
    )


def moment_text(value: datetime | None) -> str:
    """A moment as ``{{ value|date:"DATETIME_FORMAT" }}`` prints it (local
    time); "" for None."""
    if value is None:
        return ""
    return date_format(timezone.localtime(value), "DATETIME_FORMAT")


def document_groups(
    documents: list[tuple[Any, ...]], download: Any
) -> list[dict[str, Any]]:
    """The documents sent (``selectors.case_page_documents`` rows; the
    officer's page passes the same rows with the companions' documents),
    grouped by slot in the order given, ready to print (the macro
    ``documents`` of ``applications/_case_summary.html``): the slot's name,
    each file's link, name, type and size."""
    english = page_language() == "en"
    groups: dict[int, dict[str, Any]] = {}
    for slot_id, name_ja, name_en, code, name, kind, size in documents:
        group = groups.get(slot_id)
        if group is None:
            group = groups[slot_id] = {
                "slot": name_en if english and name_en else name_ja,
                "files": [],
            }
        try:
            kind_label = str(FileKind(kind).label)
        except ValueError:
            kind_label = kind
        group["files"].append(
            {
                "url": download(code),
                "name": name,
                "kind": kind_label,
                "size": filesizeformat(size),
            }
        )
    return list(groups.values())


def case_page(
    *,
    application: Application,
    person: ForeignNational,
    timeline_items: list[dict[str, Any]],
    companions: list[Application],
    documents: list[tuple[Any, ...]],
    generated: dict[str, set[str]],
    form_sections: list[Any],
    may_withdraw: bool,
    read_only: bool,
) -> dict[str, Any]:
    """What the user's case page prints after its panels (the Jinja2
    fragment ``applications/case_page.html``): the timeline, the downloads,
    the application, its companions, the person, the form as sent and the
    documents."""
    languages = (("ja", _("Japanese")), ("en", _("English")))
    receipts = generated.get(GeneratedDocument.Kind.RECEIPT, set())
    form_pdfs = generated.get(GeneratedDocument.Kind.APPLICATION_FORM, set())
    office = application.office
    code = application.code
    return {
        "timeline": [
            {
                **item,
                "iso": iso_date(item["date"]),
                "when": moment_text(item["date"]),
                "requests": [
                    {
                        "answered": request["answered_at"] is not None,
                        "text": request["text"],
                        "requested": translated(
                            _("requested on %(date)s"),
                            date=_day(request["requested_at"]),
                        ),
                    }
                    for request in item["requests"]
                ],
            }
            for item in timeline_items
        ],
        "receipts": [
            {
                "url": reverse("applications:receipt", args=[code, language])
                if language in receipts
                else "",
                "text": translated(_("Receipt (PDF, %(language)s)"), language=label)
                if language in receipts
                else translated(
                    _(
                        "Receipt (%(language)s): being prepared. Reload the page in a minute."
                    ),
                    language=label,
                ),
            }
            for language, label in languages
        ],
        "form_pdfs": [
            {
                "url": reverse(
                    "applications:application_form_pdf", args=[code, language]
                )
                if language in form_pdfs
                else "",
                "text": translated(
                    _("Application form (PDF, %(language)s)"), language=label
                )
                if language in form_pdfs
                else translated(
                    _(
                        "Application form (%(language)s): not ready yet. Reload the page in a minute."
                    ),
                    language=label,
                ),
            }
            for language, label in languages
        ]
        if "form" in (application.answers or {})
        else [],
        "withdraw_url": reverse("applications:withdraw", args=[code])
        if may_withdraw
        else "",
        # Before a decision, for an account that may read but not act.
        "read_only": read_only,
        "application_rows": summary_application_rows(application),
        "organization": localized(application.organization),
        "office": localized(office) or "—",
        "office_address": office.address_ja if office else "",
        "office_postal_code": office.postal_code if office else "",
        "office_phone": office.phone if office else "",
        "submitted": moment_text(application.submitted_at),
        "companions": printed_companions(companions),
        "person_rows": summary_person_rows(person),
        "passport_number": person.passport_number,
        "card_number": person.residence_card_number,
        "current_period": period(person.current_period),
        "period_expiry": person.period_expiry,
        "address": person.address_in_japan,
        "form_sections": printed_form_sections(form_sections),
        "document_groups": document_groups(documents, code_url("files:download")),
    }


def sent_form_sections(application: Application, language: str) -> list[Any]:
    """The 申請書 as sent, section by section (read-only, in the page's
    language, read with the edition it was filed under); rows that differ
    from the person's record as sent are marked.  Empty for an application
    sent without the form."""
    from applications.application_forms import storage
    from applications.application_forms.presenters import form_summary
    from applications.check_answers import reference_labels
    from applications.models import ForeignNational

    stored = (application.answers or {}).get("form")
    if not stored:
        return []
    try:
        edition, answers = storage.read(stored)
    except KeyError:
        return []
    person = ForeignNational.from_snapshot(application.answers.get("person") or {})
    return form_summary(
        edition,
        answers,
        language=language,
        person=person,
        reference_labels=reference_labels(language),
    )


# --- The pages of a draft ------------------------------------------------------------

# The draft's pages in order: (key, URL name, title).
SECTIONS: list[tuple[str, str, Any]] = [
    ("person", "applications:draft_person", gettext_lazy("The person")),
    (
        "application",
        "applications:draft_application",
        gettext_lazy("What is applied for"),
    ),
    (
        "companions",
        "applications:draft_companions",
        gettext_lazy("Re-entry permit and other activity"),
    ),
    ("documents", "applications:draft_documents", gettext_lazy("Documents")),
]
SECTION_URLS = {key: url for key, url, _title in SECTIONS}
SECTION_TITLES = {key: title for key, _url, title in SECTIONS}


def draft_sections(application: Application) -> list[str]:
    """The keys of the draft's pages: the person, what is applied for, one
    page per section of the 申請書 (once its edition is known), the
    companions (for types that take them) and the documents."""
    from applications import draft_form

    keys = ["person", "application"]
    edition = draft_form.draft_edition(application)
    if edition is not None:
        keys += [draft_form.page_key(s.key) for s in edition.sections]
    if application.application_type.takes_companions:
        keys.append("companions")
    keys.append("documents")
    return keys


def section_url(application: Application, key: str) -> str:
    from applications import draft_form

    if key == "check":
        return reverse("applications:draft_check", args=[application.code])
    if key.startswith(draft_form.PAGE_PREFIX):
        return reverse(
            "applications:draft_form",
            args=[application.code, draft_form.section_of_page(key)],
        )
    return reverse(SECTION_URLS[key], args=[application.code])


def section_title(application: Application, key: str, language: str) -> str:
    from applications import draft_form

    if key.startswith(draft_form.PAGE_PREFIX):
        edition = draft_form.draft_edition(application)
        if edition is not None:
            return edition.section(draft_form.section_of_page(key)).title(language)
    return str(SECTION_TITLES.get(key, ""))


def section_states(
    application: Application,
    missing_documents: bool,
    has_documents: bool,
    form_states: dict[str, str] | None = None,
) -> dict[str, str]:
    """The task list: each page ``completed``, ``in_progress`` or
    ``not_started``; the 申請書 pages as ``form_states``
    (``draft_form.page_states``) says, which adds ``to_check`` for a page
    complete by its pre-fill and not yet saved."""
    saved = set((application.answers or {}).get("saved", []))
    states = {}
    for key in draft_sections(application):
        if key == "documents":
            states[key] = (
                "completed"
                if not missing_documents
                else ("in_progress" if has_documents else "not_started")
            )
        elif form_states is not None and key in form_states:
            states[key] = form_states[key]
        else:
            states[key] = "completed" if key in saved else "not_started"
    return states


def draft_slots(application: Application) -> list[DocumentSlot]:
    """The document slots of the draft as it is answered now."""
    status_id = (
        application.target_status_id or application.foreign_national.current_status_id
    )
    return selectors.document_slots_for(
        application_type=application.application_type,
        # Only the key is needed to match slots: no query for the status row.
        status=StatusOfResidence(pk=status_id) if status_id else None,
        org_category=application.organization.category,
    )


def slot_name(slot: DocumentSlot, language: str) -> str:
    if language == "en" and slot.name_en:
        return slot.name_en
    return slot.name_ja


# --- Appointments with their scope --------------------------------------------------------

APPOINTMENT_STATE_COLOURS = {
    "offered": "blue",
    "active": "green",
    "lapsed": "orange",
    "declined": "grey",
    "ended": "grey",
}


@dataclass(frozen=True)
class AppointmentRow:
    """One appointment as the organisation's and the appointee's pages show
    it: its state, dates and scope (type names and people's names, or None
    for "every one")."""

    appointment: Any
    state: str
    state_label: str
    colour: str
    types: list[str] | None
    people: list[str] | None


def appointment_rows(
    appointments: Any, *, today: date | None = None
) -> list[AppointmentRow]:
    """Rows for ``appointments`` (a queryset or list); the scopes are read
    with two prefetch queries, not one per row."""
    from django.db.models import prefetch_related_objects

    from accounts.workflow import AppointmentState, appointment_state

    appointments = list(appointments)
    prefetch_related_objects(appointments, "scope__application_types", "scope__people")
    rows = []
    for appointment in appointments:
        state = appointment_state(appointment, today)
        scope = getattr(appointment, "scope", None) if _has_scope(appointment) else None
        types = None
        people = None
        if not appointment.scope_all_types:
            types = [
                f"{t.number}. {localized_name(t)}"
                for t in sorted(
                    scope.application_types.all() if scope else [],
                    key=lambda t: (t.sort_order, t.number),
                )
            ]
        if not appointment.scope_all_people:
            people = sorted(
                f"{p.family_name} {p.given_name}".strip()
                for p in (scope.people.all() if scope else [])
            )
        rows.append(
            AppointmentRow(
                appointment=appointment,
                state=state,
                state_label=str(AppointmentState(state).label),
                colour=APPOINTMENT_STATE_COLOURS[state],
                types=types,
                people=people,
            )
        )
    return rows


def _has_scope(appointment: Any) -> bool:
    from django.core.exceptions import ObjectDoesNotExist

    try:
        appointment.scope  # noqa: B018 - reads the prefetched one-to-one
    except ObjectDoesNotExist:
        return False
    return True
