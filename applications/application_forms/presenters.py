"""The answers as a sectioned summary: what check answers, the office case
page, the user's read-only copy and the 申請書 PDF show.  Pure: labels of
reference lists (statuses, countries) are passed in; rows that differ from
the person's record are marked for the examiner.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.utils import translation

from applications.application_forms import engine
from applications.application_forms.codes import code_label
from applications.application_forms.engine import SectionStatus
from applications.application_forms.messages import row_label
from applications.application_forms.schema import FormEdition, Item, Kind
from applications.validators import period_label

_YES_NO = {"ja": ("有", "無"), "en": ("Yes", "No")}


@dataclass(frozen=True)
class SummaryRow:
    path: str
    label: str
    value: str
    differs_from_record: bool = False
    record_value: str = ""


@dataclass(frozen=True)
class SummarySection:
    key: str
    title: str
    part: str
    rows: list[SummaryRow] = field(default_factory=list)
    status: SectionStatus | None = None


# Items that hold a period of stay (the others named *_period — of
# employment, of an activity — are free text shown as written).
PERIOD_OF_STAY_ITEMS = frozenset(
    {"current_period", "desired_period", "supporter_period"}
)


def display_value(
    item: Item,
    value: Any,
    language: str,
    reference_labels: Mapping[str, Mapping[str, str]] | None = None,
) -> str:
    """One stored answer as text for a reader in ``language``."""
    if value is None or value == "":
        return ""
    if item.kind is Kind.YES_NO:
        yes, no = _YES_NO["en" if language == "en" else "ja"]
        return yes if value else no
    if item.kind is Kind.CHOICE:
        labels = (reference_labels or {}).get(item.choices)
        if labels is not None:
            return labels.get(str(value), str(value))
        return code_label(item.choices, str(value), language)
    if item.kind is Kind.MONEY_YEN:
        return f"¥{value:,}" if language == "en" else f"{value:,}円"
    if item.kind is Kind.DATE:
        day = date.fromisoformat(str(value))
        if language == "en":
            return f"{day.day} {day:%B} {day.year}"  # as portal/formats/en
        return f"{day.year}年{day.month}月{day.day}日"
    if item.key in PERIOD_OF_STAY_ITEMS:
        # A catalogue period ("3y", prefilled from the person's record) in
        # words, any other text as written.
        with translation.override(language):
            return period_label(str(value))
    return str(value)


def form_summary(
    edition: FormEdition,
    answers: Mapping[str, Any],
    *,
    language: str,
    person: Any = None,
    reference_labels: Mapping[str, Mapping[str, str]] | None = None,
    with_status: bool = False,
) -> list[SummarySection]:
    """The sections with one row per answered item (group rows expanded),
    in form order.  ``answers`` are cleaned answers (``engine.clean``); with
    ``person``, rows that differ from the record say so and show the record's
    value; with ``with_status``, each section carries its status (for check
    answers)."""
    differences = {
        d.path: d
        for d in (
            engine.diff_against_record(edition, answers, person) if person else []
        )
    }
    states = engine.sections_status(edition, answers) if with_status else {}
    sections: list[SummarySection] = []
    for section in edition.sections:
        rows: list[SummaryRow] = []
        for item in section.items:
            value = answers.get(item.key)
            if item.is_group:
                for index, row in enumerate(value or []):
                    for sub in item.items:
                        if sub.key not in row:
                            continue
                        rows.append(
                            SummaryRow(
                                f"{item.key}[{index}].{sub.key}",
                                row_label(
                                    item.label(language),
                                    index + 1,
                                    sub.label(language),
                                    language,
                                ),
                                display_value(
                                    sub, row[sub.key], language, reference_labels
                                ),
                            )
                        )
                continue
            if value is None:
                continue
            difference = differences.get(item.key)
            rows.append(
                SummaryRow(
                    item.key,
                    item.label(language),
                    display_value(item, value, language, reference_labels),
                    differs_from_record=difference is not None,
                    record_value=display_value(
                        item, difference.record, language, reference_labels
                    )
                    if difference
                    else "",
                )
            )
        sections.append(
            SummarySection(
                section.key,
                section.title(language),
                section.part.value,
                rows,
                states.get(section.key),
            )
        )
    return sections
