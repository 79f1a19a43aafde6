"""The columns of a batch template: who the person is (the columns of the
person page), what is applied for (the application page), then the items of
the form (``application_forms.tabular``) that are not pre-filled from the
person.  One template per form edition (the form group); keys in the first
header row, labels in the page's language in the second."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import cache

from django.utils import timezone, translation

from applications import eligibility
from applications.application_forms import editions, tabular
from applications.application_forms.schema import FormEdition, Kind
from applications.forms import ApplicationStepForm, ForeignNationalForm
from applications.services import FOREIGN_NATIONAL_FIELDS

PERSON_COLUMNS: tuple[str, ...] = FOREIGN_NATIONAL_FIELDS
# The application page's fields, per type (as ``ApplicationStepForm`` keeps them).
APPLICATION_COLUMNS: dict[str, tuple[str, ...]] = {
    eligibility.COE: ("target_status", "target_subcategory", "requested_period"),
    eligibility.CHANGE: ("target_status", "target_subcategory", "requested_period"),
    eligibility.ACQUISITION: (
        "target_status",
        "target_subcategory",
        "requested_period",
        "event_date",
    ),
    eligibility.EXTENSION: ("requested_period",),
    eligibility.AUTHORIZED_EMPLOYMENT: ("activity",),
}
LANGUAGES = ("ja", "en")


@dataclass(frozen=True)
class Template:
    edition: FormEdition
    application_type: str
    person_columns: tuple[str, ...]
    application_columns: tuple[str, ...]  # the cells the application page reads
    form_columns: tuple[str, ...]
    # The form items answered from the person's columns: item key → column.
    person_items: dict[str, str]

    @property
    def key(self) -> str:
        return self.edition.key

    @property
    def columns(self) -> tuple[str, ...]:
        return self.person_columns + self.application_columns + self.form_columns

    def date_columns(self) -> frozenset[str]:
        """The columns that take a date (typed, or an Excel date)."""
        dates = {"date_of_birth", "passport_expiry", "period_expiry", "event_date"}
        for item in self.edition.items():
            if item.is_group:
                dates.update(
                    name
                    for name in self.form_columns
                    for sub in item.items
                    if sub.kind is Kind.DATE
                    and name.startswith(f"{item.key}.")
                    and name.endswith(f".{sub.key}")
                )
            elif item.kind is Kind.DATE:
                dates.add(item.key)
        return frozenset(dates & set(self.columns))

    def title(self, language: str) -> str:
        return self.edition.title_en if language == "en" else self.edition.title_ja

    def labels(self, language: str) -> dict[str, str]:
        return _labels(self.edition.key, language)

    def column_for_problem(self, path: str) -> str:
        """The column a form problem's path names (an item answered from the
        person's columns names that column)."""
        column = tabular.column_for_path(path)
        return self.person_items.get(column, column)


def _template(edition: FormEdition) -> Template:
    person_items = {
        key: path.split(".", 1)[0]
        for key, path in tabular.prefilled_from(edition, "person").items()
    }
    form_columns = tuple(tabular.columns(edition, exclude=person_items))
    type_code = edition.application_types[0]
    template = Template(
        edition=edition,
        application_type=type_code,
        person_columns=PERSON_COLUMNS,
        # A field the form asks too (acquisition's event date) is one column.
        application_columns=tuple(
            name
            for name in APPLICATION_COLUMNS.get(type_code, ())
            if name not in form_columns
        ),
        form_columns=form_columns,
        person_items=person_items,
    )
    if len(set(template.columns)) != len(template.columns):
        raise ValueError(f"{edition.key}: a column appears twice")
    return template


@cache
def _templates() -> dict[str, Template]:
    found = {}
    for edition in editions.all_editions():
        if edition.application_types[0] in APPLICATION_COLUMNS:
            found[edition.key] = _template(edition)
    return found


def template_by_key(key: str) -> Template | None:
    return _templates().get(key)


def templates_in_force(on: date | None = None) -> list[Template]:
    """The templates a batch can be made of today (the types filed alone)."""
    day = on or timezone.localdate()
    return [t for t in _templates().values() if t.edition.in_force_on(day)]


@cache
def _labels(key: str, language: str) -> dict[str, str]:
    template = _templates()[key]
    with translation.override(language):
        labels = {
            name: str(ForeignNationalForm.base_fields[name].label)
            for name in template.person_columns
        }
        labels.update(
            {
                name: str(ApplicationStepForm.base_fields[name].label)
                for name in template.application_columns
            }
        )
    labels.update(
        tabular.column_labels(template.edition, language, exclude=template.person_items)
    )
    return labels


def all_labels(template: Template) -> set[str]:
    """Every column's label in every language (to recognise the label row)."""
    return {
        label for language in LANGUAGES for label in template.labels(language).values()
    }
