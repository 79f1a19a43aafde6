"""Display helpers of the office pages and the examination emails."""

from __future__ import annotations

from django import template

from applications.templatetags.cases_tags import period
from applications.workflow import Action, Status

register = template.Library()


# The same filter as applications' ``period`` (one implementation).
register.filter("period_label", period)


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
