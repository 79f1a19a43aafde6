"""Forms of the filing flow and of the organisation's foreign nationals.

Forms validate and normalise (``applications.validators``); they never save.
Each page of a draft carries the draft's ``version`` (optimistic locking) and
gives the view what to write through ``applications.services``.  Domain rules
(windows, periods allowed for a status, re-entry validity …) are not checked
here but by ``applications.eligibility`` at check-your-answers, and shown on
the page whose answer must change (``add_rule_errors``).
"""

from __future__ import annotations

import io
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from accounts import roster_csv
from accounts.models import Organization
from applications import eligibility
from applications import validators as v
from applications.models import (
    Application,
    ApplicationType,
    DocumentSlot,
    ForeignNational,
    StatusOfResidence,
    StatusSubCategory,
)
from applications.selectors import foreign_national_duplicate
from portal.lib.files import CleanedUpload, Kind, PrivateFileField

DATE_HINT = _("For example 2027-03-31 (YYYY-MM-DD).")
TEXT_ATTRS = {"autocomplete": "off", "spellcheck": "false"}


def localized_name(obj: Any) -> str:
    """``name_en`` on English pages (when there is one), else ``name_ja``."""
    name_en = str(getattr(obj, "name_en", "") or "")
    if name_en and get_language() == "en":
        return name_en
    return str(obj.name_ja)


# --- Fields -------------------------------------------------------------------------


class DateInputField(forms.Field):
    """A date typed as text (``YYYY-MM-DD``; ``/``, ``.``, ``年月日`` and full-width
    digits accepted), so that people can type what is printed on a card.
    ``not_future`` refuses dates after today with ``future_message``."""

    widget = forms.TextInput

    def __init__(
        self,
        *,
        not_future: bool = False,
        future_message: Any = None,
        **kwargs: Any,
    ) -> None:
        kwargs.setdefault("help_text", DATE_HINT)
        self.not_future = not_future
        self.future_message = future_message or v.EVENT_DATE_FUTURE
        super().__init__(**kwargs)

    def widget_attrs(self, widget: forms.Widget) -> dict[str, Any]:
        attrs = super().widget_attrs(widget)
        attrs.update(
            {"autocomplete": "off", "inputmode": "numeric", "class": "input--width-10"}
        )
        return attrs

    def to_python(self, value: Any) -> date | None:
        if isinstance(value, date):
            return value
        return v.parse_date_input(str(value or ""))

    def validate(self, value: Any) -> None:
        super().validate(value)
        if value is not None and self.not_future and value > timezone.localdate():
            raise ValidationError(self.future_message, code="future")

    def prepare_value(self, value: Any) -> Any:
        return value.isoformat() if isinstance(value, date) else value


# --- The status catalogue, loaded once per form ---------------------------------------


@dataclass
class Catalogue:
    """Statuses of residence and their sub-categories (2 queries), for the
    selects and for looking posted values up without more queries."""

    statuses: list[StatusOfResidence] = field(default_factory=list)
    subcategories: list[StatusSubCategory] = field(default_factory=list)

    @classmethod
    def load(cls) -> Catalogue:
        statuses = list(StatusOfResidence.objects.order_by("sort_order", "code"))
        by_pk = {s.pk: s for s in statuses}
        subs = list(StatusSubCategory.objects.order_by("status", "sort_order", "code"))
        for sub in subs:
            sub.status = by_pk[sub.status_id]  # no query per label
        return cls(statuses, subs)

    def status(self, pk: Any) -> StatusOfResidence | None:
        return next((s for s in self.statuses if str(s.pk) == str(pk)), None)

    def subcategory(self, pk: Any) -> StatusSubCategory | None:
        return next((s for s in self.subcategories if str(s.pk) == str(pk)), None)

    def has_subcategories(self, status: StatusOfResidence) -> bool:
        return any(s.status_id == status.pk for s in self.subcategories)

    def status_choices(self) -> list[tuple[str, str]]:
        return [("", str(_("Choose a status of residence")))] + [
            (str(s.pk), localized_name(s)) for s in self.statuses
        ]

    def subcategory_choices(self) -> list[tuple[str, Any]]:
        groups: dict[int, list[tuple[str, str]]] = {}
        for sub in self.subcategories:
            groups.setdefault(sub.status_id, []).append(
                (str(sub.pk), localized_name(sub))
            )
        choices: list[tuple[str, Any]] = [("", str(_("No category")))]
        for status in self.statuses:
            if status.pk in groups:
                choices.append((localized_name(status), groups[status.pk]))
        return choices

    def period_choices(
        self, periods: Iterable[str] | None = None
    ) -> list[tuple[str, str]]:
        if periods is None:
            found: set[str] = set()
            for s in self.statuses:
                found.update(s.periods or [])
            for sub in self.subcategories:
                found.update(sub.periods or [])
            periods = found
        ordered = sorted(set(periods), key=v.period_sort_key)
        return [("", str(_("Choose a period")))] + [
            (p, v.period_label(p)) for p in ordered
        ]


