"""Answers that pass ``engine.clean`` for any edition: for the demo data and
the tests (every edition can be filled and sent).  Pure."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from applications.application_forms.codes import STATIC_CODE_LISTS
from applications.application_forms.schema import FormEdition, Item, Kind

_BY_PATTERN = {
    r"[0-9]{2}登-[0-9]{6}": "19登-012345",
    r"[0-9]{4}-?[0-9]{6}-?[0-9]": "1301-123456-1",
}
# Plausible answers for the demo where a generic one would read oddly.
_BY_KEY = {"occupation": "会社員", "home_town": "HANOI"}
_REFERENCE = {
    "status_of_residence": "engineer_humanities_international",
    "country": "VN",
}


def sample_value(item: Item, today: date) -> Any:
    """A valid answer to one non-group item (yes/no answered "no", so the
    items that depend on a "yes" do not apply)."""
    if item.key in _BY_KEY and item.kind in (Kind.TEXT, Kind.ADDRESS):
        return _BY_KEY[item.key]
    if item.pattern in _BY_PATTERN:
        return _BY_PATTERN[item.pattern]
    kind = item.kind
    if kind is Kind.YES_NO:
        return False
    if kind is Kind.CHOICE:
        code_list = STATIC_CODE_LISTS.get(item.choices)
        if code_list is not None:
            return code_list.codes[0].code
        return _REFERENCE.get(item.choices, "")
    if kind is Kind.DATE:
        return (
            today + timedelta(days=400) if item.not_past else date(2020, 4, 1)
        ).isoformat()
    if kind in (Kind.MONEY_YEN, Kind.INTEGER):
        low = item.minimum if item.minimum is not None else 1
        high = item.maximum if item.maximum is not None else max(low, 3_000_000)
        value = 3_000_000 if kind is Kind.MONEY_YEN else 10
        return min(max(value, low), high)
    samples = {
        Kind.ROMAN_NAME: "NGUYEN",
        Kind.KANA_NAME: "グエン",
        Kind.KANJI_NAME: "阮",
        Kind.POSTAL_CODE: "100-0001",
        Kind.PHONE: "03-1234-5678",
        Kind.EMAIL: "person@example.jp",
        Kind.ADDRESS: "東京都千代田区千代田1-1",
        Kind.CORPORATE_NUMBER: "4011001098993",
        Kind.CARD_NUMBER: "AB12345678CD",
        Kind.PASSPORT_NUMBER: "C1234567",
    }
    text = samples.get(kind, "記入例")
    if item.max_length is not None:
        text = text[: item.max_length]
    return text


def sample_answers(edition: FormEdition, *, today: date) -> dict[str, Any]:
    """Every item answered (a required group with one row)."""
    answers: dict[str, Any] = {}
    for item in edition.items():
        if item.is_group:
            rows = max(item.min_items, 1 if item.required else 0)
            answers[item.key] = [
                {sub.key: sample_value(sub, today) for sub in item.items}
                for _ in range(rows)
            ]
        else:
            answers[item.key] = sample_value(item, today)
    return answers
