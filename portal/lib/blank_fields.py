"""The HTML of a form field that a page always shows empty.

A field printed through ``components/field.html`` and Django's widget
templates cost about 0.7 ms (the officer's case page shows its note field on
every view: a fifth of the page's own work, README "Performance").  A field
of a form made without data, initial values or per-request choices prints
the same HTML for every request in a language, so it is printed once per
process and language.  Only for such forms: anything that varies (errors,
a chosen value, choices read from the database) must go through the
template as usual.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

_rendered: dict[tuple[Any, ...], SafeString] = {}


@receiver(setting_changed)
def _forget(**kwargs: Any) -> None:
    _rendered.clear()


def blank_field(form_class: type[forms.Form], name: str) -> SafeString:
    """``{% include "components/field.html" with field=form_class()[name] %}``,
    printed once per process and language."""
    key = (form_class, name, get_language(), settings.DEBUG)
    html = _rendered.get(key)
    if html is None:
        html = mark_safe(  # noqa: S308 - the template escaped what it printed
            render_to_string("components/field.html", {"field": form_class()[name]})
        )
        _rendered[key] = html
    return html
