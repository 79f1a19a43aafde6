"""The 申請書 of a draft: which edition it is filed under, the answers it
starts from (entered once), reading a page's POST, and what a page shows.

Answers live in ``Application.answers["form"]`` as a ``storage.envelope``
(``raw``: what each saved page held; ``cleaned`` once sent).  A draft's
answers are the pre-fill (person's record, organisation profile, the person's
previous application) overlaid with what the pages saved, so a field the user
cleared stays cleared and an edition change keeps every answer (``raw`` keeps
keys the new edition does not know).  The items the filing flow's person page
asks (name, date of birth, passport, card …) are answered by the person's
record alone (``record_answers``): their form pages show them with a link to
the person page rather than asking them twice.

Items whose condition reads an item of the same page are shown under it with
a ``data-reveal`` hook (a small script hides them until the answer holds);
without JavaScript they are all shown and ``engine.clean`` ignores the ones
that do not apply.  Items depending on another page's answer are shown only
when it holds (``engine.applicable_items``).
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.utils import timezone

from applications.application_forms import engine, prefill, storage
from applications.application_forms.codes import (
    STATIC_CODE_LISTS,
    resolve_code_lists,
)
from applications.application_forms.editions import NoEdition, edition_for
from applications.application_forms.messages import problem_message
from applications.application_forms.schema import FormEdition, Item, Kind, When
from applications.models import Application, OrganisationProfile
from portal.lib.choices import option_count, prefers_radios

FORM_KEY = "form"
PAGE_PREFIX = "form-"
# Types whose form follows the status applied for (else the status held).
BY_TARGET_STATUS = frozenset({"coe", "change", "acquisition"})
EXTRA_ROW = "add_row"
REMOVE_ROW = "remove_row"


def page_key(section_key: str) -> str:
    return f"{PAGE_PREFIX}{section_key}"


def section_of_page(page: str) -> str:
    return page.removeprefix(PAGE_PREFIX)


def status_code_for(application: Application) -> str | None:
    """The status whose form group applies: applied for (COE, change,
    acquisition) or held (extension and the others)."""
    if application.application_type.code in BY_TARGET_STATUS:
        status = application.target_status
    else:
        status = application.foreign_national.current_status
    return status.code if status is not None else None


def draft_edition(
    application: Application, *, on: date | None = None
) -> FormEdition | None:
    """The edition a draft is answered on: a sent application keeps the one
    it was filed under; a draft takes the one in force today (None while the
    status that selects it is not chosen)."""
    stored = (application.answers or {}).get(FORM_KEY)
    if application.status != "draft" and stored:
        return storage.read(stored)[0]
    try:
        return edition_for(
            application.application_type.code,
            status_code_for(application),
            on=on or timezone.localdate(),
        )
    except NoEdition:
        return None


def saved_raw(application: Application) -> dict[str, Any]:
    stored = (application.answers or {}).get(FORM_KEY) or {}
    return dict(stored.get("raw") or {})


def organisation_profile(organization_id: int) -> OrganisationProfile | None:
    return (
        OrganisationProfile.objects.select_related("organization")
        .filter(organization_id=organization_id)
        .first()
    )


def previous_answers(application: Application) -> dict[str, Any]:
    """The answers of the person's last sent application (any edition)."""
    previous = (
        Application.objects.filter(
            foreign_national_id=application.foreign_national_id,
            main__isnull=True,
            submitted_at__isnull=False,
        )
        .exclude(pk=application.pk)
        .order_by("-submitted_at", "-pk")
        .values_list("answers", flat=True)
        .first()
    )
    stored = (previous or {}).get(FORM_KEY)
    if not stored:
        return {}
    try:
        return storage.read(stored)[1]
    except KeyError:
        return {}


# What the filing flow's person page (``PersonStepForm``) asks.  A 申請書
# item pre-filled from one of these record fields is answered there: its
# form page shows it as a summary row with a link to the person page
# instead of asking it a second time.
PERSON_PAGE_FIELDS = frozenset(
    {
        "family_name",
        "given_name",
        "name_kanji",
        "sex",
        "date_of_birth",
        "nationality",
        "passport_number",
        "passport_expiry",
        "residence_card_number",
        "current_status",
        "current_period",
        "period_expiry",
        "address_in_japan",
    }
)


