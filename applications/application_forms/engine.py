"""One engine for every caller: the pages, check answers, submission, the
batch CSV import and the JSON API all validate answers here.

- ``normalise(item, raw)``: one answer to its stored form (or ``Invalid``).
- ``clean(edition, answers)``: every answer normalised, the answers to items
  that do not apply dropped, and every problem found, with a path such as
  ``family_members[2].date_of_birth`` (index as sent).
- ``validate(...)``: the problems only.
- ``sections_status(...)`` / ``blocking_sections(...)``: what check answers
  shows and what stops sending.
- ``diff_against_record(...)``: answers that differ from the person's record,
  flagged for the examiner, never refused.

Pure: no database, no settings.  Reference code lists (statuses, countries)
are passed in as ``code_lists``; without them only the static lists are
checked and reference-list answers are accepted as typed (upper-cased).
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from typing import Any

from applications.application_forms import values
from applications.application_forms.codes import REFERENCE_CODE_LISTS, static_code_lists
from applications.application_forms.schema import FormEdition, Item, Kind, When, Width

REQUIRED = "form_required"
TOO_FEW = "form_too_few"
# Problems that only say something is still missing (not that it is wrong).
MISSING_CODES = frozenset({REQUIRED, TOO_FEW})


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the answers: where (``path``), which rule
    (``code``, worded in ``messages``) and its parameters."""

    path: str
    code: str
    params: Mapping[str, Any] = field(default_factory=dict)

    @property
    def item_key(self) -> str:
        """The top-level item the problem belongs to (the group for a row)."""
        return re.split(r"[\[.]", self.path, maxsplit=1)[0]

    @property
    def leaf_key(self) -> str:
        return self.path.rsplit(".", 1)[-1].split("[", 1)[0]


@dataclass(frozen=True)
class Result:
    answers: dict[str, Any]
    problems: list[Problem]

    @property
    def ok(self) -> bool:
        return not self.problems


class SectionStatus(StrEnum):
    NOT_STARTED = "not_started"
    IN_PROGRESS = "in_progress"
    COMPLETE = "complete"
    INVALID = "invalid"


def is_empty(raw: Any) -> bool:
    if raw is None:
        return True
    if isinstance(raw, str):
        return not raw.strip() or not values.normalize_text(raw)
    if isinstance(raw, list | tuple | dict):
        return not raw
    return False


def normalise(item: Item, raw: Any) -> Any:
    """The stored form of one answer: ``None`` when empty, else a JSON value
    (str, int, bool; ISO date strings).  Raises ``values.Invalid``."""
    if item.is_group:
        raise TypeError("normalise a group's rows with clean()")
    if is_empty(raw):
        return None
    kind = item.kind
    if kind in (Kind.TEXT, Kind.ADDRESS, Kind.KANJI_NAME):
        result: Any = values.text(
            raw,
            full_width=item.width is Width.FULL,
            as_typed=item.width is Width.AS_TYPED,
        )
        return result.upper() if item.upper else result
    if kind is Kind.CHOICE:
        choice = values.text(raw)
        return choice.upper() if item.upper else choice
    parser = _PARSERS[kind]
    return parser(raw)


_PARSERS: dict[Kind, Any] = {
    Kind.ROMAN_NAME: values.roman_name,
    Kind.KANA_NAME: values.kana_name,
    Kind.DATE: values.date_iso,
    Kind.YES_NO: values.yes_no,
    Kind.MONEY_YEN: values.money_yen,
    Kind.INTEGER: values.integer,
    Kind.POSTAL_CODE: values.postal_code,
    Kind.PHONE: values.phone,
    Kind.EMAIL: values.email,
    Kind.CORPORATE_NUMBER: values.corporate_number,
    Kind.CARD_NUMBER: values.card_number,
    Kind.PASSPORT_NUMBER: values.passport_number,
}


def normalise_or_none(item: Item, raw: Any) -> Any:
    """The normalised answer, or None when empty or unreadable (for
    conditions)."""
    try:
        return None if item.is_group else normalise(item, raw)
    except values.Invalid:
        return None


def _holds(condition: When | bool | None, scope: Mapping[str, Any]) -> bool:
    if condition is None:
        return True
    if isinstance(condition, bool):
        return condition
    return condition.holds(scope.get(condition.item))


