"""The status check's one form: a receipt number and a date of birth."""

from __future__ import annotations

import re
from datetime import date

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.validators import normalize_number
from applications.application_forms import values
from statuscheck import messages

# A receipt number as ``allocate_receipt_number`` makes it (office code, year,
# seven digits); hyphens and spaces are optional when typed.
_RECEIPT = re.compile(r"([A-Z]{3})-?([0-9]{4})-?([0-9]{7})")


def normalize_receipt_number(raw: str) -> str | None:
    """``TKY-2026-0123456`` from what people type (full-width, lower case,
    other hyphens, spaces, no hyphens); None when it cannot be one."""
    text = normalize_number(raw).upper()
    match = _RECEIPT.fullmatch(text)
    return "-".join(match.groups()) if match else None


class StatusCheckForm(forms.Form):
    receipt_number = forms.CharField(
        label=_("Receipt number"),
        help_text=_("As printed on the receipt, for example TKY-2026-0123456."),
        max_length=40,
        error_messages={"required": messages.RECEIPT_REQUIRED},
        widget=forms.TextInput(
            attrs={
                "autocomplete": "off",
                "autocapitalize": "characters",
                "spellcheck": "false",
                "class": "input--width-20",
            }
        ),
    )
    date_of_birth = forms.CharField(
        label=_("Date of birth"),
        help_text=_("Year, month and day, for example 1995-04-01."),
        max_length=40,
        error_messages={"required": messages.BIRTH_DATE_REQUIRED},
        widget=forms.TextInput(
            attrs={
                "autocomplete": "bday",
                "spellcheck": "false",
                "class": "input--width-10",
            }
        ),
    )

    def clean_receipt_number(self) -> str:
        number = normalize_receipt_number(self.cleaned_data["receipt_number"])
        if number is None:
            raise forms.ValidationError(messages.RECEIPT_SHAPE, code="shape")
        return number

    def clean_date_of_birth(self) -> date:
        """Read as the portal reads dates everywhere
        (``application_forms.values.parse_date``: 1995-04-01, 1995/4/1,
        1995年4月1日, 19950401, 平成7年4月1日)."""
        try:
            day = values.parse_date(self.cleaned_data["date_of_birth"])
        except values.Invalid as problem:
            text = (
                messages.BIRTH_DATE_NONEXISTENT
                if problem.code == "form_date_nonexistent"
                else messages.BIRTH_DATE_INVALID
            )
            raise forms.ValidationError(text, code=problem.code) from None
        if day > timezone.localdate():
            raise forms.ValidationError(messages.BIRTH_DATE_IN_FUTURE, code="future")
        return day
