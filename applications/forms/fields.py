"""Fields and helpers shared by the applications forms: dates typed as
text, names in the page's language, and the status catalogue."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from applications import validators
from applications.messages import (
    EVENT_DATE_FUTURE,
    STATUS_REQUIRED,
    SUBCATEGORY_MISMATCH,
    SUBCATEGORY_REQUIRED,
)
from applications.models import (
    StatusOfResidence,
    StatusSubCategory,
)

DATE_HINT = _("For example 2027-03-31 (YYYY-MM-DD).")
TEXT_ATTRS = {"autocomplete": "off", "spellcheck": "false"}


def localized_name(obj: Any) -> str:
    """``name_en`` on English pages (when there is one), else ``name_ja``."""
    name_en = str(getattr(obj, "name_en", "") or "")
    if name_en and get_language() == "en":
        return name_en
    return str(obj.name_ja)


def choice_field(form: forms.Form, name: str) -> forms.ChoiceField:
    """The form's choice field ``name``, typed (to set its choices)."""
    field = form.fields[name]
    if not isinstance(field, forms.ChoiceField):
        raise TypeError(f"{name} is not a choice field")
    return field


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
        self.future_message = future_message or EVENT_DATE_FUTURE
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
        return validators.parse_date_input(str(value or ""))

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
        ordered = sorted(set(periods), key=validators.period_sort_key)
        return [("", str(_("Choose a period")))] + [
            (p, validators.period_label(p)) for p in ordered
        ]


def clean_status_pair(
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
        form.add_error(status_field, required_message or STATUS_REQUIRED)
    sub = catalogue.subcategory(data.get(sub_field)) if data.get(sub_field) else None
    data[status_field] = status
    data[sub_field] = sub
    if status is None:
        data[sub_field] = None
        return
    if sub is not None and sub.status_id != status.pk:
        form.add_error(sub_field, SUBCATEGORY_MISMATCH)
    elif sub is None and catalogue.has_subcategories(status):
        form.add_error(sub_field, SUBCATEGORY_REQUIRED)
