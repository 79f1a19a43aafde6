"""Pure normalisers and validators for the request for use.

Each ``clean_*`` function takes what a person typed and returns the value to
store, or raises ``ValidationError`` with a ``code`` and a message from
``accounts.messages``.  They read no database and no settings, so they are
table-tested (tests/accounts/test_validators.py).

Normalisation follows what people really type on Japanese keyboards: full-width
digits (``１２３``), the many hyphen look-alikes (``－ ― ‐ ー``), half-width
katakana and hiragana in kana fields.  Those are normalised, never rejected.
"""

from __future__ import annotations

import re
import unicodedata

from django.core.exceptions import ValidationError

from stdnum.jp import cn as corporate_number

from accounts.messages import (
    CORPORATE_NUMBER_CHECK_DIGIT,
    CORPORATE_NUMBER_FORMAT,
    KANA_INVALID,
    PHONE_INVALID,
    POSTAL_CODE_INVALID,
)

# A residence card number: two letters, eight digits, two letters (one pattern
# for forms, imports and the database constraints).
CARD_NUMBER_PATTERN = r"^[A-Z]{2}[0-9]{8}[A-Z]{2}$"
CARD_NUMBER_RE = re.compile(CARD_NUMBER_PATTERN)

# Characters people type for a hyphen in numbers.  NFKC already turns the
# full-width hyphen-minus (U+FF0D) into "-" and the half-width prolonged sound
# mark (U+FF70) into "ー"; the katakana prolonged sound mark "ー" is what an IME
# produces for "-" in Japanese input mode, so in *number* fields it is a hyphen.
HYPHENS = "\u2010\u2011\u2012\u2013\u2014\u2015\u2212\u2043\ufe63\u02d7\u30fc\u2500"
_TO_HYPHEN = str.maketrans(dict.fromkeys(HYPHENS, "-"))

_DIGITS = re.compile(r"[0-9]+")
_POSTAL = re.compile(r"([0-9]{3})-?([0-9]{4})")
_PHONE = re.compile(r"[0-9]+(?:-[0-9]+)*")
# Full-width katakana (ァ…ヺ), the middle dot ・, ー and the iteration marks ヽヾ.
_KATAKANA_WORD = r"[\u30a1-\u30fa\u30fb\u30fc\u30fd\u30fe]+"
_KANA = re.compile(rf"{_KATAKANA_WORD}(?: {_KATAKANA_WORD})*")


# CJK compatibility ideographs (e.g. 神 U+FA19): NFKC would replace them with
# the unified form (神 U+795E), changing how a person's or a company's name is
# written.  They are kept as typed.
_COMPAT_IDEOGRAPHS = re.compile("([\uf900-\ufaff\U0002f800-\U0002fa1f]+)")


def normalize_text(value: str | None) -> str:
    """NFKC (full-width Latin letters and digits to half-width, half-width
    katakana to full-width, ``㈱`` to ``(株)``) — except CJK compatibility
    ideographs, kept as typed — and runs of white space (the ideographic space
    included) to one space, stripped."""
    parts = _COMPAT_IDEOGRAPHS.split(value or "")
    # split() with a group: odd items are the protected runs.
    text = "".join(
        part if i % 2 else unicodedata.normalize("NFKC", part)
        for i, part in enumerate(parts)
    )
    return " ".join(text.split())


def is_hidden_character(ch: str) -> bool:
    """Control characters (Cc) and format characters (Cf: the bidi overrides
    and isolates U+202A–U+202E, U+2066–U+2069, zero-width characters), which
    can make a name display as something else.  Names anywhere in the portal
    (the roster, the people of an application) refuse them."""
    return unicodedata.category(ch) in ("Cc", "Cf")


def has_hidden_characters(value: str | None) -> bool:
    """The text contains a character ``is_hidden_character`` refuses."""
    return any(is_hidden_character(ch) for ch in value or "")


def normalize_number(value: str | None) -> str:
    """``normalize_text`` plus every hyphen look-alike to ``-`` and no spaces:
    the form numbers (phone, postal code, corporate number) are compared in."""
    text = normalize_text(value).translate(_TO_HYPHEN)
    return "".join(text.split())


def clean_corporate_number(value: str | None) -> str:
    """The 13-digit corporate number (法人番号), hyphens and spaces removed,
    with its check digit verified (python-stdnum ``jp.cn``: the first digit is
    9 − (Σ weighted digits mod 9), domain-facts §5.2)."""
    digits = normalize_number(value).replace("-", "")
    if not _DIGITS.fullmatch(digits) or len(digits) != 13:
        raise ValidationError(CORPORATE_NUMBER_FORMAT, code="format")
    if not corporate_number.is_valid(digits):
        raise ValidationError(CORPORATE_NUMBER_CHECK_DIGIT, code="check_digit")
    return digits


def clean_postal_code(value: str | None) -> str:
    """A Japanese postal code as ``NNN-NNNN``; accepts 7 digits, full width,
    any hyphen and a leading ``〒``."""
    text = normalize_number(value).removeprefix("〒")
    match = _POSTAL.fullmatch(text)
    if match is None:
        raise ValidationError(POSTAL_CODE_INVALID, code="invalid")
    return f"{match[1]}-{match[2]}"


def clean_phone(value: str | None) -> str:
    """A Japanese phone number: 10 or 11 digits starting with 0, grouped by
    hyphens as typed.  ``+81`` becomes the leading 0; brackets (``03(1234)5678``)
    become hyphens."""
    text = normalize_number(value).replace("(", "-").replace(")", "-")
    if text.startswith("+81"):
        rest = text.removeprefix("+81").lstrip("-")
        if rest.startswith("0"):  # "+81 (0)3 …": the trunk 0 written in brackets
            rest = rest[1:].lstrip("-")
        text = "0" + rest
    text = re.sub(r"-+", "-", text).strip("-")
    digits = text.replace("-", "")
    if (
        not _PHONE.fullmatch(text)
        or not digits.startswith("0")
        or len(digits) not in (10, 11)
    ):
        raise ValidationError(PHONE_INVALID, code="invalid")
    return text


def to_katakana(value: str) -> str:
    """Hiragana (ぁ…ゖ, ゝゞ) to the katakana at the same place in Unicode."""
    return "".join(
        chr(ord(ch) + 0x60)
        if "\u3041" <= ch <= "\u3096" or ch in "\u309d\u309e"
        else ch
        for ch in value
    )


def clean_kana(value: str | None) -> str:
    """A name in kana, stored as full-width katakana with words separated by an
    ideographic space.  Hiragana and half-width katakana are converted;
    anything else (kanji, Latin letters, digits) is refused."""
    text = to_katakana(normalize_text(value))
    if not _KANA.fullmatch(text):
        raise ValidationError(KANA_INVALID, code="invalid")
    return "\u3000".join(text.split(" "))