def _record_field(item: Item) -> str:
    """The person-page field an item is pre-filled from, or ""."""
    if item.is_group or not item.prefill.startswith("person."):
        return ""
    name = item.prefill.removeprefix("person.").split(".")[0]
    return name if name in PERSON_PAGE_FIELDS else ""


def _required_now(item: Item, scope: Mapping[str, Any]) -> bool:
    if isinstance(item.required, When):
        return item.required.holds(scope.get(item.required.item))
    return bool(item.required)


def record_answers(edition: FormEdition, person: Any) -> dict[str, Any]:
    """The items of ``edition`` answered by the person's record (the person
    page): each with the record's current value, normalised where it can be.
    An empty record value answers an item only when the item is not required
    (the person page left it blank on purpose); a required item the record
    lacks is asked on its form page."""
    if person is None:
        return {}
    values: dict[str, Any] = {}
    pending: list[Item] = []
    for item in edition.items():
        if not _record_field(item):
            continue
        value = engine.resolve_attribute(person, item.prefill.removeprefix("person."))
        if engine.is_empty(value):
            pending.append(item)
            continue
        normalised = engine.normalise_or_none(item, value)
        values[item.key] = value if normalised is None else normalised
    for item in pending:
        if not _required_now(item, values):
            values[item.key] = ""
    return values


def draft_answers(
    application: Application, edition: FormEdition, *, filer: Any = None
) -> dict[str, Any]:
    """What the draft's pages show and check answers validates: the
    pre-fill overlaid with every saved answer, then the items the person
    page answers with the record's current values (the record is the one
    place they are kept; a change there reaches the form at once)."""
    profile = organisation_profile(application.organization_id)
    initial = prefill.initial_answers(
        edition,
        person=application.foreign_national,
        organisation_profile=profile.as_prefill() if profile else None,
        previous_answers=previous_answers(application),
        filer=filer,
    )
    return {
        **initial,
        **saved_raw(application),
        **record_answers(edition, application.foreign_national),
    }


def code_lists() -> dict[str, frozenset[str]]:
    return resolve_code_lists()


def clean_section(
    edition: FormEdition, answers: Mapping[str, Any], section: str
) -> engine.Result:
    return engine.clean(
        edition,
        answers,
        section=section,
        code_lists=code_lists(),
        today=timezone.localdate(),
    )


# --- Reading a page's POST -----------------------------------------------------------


def _row_count(data: Mapping[str, Any], key: str) -> int:
    try:
        return max(0, min(int(data.get(f"{key}-rows", "0")), 50))
    except ValueError:
        return 0


def posted_section(
    edition: FormEdition,
    section: str,
    data: Mapping[str, Any],
    *,
    held: Collection[str] = (),
) -> dict[str, Any]:
    """The page's answers as posted: every item of the section (an empty
    string for a blank one, so clearing a pre-filled field sticks); a group
    as its rows (``<group>-<n>-<item>``, ``<group>-rows`` rows).  Items in
    ``held`` are not on the page (the person's record answers them) and are
    not read."""
    answers: dict[str, Any] = {}
    for item in edition.section(section).items:
        if item.key in held:
            continue
        if item.is_group:
            rows = []
            for index in range(_row_count(data, item.key)):
                rows.append(
                    {
                        sub.key: str(data.get(f"{item.key}-{index}-{sub.key}", ""))
                        for sub in item.items
                    }
                )
            answers[item.key] = rows
        else:
            answers[item.key] = str(data.get(item.key, ""))
    return answers


def rows_changed(
    edition: FormEdition, section: str, answers: dict[str, Any], data: Mapping[str, Any]
) -> bool:
    """Apply an "add another" or "remove" button (no JavaScript needed):
    True when one was pressed (the page is shown again, nothing saved)."""
    if EXTRA_ROW in data:
        key = str(data[EXTRA_ROW])
        item = _group(edition, section, key)
        if item is not None:
            rows = list(answers.get(key) or [])
            if item.max_items is None or len(rows) < item.max_items:
                rows.append({sub.key: "" for sub in item.items})
            answers[key] = rows
        return True
    if REMOVE_ROW in data:
        key, _sep, index = str(data[REMOVE_ROW]).rpartition("-")
        if _group(edition, section, key) is not None and index.isdigit():
            rows = list(answers.get(key) or [])
            if int(index) < len(rows):
                rows.pop(int(index))
            answers[key] = rows
        return True
    return False


