"""Forms of the fee, payment, issuance and dispatch steps and of the public
pages.  They validate and normalise (NFKC for width); services do the rest."""

from __future__ import annotations

import unicodedata
from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from review import messages
from review.certificates import normalize_verification_code
from review.issuance_rules import TRACKED_METHODS, normalize_tracking_number
from review.models import Dispatch
from review.payments import SANDBOX_CARD_DECLINED, SANDBOX_CARD_OK


def _digits(value: str) -> str:
    text = unicodedata.normalize("NFKC", value or "")
    for ch in ("¥", "￥", "円", ",", " ", "\u3000"):
        text = text.replace(ch, "")
    return text.strip()


class StampsForm(forms.Form):
    amount = forms.CharField(
        label=_("Total value of the revenue stamps on the fee slip (yen)"),
        help_text=_("Add up the stamps affixed to the fee slip, for example 5500."),
        max_length=12,
        error_messages={"required": messages.STAMPS_AMOUNT_REQUIRED},
        widget=forms.TextInput(
            attrs={
                "inputmode": "numeric",
                "autocomplete": "off",
                "class": "input--width-10",
            }
        ),
    )

    def clean_amount(self) -> int:
        text = _digits(self.cleaned_data["amount"])
        if not text.isascii() or not text.isdigit():
            raise forms.ValidationError(messages.STAMPS_AMOUNT_INVALID, code="invalid")
        return int(text)


class DeclarationForm(forms.Form):
    return_method = forms.ChoiceField(
        label=_("How should the result be returned?"),
        widget=forms.RadioSelect,
        error_messages={"required": messages.RETURN_METHOD_REQUIRED},
    )
    current_card_sent = forms.BooleanField(
        label=_("I have sent the current residence card to the immigration office"),
        required=False,
    )

    RETURN_LABELS: dict[str, Any] = {
        Dispatch.Method.REGISTERED_MAIL: _(
            "By simplified registered mail (簡易書留): I have enclosed a return envelope "
            "with my address and the postage stamps"
        ),
        Dispatch.Method.LETTER_PACK: _(
            "In a Letter Pack Plus (red) that I have enclosed, addressed to me"
        ),
        Dispatch.Method.COUNTER: _(
            "I will collect it at the immigration office's counter"
        ),
        Dispatch.Method.EMAIL: _("By email (electronic certificate to download)"),
    }

    def __init__(
        self, *args: Any, methods: tuple[str, ...], needs_card: bool, **kwargs: Any
    ):
        super().__init__(*args, **kwargs)
        self.needs_card = needs_card
        field = cast(forms.ChoiceField, self.fields["return_method"])
        field.choices = [(m, self.RETURN_LABELS[m]) for m in methods]
        if needs_card:
            self.fields["current_card_sent"].help_text = _(
                "Send it with the fee slip in the same envelope, by simplified registered "
                "mail or Letter Pack. The new card is issued in exchange for it."
            )
        else:
            del self.fields["current_card_sent"]

    def clean_current_card_sent(self) -> bool:
        value = bool(self.cleaned_data.get("current_card_sent"))
        if self.needs_card and not value:
            raise forms.ValidationError(messages.CARD_SENT_REQUIRED, code="required")
        return value


class DispatchForm(forms.Form):
    method = forms.ChoiceField(
        label=_("How is it sent?"),
        widget=forms.RadioSelect,
        error_messages={"required": messages.METHOD_REQUIRED},
    )
    tracking_number = forms.CharField(
        label=_("Tracking number"),
        help_text=_(
            "For registered mail and Letter Pack: the Japan Post number of 11 to 13 digits, "
            "for example 1234-5678-9012."
        ),
        required=False,
        max_length=24,
        widget=forms.TextInput(
            attrs={
                "inputmode": "numeric",
                "autocomplete": "off",
                "class": "input--width-20",
            }
        ),
    )

    def __init__(self, *args: Any, methods: tuple[str, ...], **kwargs: Any):
        super().__init__(*args, **kwargs)
        field = cast(forms.ChoiceField, self.fields["method"])
        field.choices = [(m, Dispatch.Method(m).label) for m in methods]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        method = data.get("method")
        raw = data.get("tracking_number", "")
        if method in TRACKED_METHODS:
            if not raw.strip():
                self.add_error(
                    "tracking_number", forms.ValidationError(messages.TRACKING_REQUIRED)
                )
            else:
                normalized = normalize_tracking_number(raw)
                if normalized is None:
                    self.add_error(
                        "tracking_number",
                        forms.ValidationError(messages.TRACKING_SHAPE, code="shape"),
                    )
                else:
                    data["tracking_number"] = normalized
        elif method and raw.strip():
            self.add_error(
                "tracking_number",
                forms.ValidationError(messages.TRACKING_NOT_FOR_METHOD),
            )
        return data


class HandoverForm(forms.Form):
    confirm = forms.BooleanField(
        label=_("The foreign national has received the residence card or certificate"),
        error_messages={"required": messages.HANDOVER_CONFIRM_REQUIRED},
    )


class SandboxCardForm(forms.Form):
    """The sandbox provider's fake card form.  No real card data is ever
    asked for: only the published test numbers work."""

    card_number = forms.CharField(
        label=_("Card number (test card)"),
        help_text=_(
            "Use 4242 4242 4242 4242 (paid) or 4000 0000 0000 0002 (declined)."
        ),
        max_length=23,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )

    def clean_card_number(self) -> str:
        text = _digits(self.cleaned_data["card_number"]).replace("-", "")
        if len(text) != 16 or not text.isascii() or not text.isdigit():
            raise forms.ValidationError(messages.SANDBOX_CARD_INVALID, code="invalid")
        if text == SANDBOX_CARD_DECLINED or text != SANDBOX_CARD_OK:
            raise forms.ValidationError(messages.SANDBOX_CARD_DECLINED, code="declined")
        return text


class VerifyForm(forms.Form):
    code = forms.CharField(
        label=_("Verification code"),
        help_text=_(
            "12 letters and digits, printed on the certificate, for example ABCD-EFGH-2345."
        ),
        max_length=32,
        error_messages={"required": messages.VERIFY_CODE_REQUIRED},
        widget=forms.TextInput(
            attrs={
                "autocomplete": "off",
                "autocapitalize": "characters",
                "spellcheck": "false",
                "class": "input--width-20",
            }
        ),
    )

    def clean_code(self) -> str:
        code = normalize_verification_code(self.cleaned_data["code"])
        if code is None:
            raise forms.ValidationError(messages.VERIFY_CODE_SHAPE, code="shape")
        return code
