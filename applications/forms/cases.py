"""Forms of the user's case pages: the case list's filters and withdrawal."""

from __future__ import annotations

import re
import unicodedata
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import Organization
from applications.forms.fields import choice_field
from applications.messages import REASON_LONG, REASON_REQUIRED, SEARCH_SHORT
from applications.models import ApplicationType
from applications.workflow import STATE_DENIED, STATE_WITHDRAWN, Stage, Status

MIN_SEARCH_LENGTH = 3
MAX_REASON_LENGTH = 1000


def state_choices() -> list[tuple[str, Any]]:
    return [
        *Stage.choices,
        (STATE_WITHDRAWN, Status.WITHDRAWN.label),
        (STATE_DENIED, Status.DENIED.label),
    ]


def normalize_search(value: str) -> str:
    """Full-width to half-width (NFKC), upper case, single spaces."""
    return re.sub(r"\s+", " ", unicodedata.normalize("NFKC", value)).strip().upper()


def organization_label(organization: Organization, language: str) -> str:
    if language == "en" and organization.name_en:
        return organization.name_en
    return organization.name_ja


class ClientFilterForm(forms.Form):
    """Which client (organisation) a list shows, for users who serve several
    (GET ``organization``, the case list's parameter): the drafts, the
    dashboard, the compliance calendar.  An organisation the user does not
    serve is an error on the page, never someone else's data."""

    organization = forms.ChoiceField(label=_("Organisation"), required=False)

    def __init__(
        self,
        *args: Any,
        organizations: list[Organization],
        language: str,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.organizations = {str(o.code): o for o in organizations}
        choice_field(self, "organization").choices = [
            ("", _("All your organisations")),
            *((str(o.code), organization_label(o, language)) for o in organizations),
        ]

    def chosen(self) -> Organization | None:
        """The organisation chosen, or None (all, or an invalid choice)."""
        if not self.is_bound or not self.is_valid():
            return None
        return self.organizations.get(self.cleaned_data.get("organization") or "")


class CaseFilterForm(forms.Form):
    """The case list's filters (GET).  Unknown values are errors shown on the
    page, never a crash; an invalid form lists nothing rather than everything."""

    q = forms.CharField(
        label=_("Receipt number or name"),
        help_text=_(
            "The start of a receipt number, or part of the name in Roman letters "
            "as in the passport (at least 3 characters)"
        ),
        required=False,
        max_length=100,
    )
    organization = forms.ChoiceField(label=_("Organisation"), required=False)
    type = forms.ChoiceField(label=_("Type of application"), required=False)
    state = forms.ChoiceField(label=_("Status"), required=False)

    def __init__(
        self,
        *args: Any,
        organizations: list[Organization],
        application_types: list[ApplicationType],
        language: str,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.organizations = {str(o.code): o for o in organizations}
        choice_field(self, "organization").choices = [
            ("", _("All your organisations")),
            *(
                (
                    str(o.code),
                    o.name_en if language == "en" and o.name_en else o.name_ja,
                )
                for o in organizations
            ),
        ]
        choice_field(self, "type").choices = [
            ("", _("All types")),
            *(
                (t.code, t.name_en if language == "en" else t.name_ja)
                for t in application_types
                if not t.is_companion
            ),
        ]
        choice_field(self, "state").choices = [
            ("", _("All statuses")),
            *state_choices(),
        ]
        self.fields["q"].widget.attrs.update(
            {"spellcheck": "false", "autocomplete": "off"}
        )

    def clean_q(self) -> str:
        value = normalize_search(self.cleaned_data.get("q") or "")
        if value and len(value) < MIN_SEARCH_LENGTH:
            raise forms.ValidationError(
                SEARCH_SHORT % {"min": MIN_SEARCH_LENGTH}, code="short"
            )
        return value

    def clean_organization(self) -> Organization | None:
        value = self.cleaned_data.get("organization") or ""
        return self.organizations.get(value)


class WithdrawForm(forms.Form):
    reason = forms.CharField(
        label=_("Why are you withdrawing the application?"),
        help_text=_(
            "The immigration office reads this. Do not include passport or residence card numbers."
        ),
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=MAX_REASON_LENGTH,
        error_messages={
            "required": REASON_REQUIRED,
            "max_length": REASON_LONG,
        },
    )

    def clean_reason(self) -> str:
        value = (self.cleaned_data.get("reason") or "").strip()
        if not value:
            raise forms.ValidationError(REASON_REQUIRED, code="required")
        return value
