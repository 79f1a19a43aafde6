"""Builders for the batch tests: rows that pass every check (the samples
of the form definitions plus a person in the extension window) and files
of them in every format."""

from __future__ import annotations

import io
from datetime import date
from typing import Any

from django.utils import timezone

from applications.application_forms.editions import edition_for
from batches.columns import Template, template_by_key
from batches.samples import EHI, sample_csv, sample_row


def template() -> Template:
    edition = edition_for("extension", EHI, on=timezone.localdate())
    found = template_by_key(edition.key)
    assert found is not None
    return found


def row(number: int, **override: Any) -> dict[str, str]:
    """A valid row for person ``number`` (its own passport and card)."""
    cells = sample_row(template(), number, today=timezone.localdate())
    cells.update({k: str(v) for k, v in override.items()})
    return cells


def csv_bytes(
    rows: list[dict[str, str]],
    *,
    encoding: str = "utf-8-sig",
    columns: list[str] | None = None,
) -> bytes:
    return sample_csv(template(), rows, encoding=encoding, columns=columns)


def xlsx_bytes(rows: list[dict[str, Any]]) -> bytes:
    """An XLSX like Excel saves it: typed dates stay dates (number-formatted)."""
    from openpyxl import Workbook

    tpl = template()
    workbook = Workbook()
    sheet = workbook.worksheets[0]
    sheet.append(list(tpl.columns))
    sheet.append([tpl.labels("ja")[n] for n in tpl.columns])
    for cells in rows:
        values: list[Any] = []
        for name in tpl.columns:
            value = cells.get(name, "")
            values.append(value if not isinstance(value, str) or value else None)
        sheet.append(values)
    for row_cells in sheet.iter_rows(min_row=3):
        for cell in row_cells:
            if isinstance(cell.value, date):
                cell.number_format = "yyyy/m/d"
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
