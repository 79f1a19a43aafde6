"""Which widget a question with choices gets: the portal's one rule.

Five or fewer options are radios (checkboxes for several answers), so every
option can be read at a glance without opening a list (GOV.UK radios, DADS
ラジオボタン); more than five are a select.  The blank "Choose …" entry of a
select is not an option and is dropped from radios of a required question.

Forms take the rule with ``ChoiceWidgetsMixin``; the 申請書 pages, which
are not Django forms, ask ``prefers_radios``.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django import forms

RADIOS_UP_TO = 5


def option_count(choices: Iterable[Any]) -> int:
    """The options a person chooses between: blank values and group headings
    do not count, the options inside groups do."""
    count = 0
    for value, label in choices:
        if isinstance(label, (list, tuple)):
            count += option_count(label)
        elif value not in ("", None):
            count += 1
    return count


def prefers_radios(count: int) -> bool:
    return count <= RADIOS_UP_TO


def apply_choice_widgets(form: forms.BaseForm) -> None:
    """Turn the form's selects of five or fewer options into radios (and
    multiple selects into checkboxes), keeping their attributes.  A required
    question's blank entry is dropped; an optional one keeps it as an
    answer (its label says what it means, "No category")."""
    for field in form.fields.values():
        if not isinstance(field, forms.ChoiceField):
            continue
        widget = field.widget
        if isinstance(widget, (forms.RadioSelect, forms.HiddenInput)):
            continue  # radios or checkboxes already, or not shown
        choices: list[Any] = list(field.choices)  # type: ignore[arg-type]
        if not prefers_radios(option_count(choices)):
            continue
        attrs = {k: v for k, v in widget.attrs.items() if k != "class"}
        if isinstance(field, forms.MultipleChoiceField):
            field.widget = forms.CheckboxSelectMultiple(attrs=attrs)
        else:
            field.widget = forms.RadioSelect(attrs=attrs)
        if field.required:
            choices = [(v, label) for v, label in choices if v not in ("", None)]
        field.choices = choices


class ChoiceWidgetsMixin:
    """For forms whose choices are set in ``__init__`` (from the database or
    the case): the rule is applied once, when the form is first drawn or
    read field by field, after every ``__init__`` has set its choices."""

    _choice_widgets_done = False

    def __getitem__(self, name: str) -> Any:
        if not self._choice_widgets_done:
            self._choice_widgets_done = True
            apply_choice_widgets(self)  # type: ignore[arg-type]
        return super().__getitem__(name)  # type: ignore[misc]
