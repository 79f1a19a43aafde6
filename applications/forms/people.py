"""The organisation's record of a foreign national."""

from __future__ import annotations

from datetime import date
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Organization
from applications import validators
from applications.forms.fields import (
    TEXT_ATTRS,
    Catalogue,
    DateInputField,
    choice_field,
    clean_status_pair,
)
from applications.messages import (
    BIRTH_FUTURE,
    BIRTH_REQUIRED,
    CARD_REQUIRED,
    DUPLICATE_PERSON,
    EXPIRY_BEFORE_BIRTH,
    EXPIRY_REQUIRED,
    FAMILY_NAME_REQUIRED,
    NATIONALITY_REQUIRED,
    PERIOD_REQUIRED,
    SEX_REQUIRED,
    STATUS_REQUIRED,
)
from applications.models import (
    ForeignNational,
)
from applications.selectors import foreign_national_duplicate
from portal.lib.choices import ChoiceWidgetsMixin
from portal.lib.countries import country_choices

# --- Foreign nationals ----------------------------------------------------------------


class ForeignNationalForm(ChoiceWidgetsMixin, forms.Form):
    """A person as the organisation knows them (``cleaned_data`` holds
    ForeignNational values; ``values()`` gives them to the services).

    ``in_japan`` (an application made in Japan: change, extension, authorised
    employment) makes the residence card number, the current status, period
    and expiry required.  A duplicate (same organisation, nationality and
    passport number) is an error at the passport number; ``duplicate`` is
    then the person already registered."""

    family_name = forms.CharField(
        label=_("Family name (as in the passport)"),
        max_length=200,
        error_messages={"required": FAMILY_NAME_REQUIRED},
        widget=forms.TextInput(attrs={**TEXT_ATTRS, "autocapitalize": "characters"}),
    )
    given_name = forms.CharField(
        label=_("Given names (as in the passport)"),
        max_length=200,
        required=False,
        help_text=_("Leave blank if the passport shows no given name."),
        widget=forms.TextInput(attrs={**TEXT_ATTRS, "autocapitalize": "characters"}),
    )
    name_kanji = forms.CharField(
        label=_("Name in kanji"),
        max_length=200,
        required=False,
        help_text=_("Only if the person's name is also written in kanji."),
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    sex = forms.ChoiceField(
        label=_("Sex"),
        choices=ForeignNational.Sex.choices,
        widget=forms.RadioSelect,
        error_messages={"required": SEX_REQUIRED},
    )
    date_of_birth = DateInputField(
        label=_("Date of birth"),
        not_future=True,
        future_message=BIRTH_FUTURE,
        help_text=_("For example 1998-04-12 (YYYY-MM-DD)."),
        error_messages={"required": BIRTH_REQUIRED},
    )
    nationality = forms.ChoiceField(
        label=_("Nationality"),
        choices=[],
        error_messages={"required": NATIONALITY_REQUIRED},
    )
    passport_number = forms.CharField(
        label=_("Passport number"),
        max_length=60,
        required=False,
        help_text=_(
            "Letters and digits as printed in the passport. Leave blank only if the "
            "person has no passport yet (for example a child born in Japan)."
        ),
        widget=forms.TextInput(
            attrs={
                **TEXT_ATTRS,
                "autocapitalize": "characters",
                "class": "input--width-20",
            }
        ),
    )
    passport_expiry = DateInputField(label=_("Passport expiry date"), required=False)
    residence_card_number = forms.CharField(
        label=_("Residence card number"),
        max_length=60,
        required=False,
        help_text=_(
            "2 letters, 8 digits and 2 letters, for example AB12345678CD. Leave blank "
            "if the person has no residence card (not in Japan yet, or a newborn)."
        ),
        widget=forms.TextInput(
            attrs={
                **TEXT_ATTRS,
                "autocapitalize": "characters",
                "class": "input--width-20",
            }
        ),
    )
    current_status = forms.ChoiceField(
        label=_("Current status of residence"),
        required=False,
        help_text=_(
            "As on the residence card. Leave blank if the person is not in Japan."
        ),
    )
    current_subcategory = forms.ChoiceField(
        label=_("Category of the current status"),
        required=False,
        help_text=_(
            "Only for statuses with categories, such as Specified Skilled Worker."
        ),
    )
    current_period = forms.ChoiceField(
        label=_("Current period of stay"), required=False
    )
    period_expiry = DateInputField(label=_("Period of stay ends on"), required=False)
    address_in_japan = forms.CharField(
        label=_("Address in Japan"),
        max_length=200,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )

    def __init__(
        self,
        *args: Any,
        organization: Organization,
        instance: ForeignNational | None = None,
        in_japan: bool = False,
        catalogue: Catalogue | None = None,
        **kwargs: Any,
    ) -> None:
        self.organization = organization
        self.instance = instance
        self.in_japan = in_japan
        self.catalogue = catalogue or Catalogue.load()
        self.duplicate: ForeignNational | None = None
        if instance is not None:
            kwargs["initial"] = {
                **self.initial_from(instance),
                **kwargs.get("initial", {}),
            }
        super().__init__(*args, **kwargs)
        # A code stored before the list changed stays choosable (unchanged).
        choice_field(self, "nationality").choices = [
            ("", _("Choose a country")),
            *country_choices(current=instance.nationality if instance else None),
        ]
        choice_field(self, "current_status").choices = self.catalogue.status_choices()
        choice_field(
            self, "current_subcategory"
        ).choices = self.catalogue.subcategory_choices()
        choice_field(self, "current_period").choices = self.catalogue.period_choices()
        if in_japan:
            for name in (
                "residence_card_number",
                "current_status",
                "current_period",
                "period_expiry",
            ):
                self.fields[name].required = True
            self.fields["residence_card_number"].error_messages["required"] = (
                CARD_REQUIRED
            )
            self.fields["current_status"].error_messages["required"] = STATUS_REQUIRED
            self.fields["current_period"].error_messages["required"] = PERIOD_REQUIRED
            self.fields["period_expiry"].error_messages["required"] = EXPIRY_REQUIRED
            self.fields["residence_card_number"].help_text = _(
                "2 letters, 8 digits and 2 letters, for example AB12345678CD."
            )
            self.fields["current_status"].help_text = _("As on the residence card.")

    @staticmethod
    def initial_from(person: ForeignNational) -> dict[str, Any]:
        return {
            "family_name": person.family_name,
            "given_name": person.given_name,
            "name_kanji": person.name_kanji,
            "sex": person.sex,
            "date_of_birth": person.date_of_birth,
            "nationality": person.nationality,
            "passport_number": person.passport_number,
            "passport_expiry": person.passport_expiry,
            "residence_card_number": person.residence_card_number,
            "current_status": person.current_status_id or "",
            "current_subcategory": person.current_subcategory_id or "",
            "current_period": person.current_period,
            "period_expiry": person.period_expiry,
            "address_in_japan": person.address_in_japan,
        }

    @classmethod
    def record_is_complete(cls, person: ForeignNational, *, in_japan: bool) -> bool:
        """Whether the person's record, as stored, answers every question of
        this form for an application made in Japan (``in_japan``) or not."""
        initial = cls.initial_from(person)
        data = {
            name: value.isoformat() if isinstance(value, date) else value
            for name, value in initial.items()
            if value is not None
        }
        form = cls(
            data, organization=person.organization, instance=person, in_japan=in_japan
        )
        return form.is_valid()

    def clean_family_name(self) -> str:
        return validators.clean_roman_name(
            self.cleaned_data.get("family_name"), required=True
        )

    def clean_given_name(self) -> str:
        return validators.clean_roman_name(
            self.cleaned_data.get("given_name"), required=False
        )

    def clean_name_kanji(self) -> str:
        return validators.clean_name_kanji(self.cleaned_data.get("name_kanji"))

    def clean_date_of_birth(self) -> date:
        born = self.cleaned_data["date_of_birth"]
        return validators.check_date_of_birth(born, today=timezone.localdate())

    def clean_passport_number(self) -> str:
        return validators.clean_passport_number(
            self.cleaned_data.get("passport_number")
        )

    def clean_residence_card_number(self) -> str:
        return validators.clean_residence_card_number(
            self.cleaned_data.get("residence_card_number")
        )

    def clean_address_in_japan(self) -> str:
        return validators.clean_address(self.cleaned_data.get("address_in_japan"))

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        clean_status_pair(self, self.catalogue, "current_status", "current_subcategory")
        born, expiry = cleaned.get("date_of_birth"), cleaned.get("period_expiry")
        if born and expiry and expiry < born:
            self.add_error("period_expiry", EXPIRY_BEFORE_BIRTH)
        number, nationality = cleaned.get("passport_number"), cleaned.get("nationality")
        if number and nationality and "passport_number" not in self.errors:
            self.duplicate = foreign_national_duplicate(
                organization_id=self.organization.pk,
                nationality=nationality,
                passport_number=number,
                exclude_pk=self.instance.pk if self.instance else None,
            )
            if self.duplicate is not None:
                self.add_duplicate_error(self.duplicate)
        return cleaned

    def add_duplicate_error(self, existing: ForeignNational) -> None:
        self.duplicate = existing
        self.add_error(
            "passport_number",
            ValidationError(
                DUPLICATE_PERSON, code="duplicate", params={"name": str(existing)}
            ),
        )

    def loaded_at(self) -> str | None:
        """The record's ``updated_at`` when the page was loaded (optimistic
        locking of the person's own page); None for a new person."""
        value = self.data.get("loaded_at") if self.is_bound else None
        return str(value) if value else None

    def values(self) -> dict[str, Any]:
        """The cleaned ForeignNational fields, for the services."""
        data = self.cleaned_data
        return {
            "family_name": data["family_name"],
            "given_name": data["given_name"],
            "name_kanji": data["name_kanji"],
            "sex": data["sex"],
            "date_of_birth": data["date_of_birth"],
            "nationality": data["nationality"],
            "passport_number": data["passport_number"],
            "passport_expiry": data["passport_expiry"],
            "residence_card_number": data["residence_card_number"],
            "current_status": data["current_status"],
            "current_subcategory": data["current_subcategory"],
            "current_period": data["current_period"] or "",
            "period_expiry": data["period_expiry"],
            "address_in_japan": data["address_in_japan"],
        }
