"""The organisation's profile: what the 所属機関等作成用 part of every
application asks, kept once."""

from __future__ import annotations

import unicodedata
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from applications.application_forms import values
from applications.application_forms.codes import BUSINESS_TYPE
from applications.models import OrganisationProfile


class OrganisationProfileForm(forms.ModelForm):
    capital_yen = forms.CharField(
        label=_("capital (yen)"),
        required=False,
        help_text=_("For example 10,000,000"),
    )
    annual_sales_yen = forms.CharField(
        label=_("annual sales (yen)"),
        required=False,
        help_text=_("For example 150,000,000"),
    )

    # Longer than the stored value: spaces typed inside are dropped in clean.
    supervising_permit_number = forms.CharField(
        label=OrganisationProfile._meta.get_field(
            "supervising_permit_number"
        ).verbose_name,
        help_text=OrganisationProfile._meta.get_field(
            "supervising_permit_number"
        ).help_text,
        required=False,
        max_length=24,
    )

    class Meta:
        model = OrganisationProfile
        fields = [
            "employment_insurance_number",
            "business_type",
            "capital_yen",
            "annual_sales_yen",
            "employees",
            "foreign_employees",
            "technical_interns",
            "supervising_permit_number",
        ]

    def __init__(self, *args: Any, language: str = "ja", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["business_type"] = forms.ChoiceField(
            label=_("main business type"),
            required=False,
            choices=[("", _("Choose"))]
            + [(code.code, code.label(language)) for code in BUSINESS_TYPE.codes],
        )
        for name in ("capital_yen", "annual_sales_yen"):
            value = self.initial.get(name)
            if isinstance(value, int):
                self.initial[name] = f"{value:,}"

    def clean_supervising_permit_number(self) -> str:
        """許 and ten digits (full-width digits and spaces are accepted)."""
        raw = unicodedata.normalize(
            "NFKC", self.cleaned_data.get("supervising_permit_number") or ""
        )
        raw = "".join(raw.split())
        if not raw:
            return ""
        digits = raw.removeprefix("許")
        if not (digits.isdigit() and len(digits) == 10):
            raise forms.ValidationError(
                _(
                    "Enter the permit number as 許 and ten digits, for example 許1301000001."
                )
            )
        return "許" + digits

    def _money(self, name: str) -> int | None:
        raw = self.cleaned_data.get(name) or ""
        try:
            return values.money_yen(raw) if raw.strip() else None
        except values.Invalid as exc:
            raise forms.ValidationError(
                _("Enter the amount in yen as a number, for example 3,000,000.")
            ) from exc

    def clean_capital_yen(self) -> int | None:
        return self._money("capital_yen")

    def clean_annual_sales_yen(self) -> int | None:
        return self._money("annual_sales_yen")
