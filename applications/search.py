"""Search of cases by receipt number, residence card number or name: one
meaning for the officer queue, the organisation's case list and the API, and
one expression shared by the queries and their index.

- A receipt number (``TKY-2026-…``, or its start) is a prefix lookup on the
  unique ``receipt_number`` (its ``varchar_pattern_ops`` index).
- A residence card number is an exact lookup on the person's card number
  (partial index ``fn_card_number``).
- Anything else is words of the person's name: each word must occur in the
  normalised name (Roman letters upper-cased with accents folded, kana,
  kanji).  On PostgreSQL that is the application's own copy of it,
  ``Application.search_name`` (kept by triggers, migration 0011), through the
  trigram indexes ``app_search_open`` (open main cases: the queue, whose
  office is checked on the few rows found) and ``app_search_cases`` (sent
  main cases: the case list, ANDed with the organisation's index), so a name
  search is one index scan however many people share the name.
  SQLite (the embedded developer default) has neither triggers nor GIN
  here: it matches the person's name (``PersonSearchName``) directly.

The search text is normalised by ``normalise`` before it gets here (the
forms do it), the same way as the database expression.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

from django.db import connection
from django.db.models import F, Func, Q, TextField
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
    which is only stable).  The triggers of migration 0011 store the same
    expression in ``Application.search_name``."""

    arg_joiner = " || ' ' || "
    template = f"TRANSLATE(UPPER(%(expressions)s), '{_ACCENTED}', '{_PLAIN}')"
    output_field = TextField()

    def as_sqlite(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        # SQLite has no TRANSLATE, its UPPER folds ASCII only, and eighty
        # nested REPLACE calls overflow its parser: the folding is a Python
        # function, registered on the query's connection whenever the
        # expression is compiled (cheap; so every connection has it).
        connection.ensure_connection()
        connection.connection.create_function(
            "zairyu_search_fold", 1, _fold, deterministic=True
        )
        return self.as_sql(
            compiler,
            connection,
            template="zairyu_search_fold(%(expressions)s)",
            **extra,
        )


def _fold(text: str | None) -> str | None:
    return None if text is None else text.upper().translate(_FOLD)


def person_search_name_sql(person: str) -> str:
    """``PersonSearchName`` as PostgreSQL SQL over the columns of the table
    or alias ``person``: for bulk loads that fill ``Application.search_name``
    with the triggers off (the benchmark generator)."""
    columns = (f'{person}."{field}"' for field in PERSON_NAME_FIELDS)
    return PersonSearchName.template % {
        "expressions": PersonSearchName.arg_joiner.join(columns)
    }


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


def case_name() -> Any:
    """An application's normalised name: its ``search_name`` on PostgreSQL,
    the person's name on SQLite (which keeps no copy)."""
    if connection.vendor == "postgresql":
        return F("search_name")
    return PersonSearchName(*("foreign_national__" + f for f in PERSON_NAME_FIELDS))


def name_matches(text: str, name: Any) -> Q:
    """Every word of ``text`` occurs in ``name`` (an expression such as
    ``case_name()`` or a ``PersonSearchName``)."""
    condition = Q()
    for word in text.split():
        condition &= Q(Contains(name, word))
    return condition


def case_search(text: str) -> tuple[str, Any]:
    """(kind, condition) for applications matching ``text``."""
    text = normalise(text)
    found = kind(text)
    if found == "receipt":
        return found, Q(receipt_number__startswith=text)
    if found == "card":
        return found, Q(foreign_national__residence_card_number=text)
    return found, name_matches(text, case_name())
