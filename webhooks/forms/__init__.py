"""The forms of the webhooks pages: input shape and the URL check the
service repeats (``webhooks.targets.check_url``)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from applications.events import CaseEvent
from portal.lib.errors import message_for
from webhooks import targets
from webhooks.errors import UnsafeTarget


class EndpointForm(forms.Form):
    url = forms.CharField(
        label=_("Endpoint URL"),
        max_length=targets.MAX_URL_LENGTH,
        help_text=_(
            "The address in your system that receives the events, starting "
            "with https://. It must answer within a few seconds with a 2xx status."
        ),
        widget=forms.URLInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    events = forms.MultipleChoiceField(
        label=_("Events to send"),
        choices=CaseEvent.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose at least one event.")},
    )
    description = forms.CharField(
        label=_("Description"),
        max_length=200,
        required=False,
        help_text=_("For your own reference, such as the name of the system."),
    )

    def clean_url(self) -> str:
        value: str = self.cleaned_data["url"].strip()
        try:
            return targets.check_url(value).geturl()
        except UnsafeTarget as exc:
            raise forms.ValidationError(message_for(exc), code=exc.code) from None

    def endpoint(self) -> dict[str, Any]:
        return {
            "url": self.cleaned_data["url"],
            "events": list(self.cleaned_data["events"]),
            "description": self.cleaned_data["description"],
        }