def _group(edition: FormEdition, section: str, key: str) -> Item | None:
    for item in edition.section(section).items:
        if item.key == key and item.is_group:
            return item
    return None


def to_store(
    edition: FormEdition,
    section: str,
    posted: Mapping[str, Any],
    cleaned: Mapping[str, Any],
    *,
    held: Collection[str] = (),
) -> dict[str, Any]:
    """What a valid page saves: the normalised answer of each item that
    applies, what was typed for the others (kept for when they apply again),
    blank group rows dropped.  Items in ``held`` (answered by the person's
    record, ``record_answers``) are not copied: the record keeps them."""
    stored: dict[str, Any] = {}
    for item in edition.section(section).items:
        if item.key in held:
            continue
        if item.key in cleaned:
            stored[item.key] = cleaned[item.key]
        elif item.is_group:
            stored[item.key] = [
                row
                for row in posted.get(item.key) or []
                if not all(engine.is_empty(v) for v in row.values())
            ]
        else:
            stored[item.key] = posted.get(item.key, "")
    return stored


# --- What a page shows ---------------------------------------------------------------


@dataclass
class Field:
    """One input of a form page, ready for the template."""

    name: str
    label: str
    hint: str
    widget: str  # text, textarea, radio, select
    value: str
    optional: bool
    error: str = ""
    choices: list[tuple[str, str]] = field(default_factory=list)
    autocomplete: str = ""
    input_mode: str = ""
    reveal: str = ""  # data-reveal: "<controller>=<value>|<value>"
    width: str = ""

    @property
    def id(self) -> str:
        return f"id_{self.name}"


@dataclass
class Group:
    name: str
    label: str
    hint: str
    rows: list[list[Field]]
    can_add: bool
    error: str = ""
    reveal: str = ""

    @property
    def id(self) -> str:
        return f"id_{self.name}"


_AUTOCOMPLETE = {
    "family_name": "family-name",
    "given_name": "given-name",
    "date_of_birth": "bday",
    "sex": "sex",
    "address_in_japan": "street-address",
    "phone": "tel",
    "mobile_phone": "tel",
    "email": "email",
}
_YES_NO_LABELS = {
    "ja": (("yes", "有"), ("no", "無")),
    "en": (("yes", "Yes"), ("no", "No")),
}


def _as_text(item: Item, value: Any) -> str:
    if value is None:
        return ""
    if item.kind is Kind.YES_NO:
        normalised = engine.normalise_or_none(item, value)
        if normalised is None:
            return str(value)
        return "yes" if normalised else "no"
    if item.kind in (Kind.MONEY_YEN, Kind.INTEGER) and isinstance(value, int):
        return f"{value:,}" if item.kind is Kind.MONEY_YEN else str(value)
    return str(value)


def _choices(
    item: Item, language: str, reference: Mapping[str, list[tuple[str, str]]]
) -> list[tuple[str, str]]:
    if item.kind is Kind.YES_NO:
        return list(_YES_NO_LABELS["en" if language == "en" else "ja"])
    code_list = STATIC_CODE_LISTS.get(item.choices)
    if code_list is not None:
        return [(code.code, code.label(language)) for code in code_list.codes]
    return list(reference.get(item.choices, []))


def _reveal(item: Item, section_keys: set[str]) -> str:
    condition = item.when
    if not isinstance(condition, When) or condition.item not in section_keys:
        return ""
    if condition.answered:
        return f"{condition.item}=*"
    wanted = condition.in_ or (condition.equals,)
    texts = ["yes" if v is True else "no" if v is False else str(v) for v in wanted]
    return f"{condition.item}={'|'.join(texts)}"


