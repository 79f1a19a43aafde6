"""Check your answers: the draft's answers page by page as summary rows with
Change links, and the fees due if it is received online today."""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from applications import draft_form, eligibility, selectors
from applications.application_forms import engine
from applications.application_forms.engine import SectionStatus
from applications.application_forms.presenters import form_summary
from applications.application_forms.schema import FormEdition
from applications.models import Application, ApplicationDocument, DocumentSlot, Fee
from applications.presenters import SECTION_TITLES, name_of, section_url, slot_name
from applications.validators import period_label
from portal.lib.countries import country_name


def yen(amount: int) -> str:
    return _("¥%(amount)s") % {"amount": f"{amount:,}"}


def fees(application: Application, companions: list[Application]) -> dict[str, Any]:
    """The fees due if the application is received online today: one row
    per application (main and companions) and the total."""
    today = timezone.localdate()
    rows = []
    total = 0
    complete = True
    for item in [application, *companions]:
        variant = (
            item.reentry_variant
            if item.application_type.code == eligibility.REENTRY
            else ""
        )
        name = name_of(item.application_type)
        if item.application_type.code == eligibility.REENTRY:
            if not variant:
                rows.append({"key": name, "value": _("Depends on single or multiple")})
                complete = False
                continue
            # Brackets through the catalogue: full-width （） in Japanese.
            name = _("%(name)s (%(variant)s)") % {
                "name": name,
                "variant": _("multiple") if variant == "multiple" else _("single"),
            }
        try:
            amount = selectors.fee_for(
                application_type=item.application_type,
                variant=variant,
                channel=Fee.Channel.ONLINE,
                received_on=today,
            )
        except Fee.DoesNotExist:
            rows.append(
                {"key": name, "value": _("Not known: ask the immigration office")}
            )
            complete = False
            continue
        total += amount
        rows.append({"key": name, "value": yen(amount) if amount else _("No fee")})
    return {"rows": rows, "total": yen(total), "complete": complete}


def _period(value: str) -> str:
    return period_label(value) if value else ""


def _date(value: Any) -> str:
    # The page's one date format (portal/formats): 2027年2月10日 / 10 February 2027.
    return date_format(value, "DATE_FORMAT") if value else ""


def _status_text(status: Any, sub: Any) -> str:
    if status is None:
        return ""
    text = name_of(status)
    if sub is not None:
        text += f" — {name_of(sub)}"
    return text


def person_summary_rows(person: Any, *, language: str) -> list[dict[str, Any]]:
    """The person's details as summary-list rows; ``field`` names the input
    of the person page that changes the row (its ``id_<field>``)."""
    rows = [
        ("family_name", _("Family name"), person.family_name),
        ("given_name", _("Given names"), person.given_name),
        ("name_kanji", _("Name in kanji"), person.name_kanji),
        ("sex", _("Sex"), person.get_sex_display()),
        ("date_of_birth", _("Date of birth"), _date(person.date_of_birth)),
        ("nationality", _("Nationality"), country_name(person.nationality, language)),
        ("passport_number", _("Passport number"), person.passport_number),
        ("passport_expiry", _("Passport expiry date"), _date(person.passport_expiry)),
        (
            "residence_card_number",
            _("Residence card number"),
            person.residence_card_number,
        ),
        (
            "current_status",
            _("Current status of residence"),
            _status_text(person.current_status, person.current_subcategory),
        ),
        ("current_period", _("Current period of stay"), _period(person.current_period)),
        ("period_expiry", _("Period of stay ends on"), _date(person.period_expiry)),
        ("address_in_japan", _("Address in Japan"), person.address_in_japan),
    ]
    return [{"key": key, "value": value, "field": name} for name, key, value in rows]


