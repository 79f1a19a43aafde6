"""The form as table columns, for batch filing (一括申請): a CSV/XLSX template
from a definition, a row back into answers for ``engine.clean``, and a
problem's path as the column it names — so the preview can say row, column
and rule (ISA's batch errors name only the person, domain-facts §4.5).

Columns are item keys; a repeated group has ``rows`` numbered column sets:
``family_members.1.birth_date`` (1-based, as people count rows).
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping
from typing import Any

from applications.application_forms.schema import FormEdition

DEFAULT_GROUP_ROWS = 3
_GROUP_COLUMN = re.compile(r"([a-z0-9_]+)\.([0-9]+)\.([a-z0-9_]+)")
_GROUP_PATH = re.compile(r"([a-z0-9_]+)\[([0-9]+)\]\.([a-z0-9_]+)")


def prefilled_from(edition: FormEdition, source: str) -> dict[str, str]:
    """``{item key: attribute path}`` of the top-level items pre-filled from
    ``source`` ("person", "organisation", "filer"): a batch template asks for
    the person once (its own columns) and leaves these items to the pre-fill."""
    prefix = f"{source}."
    return {
        item.key: item.prefill.removeprefix(prefix)
        for item in edition.items()
        if not item.is_group and item.prefill.startswith(prefix)
    }


def columns(
    edition: FormEdition,
    *,
    group_rows: int = DEFAULT_GROUP_ROWS,
    exclude: Collection[str] = (),
) -> list[str]:
    """Every column of the edition's template, in form order (top-level items
    whose key is in ``exclude`` left out)."""
    names: list[str] = []
    for item in edition.items():
        if item.key in exclude:
            continue
        if not item.is_group:
            names.append(item.key)
            continue
        rows = group_rows if item.max_items is None else min(group_rows, item.max_items)
        for row in range(1, rows + 1):
            names.extend(f"{item.key}.{row}.{sub.key}" for sub in item.items)
    return names


def column_labels(
    edition: FormEdition,
    language: str,
    *,
    group_rows: int = DEFAULT_GROUP_ROWS,
    exclude: Collection[str] = (),
) -> dict[str, str]:
    """A human header for each column (the template's second header row)."""
    labels: dict[str, str] = {}
    for name in columns(edition, group_rows=group_rows, exclude=exclude):
        match = _GROUP_COLUMN.fullmatch(name)
        if match is None:
            labels[name] = edition.item(name).label(language)
            continue
        group = edition.item(match[1])
        sub = next(s for s in group.items if s.key == match[3])
        labels[name] = f"{group.label(language)} {match[2]}: {sub.label(language)}"
    return labels


def answers_from_row(edition: FormEdition, row: Mapping[str, Any]) -> dict[str, Any]:
    """The answers a template row gives (unknown columns ignored, empty cells
    left out so that ``engine.clean`` reports what is required)."""
    answers: dict[str, Any] = {}
    groups: dict[str, dict[int, dict[str, Any]]] = {}
    known = {item.key: item for item in edition.items()}
    for column, value in row.items():
        match = _GROUP_COLUMN.fullmatch(column or "")
        if match is None:
            if (
                column in known
                and not known[column].is_group
                and value not in (None, "")
            ):
                answers[column] = value
            continue
        group = known.get(match[1])
        if group is None or not group.is_group:
            continue
        if any(sub.key == match[3] for sub in group.items):
            groups.setdefault(match[1], {}).setdefault(int(match[2]), {})[match[3]] = (
                value
            )
    for key, rows in groups.items():
        last = max(rows)
        answers[key] = [rows.get(number, {}) for number in range(1, last + 1)]
    return answers


def column_for_path(path: str) -> str:
    """The template column a problem path points at
    (``family_members[2].birth_date`` → ``family_members.3.birth_date``)."""
    match = _GROUP_PATH.fullmatch(path)
    if match is None:
        return path
    return f"{match[1]}.{int(match[2]) + 1}.{match[3]}"
