"""The declarative schema of an application form (申請書) edition.

A ``FormEdition`` is data: parts (申請人等作成用 / 所属機関等作成用), sections
(one topic each: the unit a page, a check-answers block and a status use),
items (one question of the published form).  Nothing here reads the database
or renders anything; ``engine`` validates answers against it and the pages,
the batch import and the API read the same definitions.

Answers are a flat JSON object keyed by item key (keys are unique within an
edition, a test checks it); a repeated group's answer is a list of objects
keyed by its sub-items' keys.  Stored answers carry the edition key, so an old
application is read with the edition it was filed under.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from datetime import date
from enum import StrEnum
from typing import Any


class Kind(StrEnum):
    """What an item collects; selects its normaliser and validator."""

    ROMAN_NAME = "roman_name"  # Latin letters as in the passport, upper case
    KANA_NAME = "kana_name"  # full-width katakana
    KANJI_NAME = "kanji_name"  # as written, width-normalised
    TEXT = "text"
    DATE = "date"  # ISO string once normalised; 西暦 or 和暦 accepted
    YES_NO = "yes_no"  # bool once normalised
    CHOICE = "choice"  # a code from ``Item.choices`` (a code-list name)
    MONEY_YEN = "money_yen"  # int once normalised
    INTEGER = "integer"  # int once normalised
    POSTAL_CODE = "postal_code"  # "NNN-NNNN"
    PHONE = "phone"  # Japanese number, hyphens as typed
    EMAIL = "email"
    ADDRESS = "address"
    CORPORATE_NUMBER = "corporate_number"  # 13 digits, check digit verified
    CARD_NUMBER = "card_number"  # residence card, AA12345678AA
    PASSPORT_NUMBER = "passport_number"
    GROUP = "group"  # a repeated group of sub-items (list of objects)


class Width(StrEnum):
    """How an item's text is normalised before it is validated."""

    HALF = "half"  # NFKC: full-width Latin/digits to half width, kana to full
    FULL = "full"  # as HALF, then ASCII to full width (fields ISA wants 全角)
    AS_TYPED = "as_typed"  # spaces trimmed only


class Part(StrEnum):
    """The two parts of ISA's paper forms."""

    APPLICANT = "applicant"  # 申請人等作成用
    ORGANISATION = "organisation"  # 所属機関等作成用


@dataclass(frozen=True)
class When:
    """A condition on another item's (normalised) answer.

    Exactly one of ``equals`` / ``in_`` / ``answered`` is meaningful:
    ``When("criminal_record", equals=True)``,
    ``When("contract_type", in_=("other",))``,
    ``When("dispatched", answered=True)``.  Inside a repeated group the key is
    looked up among the same row's items first, then among the top-level ones.
    """

    item: str
    equals: Any = None
    in_: tuple[Any, ...] = ()
    answered: bool = False

    def holds(self, value: Any) -> bool:
        if self.answered:
            return value not in (None, "", [])
        if self.in_:
            return value in self.in_
        return bool(value == self.equals)


@dataclass(frozen=True)
class Item:
    """One question of the form.

    ``label_ja`` follows ISA's wording on the published form; ``number`` is
    the item's number there (e.g. "15", "3(5)") where known.  ``required`` is
    a bool or a ``When``; ``when`` makes the item apply (be asked, be stored)
    only if the condition holds — answers to items that do not apply are
    dropped.  ``prefill`` is a dotted attribute path on ``person`` or
    ``organisation`` (see ``prefill.initial_answers``).  ``unverified`` marks
    an item whose presence or wording could not be checked against the
    published form.
    """

    key: str
    label_ja: str
    label_en: str
    kind: Kind = Kind.TEXT
    number: str = ""
    required: bool | When = True
    when: When | None = None
    choices: str = ""  # code-list name for CHOICE
    width: Width = Width.HALF
    upper: bool = False
    max_length: int | None = None
    pattern: str = ""  # a full-match regular expression on the normalised text
    minimum: int | None = None  # MONEY_YEN / INTEGER
    maximum: int | None = None
    not_future: bool = False  # DATE: refuse days after ``today``
    not_past: bool = False  # DATE: refuse days before ``today``
    help_ja: str = ""
    help_en: str = ""
    prefill: str = ""
    unverified: bool = False
    # GROUP only: the sub-items of one row and how many rows are allowed.
    items: tuple[Item, ...] = ()
    min_items: int = 0
    max_items: int | None = None

    @property
    def is_group(self) -> bool:
        return self.kind is Kind.GROUP

    def label(self, language: str) -> str:
        return self.label_en if language == "en" else self.label_ja


@dataclass(frozen=True)
class Section:
    """One topic of the form (a page of the online form)."""

    key: str
    title_ja: str
    title_en: str
    items: tuple[Item, ...]
    part: Part = Part.APPLICANT
    unverified: bool = False

    def title(self, language: str) -> str:
        return self.title_en if language == "en" else self.title_ja

    def renumbered(self, numbers: dict[str, str]) -> Section:
        """A copy whose items carry another form's numbering (the same
        question is item 15 on one form and 19 on another)."""
        return replace(
            self,
            items=tuple(
                replace(item, number=numbers[item.key]) if item.key in numbers else item
                for item in self.items
            ),
        )


@dataclass(frozen=True)
class FormEdition:
    """One edition of one published form (様式), for some application types
    and one status group.  ``valid_from``/``valid_until`` (inclusive) say
    when it is the edition in force; an edition is never edited once used —
    a revision is a new edition with a new key."""

    key: str
    title_ja: str
    title_en: str
    application_types: tuple[str, ...]
    status_group: str  # a key of ``codes.STATUS_GROUPS`` or "" for any
    valid_from: date
    sections: tuple[Section, ...]
    form_number: str = ""  # e.g. 別記第三十号の二様式
    valid_until: date | None = None
    unverified: bool = False
    note: str = ""

    def parts(self) -> tuple[Part, ...]:
        seen: list[Part] = []
        for section in self.sections:
            if section.part not in seen:
                seen.append(section.part)
        return tuple(seen)

    def sections_of(self, part: Part) -> tuple[Section, ...]:
        return tuple(s for s in self.sections if s.part is part)

    def section(self, key: str) -> Section:
        for section in self.sections:
            if section.key == key:
                return section
        raise KeyError(key)

    def items(self) -> Iterator[Item]:
        """Every top-level item, in form order."""
        for section in self.sections:
            yield from section.items

    def item(self, key: str) -> Item:
        for item in self.items():
            if item.key == key:
                return item
        raise KeyError(key)

    def section_of(self, item_key: str) -> Section:
        for section in self.sections:
            if any(item.key == item_key for item in section.items):
                return section
        raise KeyError(item_key)

    def in_force_on(self, day: date) -> bool:
        return self.valid_from <= day and (
            self.valid_until is None or day <= self.valid_until
        )


@dataclass(frozen=True)
class Code:
    code: str
    label_ja: str
    label_en: str

    def label(self, language: str) -> str:
        return self.label_en if language == "en" else self.label_ja


@dataclass(frozen=True)
class CodeList:
    """A named list of codes an item's answer is chosen from."""

    name: str
    codes: tuple[Code, ...] = field(default=())
    unverified: bool = False

    def values(self) -> frozenset[str]:
        return frozenset(code.code for code in self.codes)