class _Checker:
    def __init__(
        self,
        code_lists: Mapping[str, Collection[str]] | None,
        today: date | None,
    ) -> None:
        self.code_lists = static_code_lists() if code_lists is None else code_lists
        self.today = today
        self.problems: list[Problem] = []

    def add(self, path: str, code: str, **params: Any) -> None:
        self.problems.append(Problem(path, code, params))

    def item(self, item: Item, raw: Any, path: str, scope: Mapping[str, Any]) -> Any:
        """Check one non-group item that applies; returns its normalised value
        (None when empty or wrong)."""
        try:
            value = normalise(item, raw)
        except values.Invalid as exc:
            self.add(path, exc.code, **exc.params)
            return None
        if value is None:
            if _holds(item.required, scope):
                self.add(path, REQUIRED)
            return None
        return value if self._rules(item, value, path) else None

    def _rules(self, item: Item, value: Any, path: str) -> bool:
        before = len(self.problems)
        if isinstance(value, str):
            if item.max_length is not None and len(value) > item.max_length:
                self.add(path, "form_too_long", max_length=item.max_length)
            if item.pattern and not re.fullmatch(item.pattern, value):
                self.add(path, "form_pattern")
        if isinstance(value, int) and not isinstance(value, bool):
            if item.minimum is not None and value < item.minimum:
                self.add(path, "form_below_minimum", minimum=item.minimum)
            if item.maximum is not None and value > item.maximum:
                self.add(path, "form_above_maximum", maximum=item.maximum)
        if item.kind is Kind.CHOICE:
            allowed = self.code_lists.get(item.choices)
            # A reference list not passed in is accepted as typed.
            known = allowed is not None or item.choices in REFERENCE_CODE_LISTS
            if not known or (allowed is not None and value not in allowed):
                self.add(path, "form_choice_invalid")
        if item.kind is Kind.DATE and self.today is not None:
            if item.not_future and value > self.today.isoformat():
                self.add(path, "form_date_in_future")
            if item.not_past and value < self.today.isoformat():
                self.add(path, "form_date_in_past")
        return len(self.problems) == before

    def group(
        self, item: Item, raw: Any, path: str, scope: Mapping[str, Any]
    ) -> list[dict[str, Any]]:
        if raw is None or raw == "":
            raw = []
        if not isinstance(raw, list | tuple):
            self.add(path, "form_not_a_list")
            return []
        rows: list[dict[str, Any]] = []
        for index, row in enumerate(raw):
            if not isinstance(row, Mapping):
                self.add(f"{path}[{index}]", "form_not_a_list")
                continue
            if all(is_empty(row.get(sub.key)) for sub in item.items):
                continue  # a blank row of a page form
            row_scope = {
                **scope,
                **{
                    sub.key: normalise_or_none(sub, row.get(sub.key))
                    for sub in item.items
                },
            }
            cleaned: dict[str, Any] = {}
            for sub in item.items:
                if not _holds(sub.when, row_scope):
                    continue
                value = self.item(
                    sub, row.get(sub.key), f"{path}[{index}].{sub.key}", row_scope
                )
                if value is not None:
                    cleaned[sub.key] = value
            rows.append(cleaned)
        minimum = item.min_items
        if _holds(item.required, scope):
            minimum = max(minimum, 1)
        if len(rows) < minimum:
            self.add(path, REQUIRED if not rows else TOO_FEW, minimum=minimum)
        if item.max_items is not None and len(rows) > item.max_items:
            self.add(path, "form_too_many", maximum=item.max_items)
        return rows


def clean(
    edition: FormEdition,
    answers: Mapping[str, Any],
    *,
    section: str | None = None,
    code_lists: Mapping[str, Collection[str]] | None = None,
    today: date | None = None,
) -> Result:
    """Normalise and check ``answers`` against ``edition``.

    With ``section``, only that section's items are checked and returned
    (conditions still read the other sections' answers).  Keys the edition
    does not know are dropped, so an answer kept from an older edition never
    reaches a newer one's record.  ``today`` enables the not-in-the-future /
    not-in-the-past date rules.
    """
    scope = {
        item.key: normalise_or_none(item, answers.get(item.key))
        for item in edition.items()
    }
    checker = _Checker(code_lists, today)
    cleaned: dict[str, Any] = {}
    sections = [edition.section(section)] if section else list(edition.sections)
    for current in sections:
        for item in current.items:
            if not _holds(item.when, scope):
                continue
            raw = answers.get(item.key)
            if item.is_group:
                rows = checker.group(item, raw, item.key, scope)
                if rows:
                    cleaned[item.key] = rows
            else:
                value = checker.item(item, raw, item.key, scope)
                if value is not None:
                    cleaned[item.key] = value
    return Result(cleaned, checker.problems)


