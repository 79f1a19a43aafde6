"""Display helpers of the office pages and the examination emails."""

from __future__ import annotations

from typing import Any

from django import template

from applications.validators import period_label as _period_label
from applications.workflow import Action, Status

register = template.Library()


@register.filter
def period_label(value: str | None) -> str:
    """A period of stay (``"3y"``, ``"designated-5y"``) in words, in the
    language being rendered."""
    return _period_label(value) if value else ""


@register.filter
def status_label(value: str | None) -> str:
    try:
        return str(Status(value or "").label)
    except ValueError:
        return str(value or "")


@register.filter
def action_label(value: str | None) -> str:
    try:
        return str(Action(value or "").label)
    except ValueError:
        return str(value or "")


@register.filter
def get_item(mapping: Any, key: Any) -> Any:
    try:
        return mapping.get(key)
    except AttributeError:
        return None
