"""The code step of signing in (and of confirming it is you, and of turning
two-step verification on): allauth's forms, with errors that say what to do.

A code typed or pasted with spaces, hyphens or full-width digits is read as
the digits it contains; a code of the wrong length is refused before it is
checked (and before it counts against the rate limit) with a message naming
the length, and a wrong code gets the advice that fixes most of them: use the
newest code, they change every 30 seconds."""

from __future__ import annotations

from typing import Any

from django import forms

from allauth.mfa import app_settings
from allauth.mfa.base.forms import AuthenticateForm, ReauthenticateForm
from allauth.mfa.totp.forms import ActivateTOTPForm

from accounts import messages
from accounts.validators import normalize_number


def normalize_code(value: str | None) -> str:
    """``"１２３ ４５６"`` or ``"123-456"`` → ``"123456"``: the numbers'
    normalisation (full-width folded, hyphen look-alikes, no spaces) with the
    hyphens dropped too."""
    return normalize_number(value).replace("-", "")


class _CodeStep(forms.Form):
    #: Whether a recovery code (another length) is accepted here too.
    recovery_codes = True

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["code"].error_messages["required"] = (
            messages.MFA_CODE_REQUIRED
            if self.recovery_codes
            else messages.MFA_CODE_REQUIRED_SETUP
        )

    def _checked_shape(self) -> str:
        code = normalize_code(self.cleaned_data.get("code"))
        lengths = {app_settings.TOTP_DIGITS}
        if self.recovery_codes:
            lengths.add(app_settings.RECOVERY_CODE_DIGITS)
        if not code.isdigit():
            raise forms.ValidationError(messages.MFA_CODE_NOT_DIGITS, code="not_digits")
        if len(code) not in lengths:
            raise forms.ValidationError(
                (
                    messages.MFA_CODE_LENGTH
                    if self.recovery_codes
                    else messages.MFA_CODE_LENGTH_SETUP
                )
                % {
                    "digits": app_settings.TOTP_DIGITS,
                    "recovery_digits": app_settings.RECOVERY_CODE_DIGITS,
                },
                code="length",
            )
        self.cleaned_data["code"] = code
        return code


class CodeAuthenticateForm(_CodeStep, AuthenticateForm):
    def clean_code(self) -> str:
        self._checked_shape()
        return str(super().clean_code())


class CodeReauthenticateForm(_CodeStep, ReauthenticateForm):
    def clean_code(self) -> str:
        self._checked_shape()
        return str(super().clean_code())


class CodeActivateTOTPForm(_CodeStep, ActivateTOTPForm):
    recovery_codes = False

    def clean_code(self) -> str:
        self._checked_shape()
        return str(super().clean_code())