def validate(
    edition: FormEdition,
    answers: Mapping[str, Any],
    *,
    section: str | None = None,
    code_lists: Mapping[str, Collection[str]] | None = None,
    today: date | None = None,
) -> list[Problem]:
    """Every problem with ``answers`` (or one section of them), in form order."""
    return clean(
        edition, answers, section=section, code_lists=code_lists, today=today
    ).problems


def sections_status(
    edition: FormEdition,
    answers: Mapping[str, Any],
    *,
    code_lists: Mapping[str, Collection[str]] | None = None,
    today: date | None = None,
) -> dict[str, SectionStatus]:
    """Each section's state for a task list and check answers:

    - COMPLETE: no problems (a section with nothing required and nothing
      answered is complete);
    - NOT_STARTED: nothing answered and something required;
    - INVALID: some answer is wrong (not merely missing);
    - IN_PROGRESS: answered in part, something required still missing.
    """
    scope = {
        item.key: normalise_or_none(item, answers.get(item.key))
        for item in edition.items()
    }
    result = clean(edition, answers, code_lists=code_lists, today=today)
    by_item: dict[str, list[Problem]] = {}
    for problem in result.problems:
        by_item.setdefault(problem.item_key, []).append(problem)
    states: dict[str, SectionStatus] = {}
    for section in edition.sections:
        applying = [item for item in section.items if _holds(item.when, scope)]
        problems = [p for item in applying for p in by_item.get(item.key, [])]
        started = any(not is_empty(answers.get(item.key)) for item in applying)
        if not problems:
            states[section.key] = SectionStatus.COMPLETE
        elif not started:
            states[section.key] = SectionStatus.NOT_STARTED
        elif any(p.code not in MISSING_CODES for p in problems):
            states[section.key] = SectionStatus.INVALID
        else:
            states[section.key] = SectionStatus.IN_PROGRESS
    return states


def blocking_sections(
    edition: FormEdition,
    answers: Mapping[str, Any],
    *,
    code_lists: Mapping[str, Collection[str]] | None = None,
    today: date | None = None,
) -> list[str]:
    """The sections that stop the application being sent (every section must
    be complete); empty when it may be sent."""
    states = sections_status(edition, answers, code_lists=code_lists, today=today)
    return [key for key, state in states.items() if state is not SectionStatus.COMPLETE]


# --- Differences from the person's record --------------------------------------------


@dataclass(frozen=True)
class Difference:
    """An answer that is not what the person's record says (shown to the
    examiner; never a reason to refuse)."""

    path: str
    answer: Any
    record: Any


def resolve_attribute(source: Any, dotted: str) -> Any:
    """``getattr`` along a dotted path; None when any step is missing.  Dates
    become ISO strings (how answers store them)."""
    value = source
    for name in dotted.split("."):
        if value is None:
            return None
        if isinstance(value, Mapping):
            value = value.get(name)
        else:
            value = getattr(value, name, None)
    if isinstance(value, date):
        return value.isoformat()
    return value


def diff_against_record(
    edition: FormEdition, answers: Mapping[str, Any], person: Any
) -> list[Difference]:
    """The answers to items pre-filled from the person (``prefill`` starting
    with ``person.``) that differ from the record, both sides normalised.
    Unanswered items and empty record values are not differences."""
    differences: list[Difference] = []
    for item in edition.items():
        if item.is_group or not item.prefill.startswith("person."):
            continue
        answer = normalise_or_none(item, answers.get(item.key))
        record_raw = resolve_attribute(person, item.prefill.removeprefix("person."))
        if answer is None or is_empty(record_raw):
            continue
        record = normalise_or_none(item, record_raw)
        if record is None:
            record = record_raw
        if answer != record:
            differences.append(Difference(item.key, answer, record))
    return differences


# --- What a page shows ---------------------------------------------------------------


def applicable_items(
    edition: FormEdition, section: str, answers: Mapping[str, Any]
) -> list[Item]:
    """The items of ``section`` that apply with these answers, in form order
    — what a page without JavaScript shows after the answer an item depends
    on was saved (with JavaScript the page may show them at once and reveal
    them as the controlling answer changes)."""
    scope = {
        item.key: normalise_or_none(item, answers.get(item.key))
        for item in edition.items()
    }
    return [item for item in edition.section(section).items if _holds(item.when, scope)]


def controlling_items(edition: FormEdition) -> dict[str, list[str]]:
    """For each item that others depend on, the items it reveals (for the
    conditional-reveal markup and for a batch template's notes)."""
    revealed: dict[str, list[str]] = {}
    for item in edition.items():
        for condition in (item.when, item.required):
            if isinstance(condition, When):
                revealed.setdefault(condition.item, []).append(item.key)
    return revealed
