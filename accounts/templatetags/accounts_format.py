"""Display helpers for accounts' templates and emails."""

from __future__ import annotations

from datetime import date
from typing import Any

from django import template
from django.utils import translation

register = template.Library()


@register.filter
def iso_date(value: Any) -> date | str:
    """``"2029-04-01"`` (as stored in a notification's context) → a date the
    ``date`` filter can format in the reader's language; anything else is
    returned unchanged."""
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        return str(value or "")


@register.filter
def country_name(code: str | None) -> str:
    """A nationality code as its name in the page's language (never the
    bare ISO code)."""
    from portal.lib.countries import country_name as name_of
    from portal.lib.i18n import page_language

    return name_of(code, page_language())


@register.filter
def bracketed(value: Any) -> str:
    """An aside in the page's brackets: ``"（EX0001）"`` in Japanese (公用文:
    full-width, no space before) and ``" (EX0001)"`` in English. Empty stays
    empty."""
    text = str(value if value is not None else "")
    if not text:
        return ""
    if (translation.get_language() or "").startswith("ja"):
        return f"（{text}）"
    return f" ({text})"


@register.filter
def roster_status(value: Any) -> str:
    """A roster entry's status of residence in the page's language."""
    from accounts.roster_csv import status_in_language

    return status_in_language(str(value or ""), translation.get_language() or "ja")