def _field(
    item: Item,
    name: str,
    value: Any,
    language: str,
    reference: Mapping[str, list[tuple[str, str]]],
    errors: Mapping[str, str],
    reveal: str = "",
) -> Field:
    if item.kind is Kind.YES_NO:
        widget = "radio"
    elif item.kind is Kind.CHOICE:
        choices = _choices(item, language, reference)
        widget = "radio" if prefers_radios(option_count(choices)) else "select"
    elif item.kind is Kind.ADDRESS or (
        # Long free text wraps in a box; an e-mail address (up to 254
        # characters by RFC 5321) stays one line.
        item.kind is not Kind.EMAIL and (item.max_length or 0) > 200
    ):
        widget = "textarea"
    else:
        widget = "text"
    hint = item.help_en if language == "en" else item.help_ja
    if item.kind is Kind.DATE and not hint:
        hint = (
            "For example 2027-02-10, 2027/2/10 or 令和9年2月10日"
            if language == "en"
            else "例：2027-02-10、2027/2/10、令和9年2月10日"
        )
    numeric = item.kind in (Kind.MONEY_YEN, Kind.INTEGER, Kind.POSTAL_CODE)
    return Field(
        name=name,
        label=item.label(language),
        hint=hint,
        widget=widget,
        value=_as_text(item, value),
        optional=item.required is False,
        error=errors.get(name, ""),
        choices=_choices(item, language, reference)
        if widget in ("radio", "select")
        else [],
        autocomplete=_AUTOCOMPLETE.get(item.key, ""),
        input_mode="numeric"
        if numeric
        else "tel"
        if item.kind is Kind.PHONE
        else "email"
        if item.kind is Kind.EMAIL
        else "",
        reveal=reveal,
        width="short"
        if item.kind in (Kind.DATE, Kind.POSTAL_CODE, Kind.MONEY_YEN, Kind.INTEGER)
        else "",
    )


def reference_choices(language: str) -> dict[str, list[tuple[str, str]]]:
    """Labels of the reference code lists for select boxes (one query)."""
    from applications.selectors import statuses_cached
    from portal.lib.countries import country_choices

    english = language == "en"
    statuses = [
        (status.code, status.name_en if english else status.name_ja)
        for status in sorted(statuses_cached(), key=lambda s: (s.sort_order, s.code))
    ]
    return {
        "status_of_residence": statuses,
        "country": list(country_choices(language, include_japan=True)),
    }


def _path_name(path: str) -> str:
    """A problem path as the input's name: ``family_members[2].name`` →
    ``family_members-2-name``."""
    head, _sep, leaf = path.partition(".")
    group, _bracket, index = head.partition("[")
    if not index:
        return group if not leaf else f"{group}-0-{leaf}"
    row = index.rstrip("]")
    return f"{group}-{row}-{leaf}" if leaf else group


def page_fields(
    edition: FormEdition,
    section: str,
    answers: Mapping[str, Any],
    *,
    problems: list[engine.Problem],
    language: str,
    held: Collection[str] = (),
) -> tuple[list[Field | Group], list[dict[str, str]]]:
    """The page's inputs in form order and the error-summary items (each
    linking to its input).  Items in ``held`` get no input (``record_rows``
    shows them)."""
    errors: dict[str, str] = {}
    summary: list[dict[str, str]] = []
    for problem in problems:
        name = _path_name(problem.path)
        message = problem_message(edition, problem, language)
        errors.setdefault(name, message)
        summary.append({"href": f"#id_{name}", "message": message})
    reference = reference_choices(language)
    current = edition.section(section)
    section_keys = {item.key for item in current.items}
    applying = {item.key for item in engine.applicable_items(edition, section, answers)}
    shown: list[Field | Group] = []
    for item in current.items:
        if item.key in held:
            continue
        reveal = _reveal(item, section_keys)
        if item.key not in applying and not reveal:
            continue  # depends on another page's answer, which does not hold
        if item.is_group:
            rows_data = list(answers.get(item.key) or [])
            if not rows_data:
                rows_data = [{}]
            rows = [
                [
                    _field(
                        sub,
                        f"{item.key}-{index}-{sub.key}",
                        row.get(sub.key) if isinstance(row, Mapping) else None,
                        language,
                        reference,
                        errors,
                    )
                    for sub in item.items
                ]
                for index, row in enumerate(rows_data)
            ]
            shown.append(
                Group(
                    name=item.key,
                    label=item.label(language),
                    hint=item.help_en if language == "en" else item.help_ja,
                    rows=rows,
                    can_add=item.max_items is None or len(rows) < item.max_items,
                    error=errors.get(item.key, ""),
                    reveal=reveal,
                )
            )
        else:
            shown.append(
                _field(
                    item,
                    item.key,
                    answers.get(item.key),
                    language,
                    reference,
                    errors,
                    reveal,
                )
            )
    return shown, summary