def check_sections(
    application: Application,
    companions: list[Application],
    documents: list[ApplicationDocument],
    slots: list[DocumentSlot],
    *,
    language: str,
) -> list[dict[str, Any]]:
    """The answers, page by page, as summary-list rows with Change links."""
    person = application.foreign_national
    code = application.application_type.code

    def href(section: str) -> str:
        return section_url(application, section) + "?from=check"

    person_rows = person_summary_rows(person, language=language)
    application_rows: list[dict[str, Any]] = [
        {
            "key": _("Application"),
            "value": name_of(application.application_type),
            "no_change": True,
        }
    ]
    if code in (eligibility.COE, eligibility.CHANGE, eligibility.ACQUISITION):
        application_rows.append(
            {
                "key": _("Status of residence applied for"),
                "value": _status_text(
                    application.target_status, application.target_subcategory
                ),
            }
        )
    if code in (
        eligibility.COE,
        eligibility.CHANGE,
        eligibility.EXTENSION,
        eligibility.ACQUISITION,
    ):
        application_rows.append(
            {
                "key": _("Period of stay applied for"),
                "value": _period(application.requested_period),
            }
        )
    if code == eligibility.ACQUISITION:
        application_rows.append(
            {"key": _("Date of the event"), "value": _date(application.event_date)}
        )
    if code == eligibility.AUTHORIZED_EMPLOYMENT:
        application_rows.append(
            {
                "key": _("Activity the certificate should cover"),
                "value": (application.answers or {}).get("activity", ""),
            }
        )
    sections = [
        {"key": "person", "title": SECTION_TITLES["person"], "rows": person_rows},
        {
            "key": "application",
            "title": SECTION_TITLES["application"],
            "rows": application_rows,
        },
    ]
    if application.application_type.takes_companions:
        companion_rows = []
        for c in companions:
            if c.application_type.code == eligibility.REENTRY:
                variant = {"single": _("Single"), "multiple": _("Multiple")}.get(
                    c.reentry_variant, ""
                )
                companion_rows.append(
                    {
                        "key": name_of(c.application_type),
                        "value": _("%(variant)s, valid until %(date)s")
                        % {"variant": variant, "date": _date(c.reentry_until)}
                        if variant
                        else "",
                    }
                )
            else:
                kind = {
                    "comprehensive": _("Comprehensive"),
                    "individual": _("Individual"),
                }.get(c.other_activity_kind, "")
                companion_rows.append(
                    {
                        "key": name_of(c.application_type),
                        "value": f"{kind}\n{c.other_activity_details}".strip(),
                    }
                )
        if not companion_rows:
            companion_rows.append(
                {"key": _("Applied for with it"), "value": _("Nothing")}
            )
        sections.append(
            {
                "key": "companions",
                "title": SECTION_TITLES["companions"],
                "rows": companion_rows,
            }
        )
    document_rows = [
        {
            "key": slot_name(slot, language),
            "value": "\n".join(
                d.file.original_name for d in documents if d.slot.code == slot.code
            )
            or ("" if slot.required else _("None")),
        }
        for slot in slots
    ]
    sections.append(
        {
            "key": "documents",
            "title": SECTION_TITLES["documents"],
            "rows": document_rows,
        }
    )
    for section in sections:
        for row in section["rows"]:
            row.pop("field", None)
            if not row.pop("no_change", False):
                row.setdefault("href", href(section["key"]))
    return sections


_STATUS_TAGS = {
    SectionStatus.COMPLETE: (gettext_lazy("Completed"), "green"),
    SectionStatus.IN_PROGRESS: (gettext_lazy("In progress"), "blue"),
    SectionStatus.NOT_STARTED: (gettext_lazy("Not started"), "grey"),
    SectionStatus.INVALID: (gettext_lazy("Needs correcting"), "red"),
}


def reference_labels(language: str) -> dict[str, dict[str, str]]:
    return {
        name: dict(choices)
        for name, choices in draft_form.reference_choices(language).items()
    }


def form_sections(
    application: Application,
    edition: FormEdition,
    answers: dict[str, Any],
    states: dict[str, SectionStatus],
    *,
    language: str,
    person: Any = None,
    with_links: bool = True,
) -> list[dict[str, Any]]:
    """The 申請書 answers section by section (``presenters.form_summary`` over
    the answers as the validator reads them), each with its state and, for a
    draft, a Change link; a row that differs from the person's record says
    so."""
    cleaned = engine.clean(edition, answers, code_lists=draft_form.code_lists()).answers
    summary = form_summary(
        edition,
        cleaned,
        language=language,
        person=person,
        reference_labels=reference_labels(language),
    )
    # Items the person page answers are changed there, not on the form page.
    held = (
        draft_form.record_answers(edition, application.foreign_national)
        if with_links
        else {}
    )
    person_href = section_url(application, "person") + "?from=check"
    sections = []
    for block in summary:
        href = ""
        if with_links:
            href = (
                section_url(application, draft_form.page_key(block.key)) + "?from=check"
            )
        rows = []
        for row in block.rows:
            value = row.value
            if row.differs_from_record:
                value = _("%(answer)s (the person's record says %(record)s)") % {
                    "answer": row.value,
                    "record": row.record_value,
                }
            item = {"key": row.label, "value": value}
            if href:
                item["href"] = person_href if row.path in held else href
            rows.append(item)
        state = states.get(block.key)
        status = None
        if state is not None:
            label, colour = _STATUS_TAGS[state]
            status = {"label": str(label), "colour": colour}
        sections.append(
            {
                "key": draft_form.page_key(block.key),
                "title": block.title,
                "rows": rows,
                "href": href,
                "status": status,
                # Rows may all be the person page's (changed there): the
                # page itself still needs a way in while it is not complete.
                "incomplete": bool(href)
                and state is not None
                and state is not SectionStatus.COMPLETE,
            }
        )
    return sections