def _clean_status_pair(
    form: forms.Form,
    catalogue: Catalogue,
    status_field: str,
    sub_field: str,
    *,
    required_message: Any = None,
) -> None:
    """Turn the posted ids into objects; a category of another status, or a
    missing category of a status that has them, is an error at the category."""
    data = form.cleaned_data
    status = (
        catalogue.status(data.get(status_field)) if data.get(status_field) else None
    )
    if data.get(status_field) and status is None:
        form.add_error(status_field, required_message or v.STATUS_REQUIRED)
    sub = catalogue.subcategory(data.get(sub_field)) if data.get(sub_field) else None
    data[status_field] = status
    data[sub_field] = sub
    if status is None:
        data[sub_field] = None
        return
    if sub is not None and sub.status_id != status.pk:
        form.add_error(sub_field, v.SUBCATEGORY_MISMATCH)
    elif sub is None and catalogue.has_subcategories(status):
        form.add_error(sub_field, v.SUBCATEGORY_REQUIRED)


# --- Foreign nationals ----------------------------------------------------------------


class ForeignNationalForm(forms.Form):
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
        error_messages={"required": v.FAMILY_NAME_REQUIRED},
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
        error_messages={"required": v.SEX_REQUIRED},
    )
    date_of_birth = DateInputField(
        label=_("Date of birth"),
        not_future=True,
        future_message=v.BIRTH_FUTURE,
        help_text=_("For example 1998-04-12 (YYYY-MM-DD)."),
        error_messages={"required": v.BIRTH_REQUIRED},
    )
    nationality = forms.ChoiceField(
        label=_("Nationality"),
        choices=[],
        error_messages={"required": v.NATIONALITY_REQUIRED},
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
        self.fields["nationality"].choices = [  # type: ignore[attr-defined]
            ("", _("Choose a country")),
            *roster_csv.country_choices(),
        ]
        self.fields["current_status"].choices = self.catalogue.status_choices()  # type: ignore[attr-defined]
        self.fields[
            "current_subcategory"
        ].choices = self.catalogue.subcategory_choices()  # type: ignore[attr-defined]
        self.fields["current_period"].choices = self.catalogue.period_choices()  # type: ignore[attr-defined]
        if in_japan:
            for name in (
                "residence_card_number",
                "current_status",
                "current_period",
                "period_expiry",
            ):
                self.fields[name].required = True
            self.fields["residence_card_number"].error_messages["required"] = (
                v.CARD_REQUIRED
            )
            self.fields["current_status"].error_messages["required"] = v.STATUS_REQUIRED
            self.fields["current_period"].error_messages["required"] = v.PERIOD_REQUIRED
            self.fields["period_expiry"].error_messages["required"] = v.EXPIRY_REQUIRED
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

    def clean_family_name(self) -> str:
        return v.clean_roman_name(self.cleaned_data.get("family_name"), required=True)

    def clean_given_name(self) -> str:
        return v.clean_roman_name(self.cleaned_data.get("given_name"), required=False)

    def clean_name_kanji(self) -> str:
        return v.clean_name_kanji(self.cleaned_data.get("name_kanji"))

    def clean_date_of_birth(self) -> date:
        born = self.cleaned_data["date_of_birth"]
        return v.check_date_of_birth(born, today=timezone.localdate())

    def clean_passport_number(self) -> str:
        return v.clean_passport_number(self.cleaned_data.get("passport_number"))

    def clean_residence_card_number(self) -> str:
        return v.clean_residence_card_number(
            self.cleaned_data.get("residence_card_number")
        )

    def clean_address_in_japan(self) -> str:
        return " ".join(str(self.cleaned_data.get("address_in_japan") or "").split())

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        _clean_status_pair(
            self, self.catalogue, "current_status", "current_subcategory"
        )
        born, expiry = cleaned.get("date_of_birth"), cleaned.get("period_expiry")
        if born and expiry and expiry < born:
            self.add_error("period_expiry", v.EXPIRY_BEFORE_BIRTH)
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
                v.DUPLICATE_PERSON, code="duplicate", params={"name": str(existing)}
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


# --- Starting an application ------------------------------------------------------------


class OrganizationChoiceForm(forms.Form):
    organization = forms.ChoiceField(
        label=_("Which organisation are you filing for?"),
        widget=forms.RadioSelect,
        error_messages={"required": v.CHOOSE_ORGANIZATION},
    )

    def __init__(
        self, *args: Any, organizations: list[Organization], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.organizations = {str(o.code): o for o in organizations}
        self.fields["organization"].choices = [  # type: ignore[attr-defined]
            (code, o.name_ja) for code, o in self.organizations.items()
        ]
        self.fields["organization"].error_messages["invalid_choice"] = (
            v.CHOOSE_ORGANIZATION
        )

    def clean_organization(self) -> Organization:
        return self.organizations[self.cleaned_data["organization"]]


class PersonChoiceForm(forms.Form):
    """Who the application is for: a person the organisation already has a
    record of (``fn:<code>``) or someone on its roster (``roster:<code>``)."""

    person = forms.ChoiceField(
        label=_("Who is the application for?"),
        widget=forms.RadioSelect,
        error_messages={"required": v.CHOOSE_PERSON, "invalid_choice": v.CHOOSE_PERSON},
    )

    def __init__(
        self, *args: Any, choices: list[tuple[str, str]], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["person"].choices = choices  # type: ignore[attr-defined]


COMPANION_CHOICES = [
    (eligibility.REENTRY, _("Re-entry permit")),
    (
        eligibility.OTHER_ACTIVITY,
        _("Permission to engage in activity other than that permitted"),
    ),
]
TYPE_HINTS = {
    eligibility.COE: _("For someone who will come to Japan. No fee."),
    eligibility.CHANGE: _(
        "For someone in Japan whose activity changes, for example a student starting work."
    ),
    eligibility.EXTENSION: _(
        "To stay longer with the same status, from 3 months before the period of stay ends."
    ),
    eligibility.ACQUISITION: _(
        "Within 30 days of birth in Japan or of losing Japanese nationality. No fee."
    ),
    eligibility.AUTHORIZED_EMPLOYMENT: _(
        "A certificate of the work the person may do, for example after changing jobs."
    ),
}


class TypeChoiceForm(forms.Form):
    """The type of application (1–5) and its companions (6, 7)."""

    application_type = forms.ChoiceField(
        label=_("What do you want to apply for?"),
        widget=forms.RadioSelect,
        error_messages={"required": v.CHOOSE_TYPE, "invalid_choice": v.CHOOSE_TYPE},
    )
    companions = forms.MultipleChoiceField(
        label=_("Apply at the same time for"),
        choices=COMPANION_CHOICES,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_(
            "Only with a change of status, an extension or an acquisition. You give "
            "the details later."
        ),
    )

    def __init__(self, *args: Any, types: list[ApplicationType], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.types = {t.code: t for t in types}
        self.fields["application_type"].choices = [  # type: ignore[attr-defined]
            (t.code, f"{t.number}. {localized_name(t)}")
            for t in types
            if not t.is_companion
        ]

    def type_choices(self) -> list[tuple[Any, Any]]:
        """(radio, hint) pairs for the template."""
        return [
            (radio, TYPE_HINTS.get(str(radio.data["value"]), ""))
            for radio in self["application_type"]
        ]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        code = cleaned.get("application_type")
        companions = cleaned.get("companions") or []
        if code and companions:
            failure = eligibility.rule_companions_only_with_main(
                eligibility.Filing(
                    application_type=code,
                    today=timezone.localdate(),
                    companions=tuple(companions),
                )
            )
            if failure is not None:
                self.add_error("companions", str(failure.message))
        return cleaned

    def chosen(self) -> tuple[ApplicationType, list[ApplicationType]]:
        data = self.cleaned_data
        return (
            self.types[data["application_type"]],
            [self.types[c] for c in data.get("companions") or []],
        )


# --- Pages of a draft ---------------------------------------------------------------------


class DraftForm(forms.Form):
    """A page of a draft: knows the version it was loaded with."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    def __init__(self, *args: Any, application: Application, **kwargs: Any) -> None:
        self.application = application
        kwargs["initial"] = {
            **self.initial_from(application),
            **kwargs.get("initial", {}),
            "version": application.version,
        }
        super().__init__(*args, **kwargs)

    def initial_from(self, application: Application) -> dict[str, Any]:
        return {}

    def add_rule_errors(self, failures: Iterable[eligibility.Failure]) -> None:
        """Show eligibility failures at their fields (a bound form only)."""
        for failure in failures:
            name = failure.field if failure.field in self.fields else None
            self.add_error(name, str(failure.message))


class PersonStepForm(ForeignNationalForm):
    """The person page of a draft: the foreign national's details, written
    back to the organisation's record of the person."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    # Eligibility fields that live on this page under another name.
    RULE_FIELDS = {"expiry": "period_expiry"}

    def __init__(self, *args: Any, application: Application, **kwargs: Any) -> None:
        self.application = application
        kwargs.setdefault("initial", {})["version"] = application.version
        super().__init__(
            *args,
            organization=application.organization,
            instance=application.foreign_national,
            in_japan=application.application_type.residence_card_required,
            **kwargs,
        )

    def add_rule_errors(self, failures: Iterable[eligibility.Failure]) -> None:
        for failure in failures:
            name = self.RULE_FIELDS.get(failure.field, failure.field)
            self.add_error(name if name in self.fields else None, str(failure.message))


class ApplicationStepForm(DraftForm):
    """What is applied for: the status and period (COE, change, acquisition),
    the period (extension), the date of the event (acquisition), the activity
    (certificate of authorised employment)."""

    target_status = forms.ChoiceField(
        label=_("Status of residence applied for"),
        error_messages={"required": v.TARGET_STATUS_REQUIRED},
    )
    target_subcategory = forms.ChoiceField(
        label=_("Category of that status"),
        required=False,
        help_text=_(
            "Only for statuses with categories, such as Specified Skilled Worker."
        ),
    )
    requested_period = forms.ChoiceField(
        label=_("Period of stay applied for"),
        error_messages={"required": v.REQUESTED_PERIOD_REQUIRED},
    )
    event_date = DateInputField(
        label=_("Date of the event"),
        help_text=_(
            "The date of birth in Japan, of losing Japanese nationality or of another "
            "event that requires the status. For example 2027-03-31 (YYYY-MM-DD)."
        ),
        not_future=True,
        future_message=v.EVENT_DATE_FUTURE,
        error_messages={"required": v.EVENT_DATE_REQUIRED},
    )
    activity = forms.CharField(
        label=_("Activity the certificate should cover"),
        help_text=_(
            "The employer, the place of work and the work the person does or will do."
        ),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={"required": v.ACTIVITY_REQUIRED},
    )

    def __init__(
        self, *args: Any, catalogue: Catalogue | None = None, **kwargs: Any
    ) -> None:
        self.catalogue = catalogue or Catalogue.load()
        super().__init__(*args, **kwargs)
        code = self.application.application_type.code
        keep = {"version"}
        if code in (eligibility.COE, eligibility.CHANGE, eligibility.ACQUISITION):
            keep |= {"target_status", "target_subcategory", "requested_period"}
        if code == eligibility.EXTENSION:
            keep |= {"requested_period"}
        if code == eligibility.ACQUISITION:
            keep |= {"event_date"}
        if code == eligibility.AUTHORIZED_EMPLOYMENT:
            keep |= {"activity"}
        for name in list(self.fields):
            if name not in keep:
                del self.fields[name]
        if "target_status" in self.fields:
            self.fields["target_status"].choices = self.catalogue.status_choices()  # type: ignore[attr-defined]
            self.fields[
                "target_subcategory"
            ].choices = self.catalogue.subcategory_choices()  # type: ignore[attr-defined]
        if "requested_period" in self.fields:
            self.fields["requested_period"].choices = self.catalogue.period_choices(  # type: ignore[attr-defined]
                self.allowed_periods()
            )

    def allowed_periods(self) -> list[str] | None:
        """For an extension, the periods of the person's current status (its
        category's, if it has one); None (every period) otherwise — the
        eligibility rule then says whether the one chosen fits the status."""
        if self.application.application_type.code != eligibility.EXTENSION:
            return None
        person = self.application.foreign_national
        sub = self.catalogue.subcategory(person.current_subcategory_id)
        if sub is not None:
            return sub.effective_periods or None
        status = self.catalogue.status(person.current_status_id)
        if status is None:
            return None
        return list(status.periods) or None

    def initial_from(self, application: Application) -> dict[str, Any]:
        return {
            "target_status": application.target_status_id or "",
            "target_subcategory": application.target_subcategory_id or "",
            "requested_period": application.requested_period,
            "event_date": application.event_date,
            "activity": (application.answers or {}).get("activity", ""),
        }

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if "target_status" in self.fields:
            _clean_status_pair(
                self,
                self.catalogue,
                "target_status",
                "target_subcategory",
                required_message=v.TARGET_STATUS_REQUIRED,
            )
        return cleaned

    def changes(self) -> dict[str, Any]:
        data = self.cleaned_data
        fields: dict[str, Any] = {}
        if "target_status" in self.fields:
            fields["target_status"] = data["target_status"]
            fields["target_subcategory"] = data["target_subcategory"]
        if "requested_period" in self.fields:
            fields["requested_period"] = data["requested_period"]
        if "event_date" in self.fields:
            fields["event_date"] = data["event_date"]
        if "activity" in self.fields:
            fields["answers"] = {"activity": " ".join(data["activity"].split())}
        return fields


class CompanionsForm(DraftForm):
    """The companions filed with a change, extension or acquisition, with
    their details: a re-entry permit (single or multiple, valid until) and
    permission for other activity (comprehensive or individual, and what)."""

    companions = forms.MultipleChoiceField(
        label=_("Apply at the same time for"),
        choices=COMPANION_CHOICES,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    reentry_variant = forms.ChoiceField(
        label=_("Re-entry permit: single or multiple"),
        choices=[
            ("single", _("Single (one re-entry)")),
            ("multiple", _("Multiple (any number of re-entries)")),
        ],
        required=False,
        widget=forms.RadioSelect,
    )
    reentry_until = DateInputField(
        label=_("Re-entry permit valid until"),
        required=False,
        help_text=_(
            "At most 5 years from today and not after the period of stay ends. For "
            "example 2028-03-31 (YYYY-MM-DD)."
        ),
    )
    other_activity_kind = forms.ChoiceField(
        label=_("Kind of permission for other activity"),
        choices=[
            ("comprehensive", _("Comprehensive (up to 28 hours a week, any employer)")),
            ("individual", _("Individual (a named employer and work)")),
        ],
        required=False,
        widget=forms.RadioSelect,
    )
    other_activity_details = forms.CharField(
        label=_("The other activity"),
        help_text=_("The employer or school, where, the work and the hours per week."),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def initial_from(self, application: Application) -> dict[str, Any]:
        initial: dict[str, Any] = {"companions": []}
        for companion in application.companions.select_related("application_type"):
            code = companion.application_type.code
            initial["companions"].append(code)
            if code == eligibility.REENTRY:
                initial["reentry_variant"] = companion.reentry_variant
                initial["reentry_until"] = companion.reentry_until
            elif code == eligibility.OTHER_ACTIVITY:
                initial["other_activity_kind"] = companion.other_activity_kind
                initial["other_activity_details"] = companion.other_activity_details
        return initial

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        chosen = cleaned.get("companions") or []
        if eligibility.REENTRY in chosen:
            if not cleaned.get("reentry_variant"):
                self.add_error("reentry_variant", v.REENTRY_VARIANT_REQUIRED)
            if not cleaned.get("reentry_until") and "reentry_until" not in self.errors:
                self.add_error("reentry_until", v.REENTRY_UNTIL_REQUIRED)
        if eligibility.OTHER_ACTIVITY in chosen:
            if not cleaned.get("other_activity_kind"):
                self.add_error("other_activity_kind", v.OTHER_KIND_REQUIRED)
            if not (cleaned.get("other_activity_details") or "").strip():
                self.add_error("other_activity_details", v.OTHER_DETAILS_REQUIRED)
        return cleaned

    def wanted(self) -> dict[str, dict[str, Any]]:
        data = self.cleaned_data
        chosen = data.get("companions") or []
        wanted: dict[str, dict[str, Any]] = {}
        if eligibility.REENTRY in chosen:
            wanted[eligibility.REENTRY] = {
                "reentry_variant": data["reentry_variant"],
                "reentry_until": data["reentry_until"],
            }
        if eligibility.OTHER_ACTIVITY in chosen:
            wanted[eligibility.OTHER_ACTIVITY] = {
                "other_activity_kind": data["other_activity_kind"],
                "other_activity_details": " ".join(
                    data["other_activity_details"].split()
                ),
            }
        return wanted


class DocumentUploadForm(DraftForm):
    """Files for one document slot, several at once: PDF, JPEG or PNG by
    content; a photo slot takes JPEG or PNG only, 4:3 upright."""

    upload = PrivateFileField(
        label=_("Upload files"),
        multiple=True,
        error_messages={"required": v.DOCUMENT_REQUIRED},
    )

    def __init__(self, *args: Any, slot: DocumentSlot, **kwargs: Any) -> None:
        self.slot = slot
        kwargs.setdefault("prefix", slot.code)
        super().__init__(*args, **kwargs)
        if slot.photo:
            field = self.fields["upload"]
            if isinstance(field, PrivateFileField):
                field.allowed = frozenset({Kind.JPEG, Kind.PNG})
                field.widget.attrs["accept"] = (
                    "image/jpeg,.jpg,.jpeg,.jpe,image/png,.png"
                )

    def clean_upload(self) -> list[CleanedUpload]:
        uploads: list[CleanedUpload] = self.cleaned_data["upload"]
        if self.slot.photo:
            from PIL import Image

            for upload in uploads:
                with Image.open(io.BytesIO(upload.content)) as image:
                    width, height = image.size
                v.check_photo_ratio(width, height, name=upload.original_name)
        return uploads


class RemoveFileForm(DraftForm):
    item = forms.UUIDField()


class SubmitForm(DraftForm):
    declaration = forms.BooleanField(
        label=_(
            "I declare that the information in this application is true and correct, "
            "and that the documents are genuine."
        ),
        error_messages={"required": v.DECLARATION_REQUIRED},
    )


class DeleteDraftForm(DraftForm):
    pass
