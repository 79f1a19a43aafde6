"""Rows that pass every check, for the benchmark and the tests: a person in
the extension window (engineer/specialist in humanities) and the form's
sample answers (``application_forms.samples``)."""

from __future__ import annotations

import csv
import io
from datetime import date, timedelta
from typing import Any

from applications.application_forms.samples import sample_answers
from batches.columns import Template

EHI = "engineer_humanities_international"


def _text(value: Any) -> str:
    if value is True:
        return "有"
    if value is False:
        return "無"
    return "" if value is None else str(value)


def sample_row(template: Template, number: int, *, today: date) -> dict[str, str]:
    """A valid row of an extension template for person ``number`` (its own
    passport and residence card numbers)."""
    cells = dict.fromkeys(template.columns, "")
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
    for key, value in sample_answers(template.edition, today=today).items():
        if key in template.person_items:
            continue
        if isinstance(value, list):
            for index, sub in enumerate(value, start=1):
                for sub_key, sub_value in sub.items():
                    column = f"{key}.{index}.{sub_key}"
                    if column in cells:
                        cells[column] = _text(sub_value)
        elif key in cells:
            cells[key] = _text(value)
    return cells


def sample_csv(
    template: Template,
    rows: list[dict[str, str]],
    *,
    encoding: str = "utf-8-sig",
    columns: list[str] | None = None,
) -> bytes:
    names = columns or list(template.columns)
    labels = template.labels("ja")
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(names)
    writer.writerow([labels.get(n, n) for n in names])
    for cells in rows:
        writer.writerow([cells.get(n, "") for n in names])
    return out.getvalue().encode(encoding)
