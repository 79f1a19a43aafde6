"""Forms of reception's pages and of the set-password page.  They validate
and normalise input; the views call the services."""

from __future__ import annotations

import unicodedata
from typing import Any

from django import forms
from django.contrib.auth.password_validation import (
    password_validators_help_text_html,
    validate_password,
)
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from accounts.models import Office, User, UseRequest
from portal.lib import once as once_lib

# The items of a request that reception can comment on when returning it; the
# keys are those of ``services.use_request_problems`` so that the requester's
# pages can show each comment next to the step it concerns.
RETURN_ITEMS: dict[str, Any] = {
    "category": _("User category"),
    "organization": _("Organisation"),
    "person": _("Requesting person"),
    "declarations": _("Declarations"),
    "documents": _("Documents"),
    "roster": _("Foreign employees and planned hires"),
    "office": _("Immigration office"),
    # Periodic reports only: the organisation's list of portal users.
    "users": _("Portal users of the organisation"),
}
NEW_RETURN_ITEMS = (
    "category",
    "organization",
    "person",
    "declarations",
    "documents",
    "roster",
    "office",
)
# A periodic report has no category, person or office steps; the filer
# confirms the organisation's users instead.
PERIODIC_RETURN_ITEMS = ("users", "declarations", "documents", "roster")

AGE_CHOICES = [
    ("", _("Any age")),
    ("7", _("Older than 7 days")),
    ("14", _("Older than 14 days")),
    ("30", _("Older than 30 days")),
]


def _nfkc(value: str) -> str:
    return unicodedata.normalize("NFKC", value).strip()


class NormalizedEmailField(forms.EmailField):
    """Full-width characters typed with a Japanese input method become
    ASCII (NFKC) before the address is validated; stored in lower case."""

    def to_python(self, value: Any) -> str:
        return _nfkc(str(super().to_python(value))).lower()


class QueueFilterForm(forms.Form):
    """The queue's filters (GET).  Unknown values are errors, never a crash."""

    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("All statuses"))]
        + [c for c in UseRequest.Status.choices if c[0] != UseRequest.Status.DRAFT],
    )
    kind = forms.ChoiceField(
        label=_("Kind"),
        required=False,
        choices=[("", _("Requests and reports")), *UseRequest.Kind.choices],
    )
    category = forms.TypedChoiceField(
        label=_("User category"),
        required=False,
        coerce=int,
        empty_value=None,
        choices=[("", _("All categories")), *User.Category.choices],
    )
    age = forms.TypedChoiceField(
        label=_("Waiting"),
        required=False,
        coerce=int,
        empty_value=None,
        choices=AGE_CHOICES,
    )


class ApproveForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    confirm = forms.BooleanField(
        label=_("I have checked the request and its documents, and approve it."),
        error_messages={
            "required": _(
                "Confirm that you have checked the request and its documents."
            )
        },
    )


class ReturnForm(forms.Form):
    """A comment per item; at least one."""

    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(
        self, *args: Any, kind: str = UseRequest.Kind.NEW, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        items = (
            PERIODIC_RETURN_ITEMS
            if kind == UseRequest.Kind.PERIODIC
            else NEW_RETURN_ITEMS
        )
        for key in items:
            self.fields[key] = forms.CharField(
                label=RETURN_ITEMS[key],
                required=False,
                max_length=2000,
                widget=forms.Textarea(attrs={"rows": 3}),
            )

    def comments(self) -> dict[str, str]:
        return {
            key: self.cleaned_data[key]
            for key in RETURN_ITEMS
            if self.cleaned_data.get(key)
        }

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if not any(cleaned.get(key) for key in RETURN_ITEMS):
            raise ValidationError(
                _("Write what needs correcting for at least one item."),
                code="no_comment",
            )
        return cleaned


class ReasonForm(forms.Form):
    """Rejecting a request, or suspending, reinstating or revoking an account."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    reason = forms.CharField(
        label=_("Reasons"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={"required": _("Enter the reasons.")},
    )

    def clean_reason(self) -> str:
        reason = str(self.cleaned_data["reason"]).strip()
        if not reason:
            raise ValidationError(_("Enter the reasons."), code="required")
        return reason


class PaperRequestForm(forms.Form):
    """A request received on paper: whose it is and where it was received.
    The hidden ``once`` token makes a double click start one draft
    (``portal.lib.once``)."""

    once = forms.CharField(
        widget=forms.HiddenInput, required=False, initial=once_lib.new_token
    )

    email = NormalizedEmailField(
        label=_("Requester's email address"),
        help_text=_(
            "The user ID and every message about the request will be sent to this address."
        ),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
        error_messages={
            "required": _("Enter the requester's email address."),
            "invalid": _(
                "Enter an email address in the correct format, like name@example.jp."
            ),
        },
    )
    language = forms.ChoiceField(
        label=_("Language for emails"),
        choices=User.Language.choices,
        initial=User.Language.JA,
        widget=forms.RadioSelect,
    )
    office = forms.ModelChoiceField(
        label=_("Office that received the request"),
        queryset=Office.objects.none(),
        empty_label=None,
    )

    def __init__(self, *args: Any, offices: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["office"]
        if not isinstance(field, forms.ModelChoiceField):
            raise TypeError("office is a ModelChoiceField")
        field.queryset = offices
        only = list(offices[:2])
        if len(only) == 1:
            field.initial = only[0].pk
            field.widget = forms.HiddenInput()


class SetPasswordForm(forms.Form):
    """The first password of a new account (Django's validators: at least
    12 characters, not common, not like the user ID; paste allowed)."""

    password1 = forms.CharField(
        label=_("New password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        error_messages={"required": _("Enter a password.")},
    )
    password2 = forms.CharField(
        label=_("Confirm the new password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        error_messages={"required": _("Enter the password again.")},
    )

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["password1"].help_text = password_validators_help_text_html()

    def clean_password1(self) -> str:
        password = str(self.cleaned_data["password1"])
        validate_password(password, self.user)
        return password

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        first, second = cleaned.get("password1"), cleaned.get("password2")
        if first and second and first != second:
            self.add_error("password2", _("The two passwords are different."))
        return cleaned
