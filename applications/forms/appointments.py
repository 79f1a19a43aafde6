"""Appointing a portal user by user ID, with the scope: which application
types and which people (all, or the ones ticked) and until when."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from accounts.models import Appointment, Organization
from applications.forms.fields import DateInputField, localized_name
from applications.messages import (
    APPOINTMENT_DATE_PAST,
    APPOINTMENT_DATE_REQUIRED,
    APPOINTMENT_DATE_TOO_LATE,
    APPOINTMENT_NO_PEOPLE,
    APPOINTMENT_NO_TYPES,
    APPOINTMENT_USER_ID_REQUIRED,
)
from applications.models import ApplicationType, ForeignNational

# An appointment lasts at most three years; the organisation extends it.
APPOINTMENT_MAX_DAYS = 3 * 365

ALL, SOME = "all", "some"


class _TypeChoice(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.number}. {localized_name(obj)}"


class _PersonChoice(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        name = f"{obj.family_name} {obj.given_name}".strip()
        if obj.name_kanji:
            name += f"（{obj.name_kanji}）"
        return f"{name}, {date_format(obj.date_of_birth, 'DATE_FORMAT')}"


class AppointmentScopeForm(forms.Form):
    """The scope and the validity date (changing an appointment)."""

    valid_until = DateInputField(
        label=_("Valid until"),
        help_text=_(
            "The last day the appointment gives access; at most three years from "
            "today. For example 2027-03-31 (YYYY-MM-DD)."
        ),
        error_messages={"required": APPOINTMENT_DATE_REQUIRED},
    )
    types_scope = forms.ChoiceField(
        label=_("Which applications may they file?"),
        choices=[
            (ALL, _("Every type of application")),
            (SOME, _("Only the types ticked below")),
        ],
        initial=ALL,
        widget=forms.RadioSelect,
    )
    application_types = _TypeChoice(
        label=_("Types of application"),
        queryset=ApplicationType.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    people_scope = forms.ChoiceField(
        label=_("For which foreign nationals?"),
        choices=[
            (ALL, _("Every foreign national of the organisation")),
            (SOME, _("Only the people ticked below")),
        ],
        initial=ALL,
        widget=forms.RadioSelect,
    )
    people = _PersonChoice(
        label=_("Foreign nationals"),
        queryset=ForeignNational.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, organization: Organization, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._choices("application_types").queryset = ApplicationType.objects.filter(
            is_companion=False
        ).order_by("sort_order", "number")
        self._choices("people").queryset = organization.foreign_nationals.order_by(
            "family_name", "given_name", "pk"
        )

    def _choices(self, name: str) -> forms.ModelMultipleChoiceField:
        field = self.fields[name]
        if not isinstance(field, forms.ModelMultipleChoiceField):
            raise TypeError(f"{name} is not a model choice field")
        return field

    @staticmethod
    def initial_from(appointment: Appointment) -> dict[str, Any]:
        scope = getattr(appointment, "scope", None)
        return {
            "valid_until": appointment.valid_until,
            "types_scope": ALL if appointment.scope_all_types else SOME,
            "application_types": list(scope.application_types.all())
            if scope and not appointment.scope_all_types
            else [],
            "people_scope": ALL if appointment.scope_all_people else SOME,
            "people": list(scope.people.all())
            if scope and not appointment.scope_all_people
            else [],
        }

    def clean_valid_until(self) -> date:
        value = self.cleaned_data.get("valid_until")
        if value is None:
            raise forms.ValidationError(APPOINTMENT_DATE_REQUIRED, code="required")
        today = timezone.localdate()
        if value < today:
            raise forms.ValidationError(APPOINTMENT_DATE_PAST, code="past")
        latest = today + timedelta(days=APPOINTMENT_MAX_DAYS)
        if value > latest:
            raise forms.ValidationError(
                APPOINTMENT_DATE_TOO_LATE,
                code="too_late",
                params={"date": date_format(latest, "DATE_FORMAT")},
            )
        return value

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("types_scope") == SOME and not cleaned.get("application_types"):
            self.add_error("application_types", APPOINTMENT_NO_TYPES)
        if cleaned.get("people_scope") == SOME and not cleaned.get("people"):
            self.add_error("people", APPOINTMENT_NO_PEOPLE)
        return cleaned

    def scope(
        self,
    ) -> tuple[list[ApplicationType] | None, list[ForeignNational] | None]:
        """(types, people), each None for "every one"."""
        data = self.cleaned_data
        types = list(data["application_types"]) if data["types_scope"] == SOME else None
        people = list(data["people"]) if data["people_scope"] == SOME else None
        return types, people


class AppointForm(AppointmentScopeForm):
    """Appoint an existing portal user by their user ID."""

    user_id = forms.CharField(
        label=_("User ID of the person to appoint"),
        help_text=_(
            "The user ID (認証ID) the person received when their request for use was "
            "approved. Ask them for it."
        ),
        max_length=64,
        widget=forms.TextInput(
            attrs={
                "autocomplete": "off",
                "spellcheck": "false",
                "class": "input--width-20",
            }
        ),
        error_messages={"required": APPOINTMENT_USER_ID_REQUIRED},
    )

    field_order = [
        "user_id",
        "valid_until",
        "types_scope",
        "application_types",
        "people_scope",
        "people",
    ]
