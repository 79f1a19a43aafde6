"""Roster CSV files for the organisation tests (the columns of
``accounts/roster_csv.py``)."""

from __future__ import annotations

from datetime import date, timedelta

CSV_HEADER = (
    "family_name,given_name,name_kanji,sex,date_of_birth,nationality,"
    "status_of_residence,residence_card_number,period_expiry,planned_hire"
)


def csv_row(n: int, **overrides: str) -> str:
    values = {
        "family_name": f"PERSON{n}",
        "given_name": "TEST",
        "name_kanji": "",
        "sex": "F" if n % 2 else "M",
        "date_of_birth": (date(1970, 1, 1) + timedelta(days=n % 15000)).isoformat(),
        "nationality": ["VN", "PH", "CN", "ID", "NP"][n % 5],
        "status_of_residence": "技能実習",
        "residence_card_number": f"AB{n:08d}CD",
        "period_expiry": "2028-03-31",
        "planned_hire": "no",
    }
    values.update(overrides)
    return ",".join(values[k] for k in CSV_HEADER.split(","))


def roster_file(count: int, *, start: int = 0, encoding: str = "utf-8") -> bytes:
    lines = [CSV_HEADER] + [csv_row(n) for n in range(start, start + count)]
    return ("\r\n".join(lines) + "\r\n").encode(encoding)
