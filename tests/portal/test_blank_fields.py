"""A field always shown empty is printed once per process and language
(portal/lib/blank_fields.py), exactly as the field template prints it."""

from __future__ import annotations

from django import forms
from django.template.loader import render_to_string
from django.utils import translation

from portal.lib.blank_fields import blank_field
from review.forms import NoteForm


def test_the_same_html_as_the_field_template_in_each_language():
    for language in ("ja", "en"):
        with translation.override(language):
            expected = render_to_string(
                "components/field.html", {"field": NoteForm()["text"]}
            )
            assert blank_field(NoteForm, "text") == expected
            assert blank_field(NoteForm, "text") is blank_field(NoteForm, "text")
    with translation.override("ja"):
        ja = blank_field(NoteForm, "text")
    with translation.override("en"):
        assert blank_field(NoteForm, "text") != ja


def test_each_form_and_field_has_its_own():
    class Other(forms.Form):
        text = forms.CharField(label="Something else", widget=forms.Textarea)

    with translation.override("en"):
        assert "Something else" in blank_field(Other, "text")
        assert "Something else" not in blank_field(NoteForm, "text")
