"""Builders for the batch tests: rows that pass every check (the samples
of the form definitions plus a person in the extension window) and files
of them in every format."""

from __future__ import annotations

import csv
import io
from datetime import date, timedelta
from typing import Any

from django.utils import timezone

from applications.application_forms.editions import edition_for
from applications.application_forms.samples import sample_answers
from batches.columns import Template, template_by_key

EHI = "engineer_humanities_international"


def template() -> Template:
    edition = edition_for("extension", EHI, on=timezone.localdate())
    found = template_by_key(edition.key)
    assert found is not None
    return found


def _text(value: Any) -> str:
    if value is True:
        return "有"
    if value is False:
        return "無"
    return "" if value is None else str(value)


def row(number: int, **override: Any) -> dict[str, str]:
    """A valid row for person ``number`` (its own passport and card)."""
    tpl = template()
    today = timezone.localdate()
    cells = {column: "" for column in tpl.columns}
    cells.update(
        {
            "family_name": "NGUYEN",
            "given_name": "VAN " + "ABCDEFGHIJKLMNOPQRSTUVWXYZ"[number % 26] * 2,
            "sex": "M",
            "date_of_birth": "1995-04-01",
            "nationality": "VN",
            "passport_number": f"C{number:07d}",
            "passport_expiry": (today + timedelta(days=2000)).isoformat(),
            "residence_card_number": f"AB{number:08d}CD",
            "current_status": EHI,
            "current_period": "1y",
            "period_expiry": (today + timedelta(days=60)).isoformat(),
            "address_in_japan": "東京都千代田区千代田1-1",
            "requested_period": "1y",
        }
    )
    for key, value in sample_answers(tpl.edition, today=today).items():
        if key in tpl.person_items:
            continue
        if isinstance(value, list):
            for index, sub in enumerate(value, start=1):
                for sub_key, sub_value in sub.items():
                    column = f"{key}.{index}.{sub_key}"
                    if column in cells:
                        cells[column] = _text(sub_value)
        elif key in cells:
            cells[key] = _text(value)
    cells.update({k: str(v) for k, v in override.items()})
    return cells


def csv_bytes(
    rows: list[dict[str, str]],
    *,
    encoding: str = "utf-8-sig",
    columns: list[str] | None = None,
    labels: bool = True,
) -> bytes:
    tpl = template()
    names = columns or list(tpl.columns)
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(names)
    if labels:
        texts = tpl.labels("ja")
        writer.writerow([texts.get(n, n) for n in names])
    for cells in rows:
        writer.writerow([cells.get(n, "") for n in names])
    return out.getvalue().encode(encoding)


def xlsx_bytes(rows: list[dict[str, Any]]) -> bytes:
    """An XLSX like Excel saves it: typed dates stay dates (number-formatted)."""
    from openpyxl import Workbook

    tpl = template()
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
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
