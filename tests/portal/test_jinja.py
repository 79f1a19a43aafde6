"""The Jinja2 engine of the busiest lists (portal/lib/jinja.py)."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime

from django.template import engines
from django.utils import translation
from django.utils.formats import date_format
from django.utils.translation.template import templatize

import pytest
from jinja2 import UndefinedError

from portal.lib.jinja import display_date, iso_date
from tests.conftest import ROOT

JINJA_TEMPLATES = sorted(ROOT.glob("*/jinja2/**/*.html"))
LITERAL = re.compile(r"""_\((["'])(.+?)\1\)""")


def test_there_are_jinja_templates_to_check():
    assert JINJA_TEMPLATES
    assert any(LITERAL.search(path.read_text()) for path in JINJA_TEMPLATES)


@pytest.mark.parametrize("path", JINJA_TEMPLATES, ids=lambda p: p.name)
def test_every_text_reaches_the_catalogue_and_has_japanese(path):
    """makemessages reads these files as Django templates: each ``_("…")``
    must survive that reading, and be translated."""
    source = path.read_text()
    texts = {m[2] for m in LITERAL.finditer(source)}  # none: a row of values only
    extracted = templatize(source, origin=str(path))
    with translation.override("ja"):
        for text in texts:
            assert f"_({text!r})" in extracted or f'_("{text}")' in extracted, text
            assert translation.gettext(text) != text, f"no Japanese for {text!r}"


def _render(source: str, **context):
    return engines["jinja2"].from_string(source).render(context)


def test_values_are_escaped_and_undefined_names_fail():
    assert _render("{{ v }}", v="<script>") == "&lt;script&gt;"
    with pytest.raises(UndefinedError):
        _render("{{ missing }}")


@pytest.mark.parametrize("language", ["ja", "en"])
def test_dates_read_as_in_django_templates(language):
    moment = datetime(2027, 2, 10, 16, 30, tzinfo=UTC)  # 11 February in Tokyo
    with translation.override(language):
        assert display_date(date(2027, 2, 10)) == date_format(
            date(2027, 2, 10), "DATE_FORMAT"
        )
        assert display_date(moment) == date_format(date(2027, 2, 11), "DATE_FORMAT")
        assert _render("{{ d|date }}", d=date(2027, 2, 10)) == display_date(
            date(2027, 2, 10)
        )
    assert display_date(None) == iso_date(None) == ""
    assert iso_date(date(2027, 2, 10)) == "2027-02-10"
    assert iso_date(moment) == "2027-02-11T01:30:00+09:00"
