"""Template filters of the issuance pages."""

from __future__ import annotations

from typing import Any

from django import template

register = template.Library()


@register.filter
def yen(amount: Any) -> str:
    """12345 → "12,345" (the template adds the currency in its own words)."""
    try:
        return f"{int(amount):,}"
    except (TypeError, ValueError):
        return ""


@register.filter
def days_figure(value: Any) -> str:
    """23.0 → "23", 23.5 → "23.5"."""
    try:
        number = float(value)
    except (TypeError, ValueError):
        return ""
    return f"{number:.0f}" if number == int(number) else f"{number:.1f}"
