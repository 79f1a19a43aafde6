"""Template helpers of the issuance pages, and the processing-time figure for
pages outside the review app (the user's case page):

    {% load issuance_tags %}
    {% processing_time_for application as figure %}
    {% if figure %}… {{ figure.median_days }} … {{ figure.p90_days }} …{% endif %}

The applications app cannot import review; a template tag library is the
seam (templates may load any installed app's library)."""

from __future__ import annotations

from typing import Any

from django import template

from review.processing_times import ProcessingTime, processing_time_for

register = template.Library()


@register.simple_tag(name="processing_time_for")
def processing_time_tag(application: Any) -> ProcessingTime | None:
    """The figure for the application's office and type, or None (too few
    decisions in the last 12 months, or no office yet)."""
    if application is None or getattr(application, "office_id", None) is None:
        return None
    return processing_time_for(
        office_id=application.office_id, type_code=application.application_type.code
    )


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
