"""Forms of the organisation side: the roster, its CSV import, the periodic
report's steps.  They validate and normalise; views call the services.

The roster form cleans every value with the same functions as the CSV
importer (``accounts.roster_csv``), so a person typed in and a person
imported obey the same rules.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from accounts import messages, roster_csv
from accounts.declarations import DECLARATIONS
from accounts.models import RosterEntry, UseRequestDocument
from portal.lib.countries import country_choices
from portal.lib.files import PrivateFileField

ROSTER_CSV_MAX_BYTES = 5 * 1024 * 1024  # 10,000 people take about 1.2 MB
DATE_HINT = _("For example 1998-04-12 (YYYY-MM-DD).")


class RosterEntryForm(forms.Form):
    """One person on the roster.  ``cleaned_data`` holds RosterEntry values."""

    family_name = forms.CharField(
        label=_("Family name (as in the passport)"),
        max_length=120,
        error_messages={"required": _("Enter the family name as in the passport.")},
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    given_name = forms.CharField(
        label=_("Given names (as in the passport)"),
        max_length=120,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    name_kanji = forms.CharField(
        label=_("Name in kanji"),
        max_length=120,
        required=False,
        help_text=_("Only if the person has a name written in kanji."),
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    sex = forms.ChoiceField(
        label=_("Sex"),
        choices=RosterEntry.Sex.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose the person's sex.")},
    )
    date_of_birth = forms.CharField(
        label=_("Date of birth"),
        max_length=20,
        error_messages={"required": _("Enter the date of birth.")},
        help_text=DATE_HINT,
        widget=forms.TextInput(
            attrs={
                "autocomplete": "off",
                "inputmode": "numeric",
                "class": "input--width-10",
            }
        ),
    )
    nationality = forms.ChoiceField(
        label=_("Nationality"),
        choices=[],
        error_messages={"required": _("Choose the person's nationality.")},
    )
    status_of_residence = forms.CharField(
        label=_("Status of residence"),
        max_length=128,
        required=False,
        help_text=_("As on the residence card. Leave blank for a planned hire."),
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    residence_card_number = forms.CharField(
        label=_("Residence card number"),
        max_length=40,
        required=False,
        help_text=_(
            "2 letters, 8 digits and 2 letters, for example AB12345678CD. Leave blank "
            "only for a planned hire."
        ),
        widget=forms.TextInput(
            attrs={
                "autocomplete": "off",
                "spellcheck": "false",
                "autocapitalize": "characters",
                "class": "input--width-20",
            }
        ),
    )
    period_expiry = forms.CharField(
        label=_("Period of stay ends on"),
        max_length=20,
        required=False,
        help_text=DATE_HINT,
        widget=forms.TextInput(
            attrs={
                "autocomplete": "off",
                "inputmode": "numeric",
                "class": "input--width-10",
            }
        ),
    )
    planned_hire = forms.BooleanField(
        label=_("This person is a planned hire (not employed yet)"),
        required=False,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["nationality"]
        if isinstance(field, forms.ChoiceField):
            # A code stored before the list changed stays choosable.
            field.choices = [
                ("", _("Choose a country")),
                *country_choices(current=self.initial.get("nationality")),
            ]

    @classmethod
    def initial_from(cls, entry: RosterEntry) -> dict[str, Any]:
        initial = {name: getattr(entry, name) for name in roster_csv.HEADERS}
        initial["date_of_birth"] = entry.date_of_birth.isoformat()
        initial["period_expiry"] = (
            entry.period_expiry.isoformat() if entry.period_expiry else ""
        )
        return initial

    def _clean_with(self, key: str) -> Any:
        raw = self.cleaned_data.get(key) or ""
        try:
            return roster_csv.clean_value(
                key,
                raw,
                str(self.fields[key].label).lower(),
                statuses=roster_csv.status_names(),
            )
        except roster_csv.RosterValueError as exc:
            raise ValidationError(exc.message) from None

    def clean_family_name(self) -> str:
        return str(self._clean_with("family_name"))

    def clean_given_name(self) -> str:
        return str(self._clean_with("given_name"))

    def clean_name_kanji(self) -> str:
        return str(self._clean_with("name_kanji"))

    def clean_date_of_birth(self) -> Any:
        return self._clean_with("date_of_birth")

    def clean_nationality(self) -> str:
        return str(self._clean_with("nationality"))

    def clean_status_of_residence(self) -> str:
        return str(self._clean_with("status_of_residence"))

    def clean_residence_card_number(self) -> str:
        return str(self._clean_with("residence_card_number"))

    def clean_period_expiry(self) -> Any:
        return self._clean_with("period_expiry")

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if not self.errors:
            for key, message in roster_csv.cross_check(cleaned):
                self.add_error(key, message)
        return cleaned

    def values(self) -> dict[str, Any]:
        """The cleaned RosterEntry fields, for ``services.roster_entry_save``."""
        return {name: self.cleaned_data[name] for name in roster_csv.HEADERS}


class RosterImportForm(forms.Form):
    csv_file = forms.FileField(
        label=_("CSV file"),
        help_text=_(
            "Saved from Excel as “CSV UTF-8” or “CSV”, with the headings of the "
            "template. People already on the list (same name, date of birth and "
            "nationality) are updated."
        ),
        error_messages={"required": messages.ROSTER_FILE_REQUIRED},
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv"}),
    )

    def clean_csv_file(self) -> bytes:
        uploaded = self.cleaned_data["csv_file"]
        if uploaded.size is not None and uploaded.size > ROSTER_CSV_MAX_BYTES:
            raise ValidationError(
                str(messages.ROSTER_FILE_TOO_LARGE).format(
                    limit=ROSTER_CSV_MAX_BYTES // 2**20
                )
            )
        uploaded.seek(0)
        return bytes(uploaded.read(ROSTER_CSV_MAX_BYTES + 1))


class ConfirmUsersForm(forms.Form):
    confirmed = forms.BooleanField(
        label=_("This list of portal users is correct"),
        error_messages={"required": messages.PERIODIC_CONFIRM_USERS},
    )


class ConfirmRosterForm(forms.Form):
    confirmed = forms.BooleanField(
        label=_("This list of foreign employees and planned hires is correct"),
        error_messages={"required": messages.PERIODIC_CONFIRM_ROSTER},
    )


def _declarations() -> list[tuple[str, Any]]:
    # The same texts as the request for use (the requester's wizard).
    return [(declaration.field, declaration.text) for declaration in DECLARATIONS]


class PeriodicDeclarationsForm(forms.Form):
    """The five requirements of the leaflet, each renewed on its own."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name, text in _declarations():
            self.fields[name] = forms.BooleanField(
                label=text, error_messages={"required": messages.DECLARATION_REQUIRED}
            )

    @staticmethod
    def initial_from(report: Any) -> dict[str, bool]:
        return {name: bool(getattr(report, name)) for name, _text in _declarations()}

    def changes(self) -> dict[str, bool]:
        return {
            name: bool(self.cleaned_data.get(name)) for name, _text in _declarations()
        }


