"""Search of cases by receipt number, residence card number or name: one
meaning for the officer queue and the organisation's case list, and one
expression shared by the queries and their index.

- A receipt number (``TKY-2026-…``, or its start) is a prefix lookup on the
  unique ``receipt_number`` (its ``varchar_pattern_ops`` index).
- A residence card number is an exact lookup on the person's card number
  (partial index ``fn_card_number``).
- Anything else is words of the person's name: each word must occur in the
  normalised name (Roman letters upper-cased with accents folded, kana,
  kanji), through the trigram index ``fn_search_trgm`` (pg_trgm), so a name
  search never scans every person.

The search text is normalised by ``normalise`` before it gets here (the
forms do it), the same way as the database expression.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

from django.db.models import Func, Q, TextField
from django.db.models.lookups import Contains

from accounts.validators import CARD_NUMBER_RE

_ACCENTED = "ÀÁÂÃÄÅĀÇČÉÈÊËĒĚÍÌÎÏĪÑŇÓÒÔÕÖØŌŘŠÚÙÛÜŪŮÝŸŽ"
_PLAIN = "AAAAAAACCEEEEEEIIIIINNOOOOOOORSUUUUUUYYZ"
_FOLD = str.maketrans(_ACCENTED, _PLAIN)
RECEIPT_SHAPE = re.compile(r"^[A-Z]{3}-\d{4}(-[\d-]*)?$")
PERSON_NAME_FIELDS = ("family_name", "given_name", "name_kanji")


class PersonSearchName(Func):
    """``TRANSLATE(UPPER(family || ' ' || given || ' ' || kanji), accents,
    plain)``: immutable, so PostgreSQL can index it (``||``, not CONCAT,
    which is only stable)."""

    arg_joiner = " || ' ' || "
    template = f"TRANSLATE(UPPER(%(expressions)s), '{_ACCENTED}', '{_PLAIN}')"
    output_field = TextField()


def normalise(text: str) -> str:
    """Search text as the index sees names: NFKC (full-width letters and
    half-width kana folded), upper case, accents folded, single spaces."""
    text = unicodedata.normalize("NFKC", text or "").upper().translate(_FOLD)
    return re.sub(r"\s+", " ", text).strip()


def kind(text: str) -> str:
    """ "receipt", "card" or "name"."""
    if RECEIPT_SHAPE.match(text):
        return "receipt"
    if CARD_NUMBER_RE.match(text):
        return "card"
    return "name"


def name_matches(text: str, person: str = "foreign_national__") -> Q:
    """Every word of ``text`` occurs in the person's normalised name."""
    expression = PersonSearchName(*(person + f for f in PERSON_NAME_FIELDS))
    condition = Q()
    for word in text.split():
        condition &= Q(Contains(expression, word))
    return condition


def case_search(text: str, *, person: str = "foreign_national__") -> tuple[str, Any]:
    """(kind, condition) for cases matching ``text``."""
    text = normalise(text)
    found = kind(text)
    if found == "receipt":
        return found, Q(receipt_number__startswith=text)
    if found == "card":
        return found, Q(**{person + "residence_card_number": text})
    return found, name_matches(text, person)
