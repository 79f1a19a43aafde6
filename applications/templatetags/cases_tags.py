"""Display helpers for applications in pages and PDFs: names kept as data in
both languages (``name_ja``/``name_en``) and ISO 3166 country names, in the
language being rendered."""

from __future__ import annotations

from typing import Any

from django import template

from portal.lib import countries
from portal.lib.i18n import page_language

register = template.Library()


@register.filter
def localized(obj: Any, attribute: str = "name") -> str:
    """``obj.<attribute>_en`` on English pages (when filled), else
    ``obj.<attribute>_ja``; "" for None."""
    if obj is None:
        return ""
    if page_language() == "en":
        value = getattr(obj, f"{attribute}_en", "")
        if value:
            return str(value)
    return str(getattr(obj, f"{attribute}_ja", "") or "")


@register.filter
def country_name(code: str | None) -> str:
    """The country's name for an ISO 3166 alpha-2 code, in the page's
    language; the code itself when unknown."""
    return countries.country_name(code, page_language())


@register.filter
def period(text: str | None) -> str:
    """A period of stay ("1y3m") in words, in the page's language."""
    if not text:
        return ""
    from applications.validators import period_label

    return period_label(text)
