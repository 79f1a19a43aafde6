"""Pure parsers for what people type into a form item, one per kind.

Each takes the raw answer (a string from a page or a CSV cell, or an already
typed JSON value from the API or a stored draft) and returns the normalised
JSON value, or raises ``Invalid(code, **params)``.  Codes are registered with
wording in ``application_forms.messages``; params never hold personal values.

Normalisation follows what people type on Japanese keyboards: full-width
digits and letters, half-width katakana, hiragana in kana fields, the many
hyphen look-alikes, ideographic spaces, 和暦 dates.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email

from accounts.validators import (
    CARD_NUMBER_RE,
    clean_corporate_number,
    clean_phone,
    clean_postal_code,
    normalize_number,
    normalize_text,
    to_katakana,
)


class Invalid(Exception):
    """An answer that cannot be read as its kind; ``code`` names the rule."""

    def __init__(self, code: str, /, **params: Any) -> None:
        self.code = code
        self.params = params
        super().__init__(code)


# --- Text ---------------------------------------------------------------------------


def to_full_width(text: str) -> str:
    """ASCII letters, digits and symbols to their full-width forms and the space
    to the ideographic space (for the fields ISA wants in 全角)."""
    return "".join(
        "\u3000" if ch == " " else chr(ord(ch) + 0xFEE0) if "!" <= ch <= "~" else ch
        for ch in text
    )


def text(raw: Any, *, full_width: bool = False, as_typed: bool = False) -> str:
    value = "" if raw is None else str(raw)
    if as_typed:
        return value.strip()
    value = normalize_text(value)
    return to_full_width(value) if full_width else value


_KATAKANA_WORD = r"[\u30a1-\u30fa\u30fb\u30fc\u30fd\u30fe]+"
_KANA = re.compile(rf"{_KATAKANA_WORD}(?:\u3000{_KATAKANA_WORD})*")
_ROMAN = re.compile(r"[A-Z]+(?:[ '\-.,][A-Z]+|[.,])*\.?")


def kana_name(raw: Any) -> str:
    """Full-width katakana, words separated by one ideographic space; half-width
    katakana and hiragana converted."""
    value = "\u3000".join(to_katakana(normalize_text(str(raw or ""))).split(" "))
    if not _KANA.fullmatch(value):
        raise Invalid("form_kana_invalid")
    return value


def roman_name(raw: Any) -> str:
    """Latin letters as in the passport's machine-readable zone: upper case,
    full-width letters and accents folded (É → E), spaces collapsed."""
    folded = unicodedata.normalize("NFKD", normalize_text(str(raw or "")))
    value = "".join(ch for ch in folded if not unicodedata.combining(ch)).upper()
    if not _ROMAN.fullmatch(value):
        raise Invalid("form_roman_name_invalid")
    return value


# --- Numbers ------------------------------------------------------------------------

_INTEGER = re.compile(r"[0-9]+")


def _digits(raw: Any) -> str:
    text_value = normalize_number(str(raw))
    return text_value.replace(",", "").replace("、", "").replace("，", "")


def integer(raw: Any) -> int:
    if isinstance(raw, bool):
        raise Invalid("form_integer_invalid")
    if isinstance(raw, int):
        return raw
    value = _digits(raw).removesuffix("人").removesuffix("名")
    if not _INTEGER.fullmatch(value):
        raise Invalid("form_integer_invalid")
    return int(value)


_MAN = re.compile(r"([0-9]+)万([0-9]*)")


def money_yen(raw: Any) -> int:
    """Yen as an integer: ``1,200,000``, ``１２０万円``, ``¥300,000``, ``30万5000``."""
    if isinstance(raw, bool):
        raise Invalid("form_money_invalid")
    if isinstance(raw, int):
        return raw
    value = _digits(raw).lstrip("¥￥").removeprefix("JPY").removesuffix("円")
    man = _MAN.fullmatch(value)
    if man:
        return int(man[1]) * 10_000 + int(man[2] or 0)
    if not _INTEGER.fullmatch(value):
        raise Invalid("form_money_invalid")
    return int(value)


# --- Dates --------------------------------------------------------------------------

# (name, first day, last day or None); year 1 of each era begins on its first day.
ERAS: dict[str, tuple[date, date | None]] = {
    "明治": (date(1868, 10, 23), date(1912, 7, 29)),
    "大正": (date(1912, 7, 30), date(1926, 12, 24)),
    "昭和": (date(1926, 12, 25), date(1989, 1, 7)),
    "平成": (date(1989, 1, 8), date(2019, 4, 30)),
    "令和": (date(2019, 5, 1), None),
}
_ERA_LETTERS = {"M": "明治", "T": "大正", "S": "昭和", "H": "平成", "R": "令和"}
_WESTERN = re.compile(r"([0-9]{4})[-/.年]([0-9]{1,2})[-/.月]([0-9]{1,2})日?")
_COMPACT = re.compile(r"([0-9]{4})([0-9]{2})([0-9]{2})")
_JAPANESE = re.compile(
    r"(明治|大正|昭和|平成|令和|[MTSHR])\.?(元|[0-9]{1,2})[-/.年]([0-9]{1,2})[-/.月]([0-9]{1,2})日?"
)


def _make(year: int, month: int, day: int) -> date:
    try:
        return date(year, month, day)
    except ValueError:
        raise Invalid("form_date_nonexistent") from None


def parse_date(raw: Any) -> date:
    """A date typed as ``2027-02-10``, ``2027/2/10``, ``2027年2月10日``,
    ``20270210``, ``令和9年2月10日``, ``R9.2.10`` (also 平成/昭和/大正/明治,
    元年).  A day that does not exist, or an era year the era never reached,
    is refused with its own code."""
    if isinstance(raw, date):
        return raw
    value = normalize_text(str(raw or "")).replace(" ", "").upper()
    if match := _WESTERN.fullmatch(value) or _COMPACT.fullmatch(value):
        return _make(int(match[1]), int(match[2]), int(match[3]))
    if match := _JAPANESE.fullmatch(value):
        era = _ERA_LETTERS.get(match[1], match[1])
        year = 1 if match[2] == "元" else int(match[2])
        first, last = ERAS[era]
        if year < 1:
            raise Invalid("form_era_year_out_of_range", era=era, year=year)
        day = _make(first.year + year - 1, int(match[3]), int(match[4]))
        if day < first or (last is not None and day > last):
            if last is not None and first.year + year - 1 > last.year:
                raise Invalid(
                    "form_era_year_out_of_range",
                    era=era,
                    year=year,
                    last_year=last.year - first.year + 1,
                )
            # The year exists but not that day (平成31年5月1日 is 令和元年).
            raise Invalid("form_date_outside_era", era=era)
        return day
    raise Invalid("form_date_invalid")


def date_iso(raw: Any) -> str:
    return parse_date(raw).isoformat()


# --- Yes / no -----------------------------------------------------------------------

_YES = {"yes", "y", "true", "1", "有", "あり", "はい", "有り", "on"}
_NO = {"no", "n", "false", "0", "無", "なし", "いいえ", "無し", "off"}


def yes_no(raw: Any) -> bool:
    if isinstance(raw, bool):
        return raw
    value = normalize_text(str(raw or "")).lower()
    if value in _YES:
        return True
    if value in _NO:
        return False
    raise Invalid("form_yes_no_invalid")


# --- Identifiers --------------------------------------------------------------------


def card_number(raw: Any) -> str:
    value = normalize_number(str(raw or "")).replace("-", "").upper()
    if not CARD_NUMBER_RE.fullmatch(value):
        raise Invalid("form_card_number_invalid")
    return value


_PASSPORT = re.compile(r"[A-Z0-9]{5,20}")


def passport_number(raw: Any) -> str:
    """Upper-case letters and digits (lenient: ICAO allows 9 characters in the
    MRZ, some countries print longer numbers); spaces and hyphens dropped."""
    value = normalize_number(str(raw or "")).replace("-", "").upper()
    if not _PASSPORT.fullmatch(value):
        raise Invalid("form_passport_invalid")
    return value


def corporate_number(raw: Any) -> str:
    try:
        return clean_corporate_number(str(raw or ""))
    except ValidationError as exc:
        code = "check_digit" if exc.code == "check_digit" else "format"
        raise Invalid(f"form_corporate_number_{code}") from None


def postal_code(raw: Any) -> str:
    try:
        return clean_postal_code(str(raw or ""))
    except ValidationError:
        raise Invalid("form_postal_code_invalid") from None


def phone(raw: Any) -> str:
    try:
        return clean_phone(str(raw or ""))
    except ValidationError:
        raise Invalid("form_phone_invalid") from None


def email(raw: Any) -> str:
    value = normalize_text(str(raw or "")).replace(" ", "")
    try:
        validate_email(value)
    except ValidationError:
        raise Invalid("form_email_invalid") from None
    return value
