"""The Jinja2 environment for the hottest fragments of the busiest pages.

Django's template engine costs about 10 µs for every ``{{ variable }}`` it
renders; a list of 50 rows with a dozen columns spent more time there than in
everything else the page does (README, "Performance").  Jinja2 compiles a
template to Python, so the same rows cost a tenth.  The pages stay Django
templates (the layout, forms and components are shared with every other
page); a view renders only its rows with this engine and hands the HTML to
its Django template.

Rules for these templates (``<app>/jinja2/``):

- Text is ``{{ _("literal") }}`` only: ``makemessages`` reads these files as
  Django templates, and that form is the one both engines understand.
  Plurals and text with placeholders are made in Python (``ngettext``).
- The context holds prepared values (strings, dates, booleans), not model
  instances: the view decides what a row says; the template only lays it out.
- Undefined names raise (``StrictUndefined``): a typo fails the tests instead
  of printing nothing.
"""

from __future__ import annotations

from datetime import date, datetime
from functools import lru_cache
from typing import Any

from django.http import HttpRequest
from django.template.loader import render_to_string
from django.templatetags.static import static
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.safestring import SafeString, mark_safe

from jinja2 import Environment, StrictUndefined

from portal.lib.i18n import page_language


@lru_cache(maxsize=4096)
def _date_text(day: date, language: str) -> str:
    with translation.override(language):
        return formats.date_format(day, "DATE_FORMAT")


def display_date(value: date | datetime | None) -> str:
    """A date (or the local date of a moment) as the portal writes dates:
    "2027年2月10日" / "10 February 2027" — Django's ``date:"DATE_FORMAT"``,
    remembered per day and language (a list repeats the same few days)."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = timezone.localtime(value).date()
    return _date_text(value, page_language())


def iso_date(value: date | datetime | None) -> str:
    """For ``<time datetime>``: the local moment (or the day) in ISO 8601."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return timezone.localtime(value).isoformat()
    return value.isoformat()


def _url(viewname: str, *args: Any) -> str:
    return reverse(viewname, args=args or None)


def environment(**options: Any) -> Environment:
    options["undefined"] = StrictUndefined  # Django sets a lenient default
    # Django's backend asks for autoescaping too; never without it.
    options.pop("autoescape", None)
    env = Environment(autoescape=True, extensions=["jinja2.ext.i18n"], **options)
    env.install_gettext_callables(  # type: ignore[attr-defined]
        translation.gettext, translation.ngettext, newstyle=True
    )
    env.globals.update(url=_url, static=static)
    env.filters.update(date=display_date, iso=iso_date)
    return env


def render_fragment(
    template_name: str, context: dict[str, Any], request: HttpRequest
) -> SafeString:
    """``template_name`` (a Jinja2 template, autoescaped) as HTML for a
    Django template to print as it is."""
    return mark_safe(  # noqa: S308 - Jinja2 escaped every value it printed
        render_to_string(template_name, context, request=request, using="jinja2")
    )
