"""The desk's forms: the calendar's filters (GET) and the settings.  The
client filter is the applications app's (the drafts and the dashboard use
the same one)."""

from __future__ import annotations

from datetime import date
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from applications.forms.cases import ClientFilterForm, organization_label
from applications.forms.fields import choice_field
from desk import calendar
from desk.selectors import Kind


class CalendarFilterForm(ClientFilterForm):
    """The calendar's filters: organisation, person (part of the name),
    kind and month of the due date."""

    person = forms.CharField(
        label=_("Person"),
        help_text=_("Part of the name, in Roman letters or kanji"),
        required=False,
        max_length=60,
    )
    kind = forms.ChoiceField(label=_("Kind"), required=False)
    month = forms.ChoiceField(label=_("Month"), required=False)

    def __init__(self, *args: Any, today: date, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choice_field(self, "kind").choices = [("", _("All kinds")), *Kind.CHOICES]
        months = []
        # Overdue items belong to past months: offer the last two as well.
        for offset in range(-2, calendar.HORIZON_MONTHS + 1):
            year, month = divmod(today.year * 12 + today.month - 1 + offset, 12)
            months.append(date(year, month + 1, 1).strftime("%Y-%m"))
        choice_field(self, "month").choices = [
            ("", _("Any month")),
            *((m, m) for m in months),
        ]
        self.fields["person"].widget.attrs.update(
            {"spellcheck": "false", "autocomplete": "off"}
        )

    def clean_person(self) -> str:
        import unicodedata

        text = unicodedata.normalize("NFKC", self.cleaned_data.get("person") or "")
        return " ".join(text.split()).upper()


class DigestPreferenceForm(forms.Form):
    weekly_digest = forms.BooleanField(
        label=_("Send me the weekly digest email"),
        help_text=_(
            "On Monday mornings: what needs action in the next 60 days, across "
            "all your organisations."
        ),
        required=False,
    )


__all__ = [
    "CalendarFilterForm",
    "ClientFilterForm",
    "DigestPreferenceForm",
    "organization_label",
]