@dataclass
class RecordRow:
    """An item the person's record answers, shown on its form page as a
    summary row (``id`` is where the error summary links)."""

    key: str
    label: str
    value: str
    error: str = ""

    @property
    def id(self) -> str:
        return f"id_{self.key}"


def record_rows(
    edition: FormEdition,
    section: str,
    held: Mapping[str, Any],
    *,
    problems: list[engine.Problem],
    language: str,
) -> list[RecordRow]:
    """The section's items answered by the person's record, in form order,
    with the value as the person page holds it (a record value the form
    refuses carries its message: it is corrected on the person page)."""
    from applications.application_forms.presenters import display_value
    from applications.validators import period_label

    errors: dict[str, str] = {}
    for problem in problems:
        errors.setdefault(problem.item_key, problem_message(edition, problem, language))
    labels = {
        name: dict(choices) for name, choices in reference_choices(language).items()
    }
    rows = []
    for item in edition.section(section).items:
        if item.key not in held:
            continue
        value = held[item.key]
        if engine.is_empty(value):
            text = ""
        elif _record_field(item) == "current_period":
            text = period_label(str(value))
        else:
            try:
                text = display_value(item, value, language, labels)
            except ValueError:
                text = str(value)
        rows.append(
            RecordRow(item.key, item.label(language), text, errors.get(item.key, ""))
        )
    return rows


_TASK_STATES = {
    engine.SectionStatus.COMPLETE: "completed",
    engine.SectionStatus.NOT_STARTED: "not_started",
    engine.SectionStatus.IN_PROGRESS: "in_progress",
    engine.SectionStatus.INVALID: "in_progress",
}


def form_status(
    application: Application, *, filer: Any = None
) -> tuple[FormEdition | None, dict[str, Any], dict[str, engine.SectionStatus]]:
    """The draft's edition, answers and each section's state (check answers,
    the task list and submission use the same validator as the pages)."""
    edition = draft_edition(application)
    if edition is None:
        return None, {}, {}
    answers = draft_answers(application, edition, filer=filer)
    states = engine.sections_status(
        edition, answers, code_lists=code_lists(), today=timezone.localdate()
    )
    return edition, answers, states


def page_states(application: Application, *, filer: Any = None) -> dict[str, str]:
    """The task-list state of each 申請書 page, keyed by page key.  A page
    complete only by its pre-fill (the person's record, the organisation
    profile, the previous application) is ``to_check`` until the user has
    saved it once: nobody has looked at those answers for this application
    yet."""
    _edition, _answers, states = form_status(application, filer=filer)
    saved = set((application.answers or {}).get("saved", []))
    result = {}
    for key, state in states.items():
        task_state = _TASK_STATES[state]
        if task_state == "completed" and page_key(key) not in saved:
            task_state = "to_check"
        result[page_key(key)] = task_state
    return result


def fill_with_samples(application: Application, *, actor: Any) -> Application:
    """Answer every page of the draft's 申請書: the pre-fill where it is
    valid, a sample answer elsewhere (``samples``), saved page by page
    through the service.  For the demo data and the tests."""
    from applications import services
    from applications.application_forms.samples import sample_answers

    edition = draft_edition(application)
    if edition is None:
        return application
    today = timezone.localdate()
    answers = {**sample_answers(edition, today=today)}
    known = {item.key for item in edition.items()}
    for key, value in draft_answers(application, edition, filer=actor).items():
        if engine.is_empty(value) or key not in known:
            continue
        trial = {**answers, key: value}
        problems = engine.validate(
            edition,
            trial,
            section=edition.section_of(key).key,
            code_lists=code_lists(),
            today=today,
        )
        if not any(p.item_key == key for p in problems):
            answers[key] = value
    for section in edition.sections:
        result = clean_section(edition, answers, section.key)
        application.refresh_from_db()
        application = services.application_form_save(
            application=application,
            expected_version=application.version,
            actor=actor,
            edition=edition,
            section=section.key,
            answers=to_store(edition, section.key, answers, result.answers),
        )
    return application
