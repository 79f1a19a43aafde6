"""How answers are stored: with the key of the edition they were filed under,
so an application renders with its own edition after a new one is published
(``Application.answers`` holds this envelope).

A draft keeps what was typed (``raw``) so a page can show it back even when
it is not valid yet, and a definition change never loses an answer: items the
new edition no longer has stay in ``raw`` until the draft is sent.  Sending
stores the cleaned answers of ``engine.clean``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from applications.application_forms.editions import edition_by_key
from applications.application_forms.schema import FormEdition

VERSION = 1


def envelope(
    edition: FormEdition,
    *,
    raw: Mapping[str, Any] | None = None,
    cleaned: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """The JSON stored for an application's form."""
    return {
        "version": VERSION,
        "edition": edition.key,
        "raw": dict(raw or {}),
        "cleaned": dict(cleaned) if cleaned is not None else None,
    }


def read(data: Mapping[str, Any]) -> tuple[FormEdition, dict[str, Any]]:
    """The edition an envelope was written with and its answers (the cleaned
    ones once sent, else what was typed).  KeyError for an unknown edition."""
    edition = edition_by_key(data["edition"])
    answers = data.get("cleaned")
    if answers is None:
        answers = data.get("raw") or {}
    return edition, dict(answers)
