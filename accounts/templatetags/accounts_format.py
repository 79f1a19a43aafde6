"""Display helpers for accounts' templates and emails."""

from __future__ import annotations

from datetime import date
from typing import Any

from django import template

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