PERIODIC_SLOTS = (UseRequestDocument.Slot.CATEGORY, UseRequestDocument.Slot.USER_LIST)
SLOT_HINTS = {
    UseRequestDocument.Slot.CATEGORY: _(
        "A document showing the organisation's category, for example last year's "
        "summary of legal records on employment income (法定調書合計表) with the "
        "tax office's receipt stamp, or proof of a listing on a stock exchange."
    ),
    UseRequestDocument.Slot.USER_LIST: _(
        "The list of the organisation's portal users (在留申請オンラインシステム利用者リスト), "
        "signed by the organisation."
    ),
}


class PeriodicDocumentsForm(forms.Form):
    """Files for the two slots of the periodic report.  A slot that already
    has a file may be left empty; an empty slot must get one."""

    def __init__(
        self, *args: Any, filled: set[str] | frozenset[str] = frozenset(), **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.filled = set(filled)
        for slot in PERIODIC_SLOTS:
            self.fields[slot] = PrivateFileField(
                label=UseRequestDocument.Slot(slot).label,
                help_text=SLOT_HINTS[slot],
                multiple=True,
                required=False,
            )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        for slot in PERIODIC_SLOTS:
            if (
                slot not in self.errors
                and not cleaned.get(slot)
                and slot not in self.filled
            ):
                label = UseRequestDocument.Slot(slot).label
                self.add_error(
                    slot, str(messages.MISSING_DOCUMENT).format(document=label)
                )
        return cleaned

    def uploads(self) -> list[tuple[str, Any]]:
        return [
            (slot, upload)
            for slot in PERIODIC_SLOTS
            for upload in self.cleaned_data.get(slot) or []
        ]
