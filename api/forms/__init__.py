"""The form to create an API key."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Organization
from api.scopes import Scope
from api.services.keys import latest_expiry


class ApiKeyForm(forms.Form):
    name = forms.CharField(
        label=_("Name of the key"),
        max_length=100,
        help_text=_("For example the system that will use it: “HR system”."),
        error_messages={"required": _("Enter a name for the key.")},
    )
    organizations = forms.ModelMultipleChoiceField(
        label=_("Organisations the key acts for"),
        queryset=Organization.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose at least one organisation.")},
    )
    scopes = forms.MultipleChoiceField(
        label=_("What the key may do"),
        choices=Scope.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose at least one permission.")},
    )
    expires_on = forms.DateField(
        label=_("Valid until"),
        help_text=_("At most one year from today. For example 2027-03-31."),
        error_messages={
            "required": _("Enter the last day the key is valid."),
            "invalid": _("Enter the date as YYYY-MM-DD, for example 2027-03-31."),
        },
    )

    def __init__(self, *args: Any, organizations: Any, **kwargs: Any) -> None:
        kwargs.setdefault(
            "initial", {"expires_on": timezone.localdate() + timedelta(days=90)}
        )
        super().__init__(*args, **kwargs)
        field = self.fields["organizations"]
        if isinstance(field, forms.ModelMultipleChoiceField):
            field.queryset = organizations
            field.label_from_instance = lambda org: org.name_ja  # type: ignore[method-assign,assignment]

    def clean_expires_on(self) -> date:
        value: date = self.cleaned_data["expires_on"]
        today = timezone.localdate()
        if value <= today:
            raise forms.ValidationError(
                _("The last valid day must be after today."), code="past"
            )
        if value > latest_expiry(today):
            raise forms.ValidationError(
                _("A key can be valid for at most one year."), code="too_far"
            )
        return value
