"""Checking the rows of a batch with the validation the filing pages use:
the person page's form (``ForeignNationalForm``, as the draft's person page
asks it), the application page's form (``ApplicationStepForm``) and THE
validator of the 申請書 (``engine.clean``, over the same pre-fill a draft's
pages start from).  Each problem names the row's line, the column (its label
as in the template), the value and the rule, in words.

Nothing is written here: the result of a valid row is the payload the
confirmation creates the draft from (``services``)."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.utils import timezone, translation

from accounts.models import Organization, User
from applications import draft_form
from applications.application_forms import engine, prefill
from applications.application_forms.editions import NoEdition, edition_for
from applications.application_forms.messages import problem_message
from applications.forms import ApplicationStepForm, Catalogue, ForeignNationalForm
from applications.models import (
    Application,
    ApplicationType,
    ForeignNational,
)
from batches.columns import Template
from batches.messages import FORMULA, PRIVATE_USE, ROW_RULES, SAME_PERSON, WRONG_FORM
from batches.spreadsheet import SheetRow
from portal.lib.countries import country_lookup

# Statuses are chosen by code in the template (or their name); the forms
# take the catalogue's ids.
STATUS_COLUMNS = ("current_status", "target_status")
SUBCATEGORY_COLUMNS = {
    "current_subcategory": "current_status",
    "target_subcategory": "target_status",
}


@dataclass
class RowResult:
    line: int
    label: str = ""
    problems: list[dict[str, str]] = field(default_factory=list)
    payload: dict[str, Any] = field(default_factory=dict)


def _key(text: str) -> str:
    return " ".join(unicodedata.normalize("NFKC", text).split()).casefold()


def _json(value: Any) -> Any:
    if isinstance(value, date):
        return value.isoformat()
    if hasattr(value, "pk"):
        return value.pk
    return value


class Checker:
    """Checks the rows of one file for one template; loads what it needs
    once (the catalogue, the code lists, the organisation's people)."""

    def __init__(
        self,
        *,
        template: Template,
        organization: Organization,
        actor: User,
        language: str,
        today: date | None = None,
    ) -> None:
        self.template = template
        self.organization = organization
        self.actor = actor
        self.language = language
        self.today = today or timezone.localdate()
        self.application_type = ApplicationType.objects.get(
            code=template.application_type
        )
        self.catalogue = Catalogue.load()
        self.code_lists = draft_form.code_lists()
        profile = draft_form.organisation_profile(organization.pk)
        self.profile = profile.as_prefill() if profile else None
        self.labels = template.labels(language)
        self.people = list(ForeignNational.objects.filter(organization=organization))
        self.by_passport = {
            (p.nationality, p.passport_number): p
            for p in self.people
            if p.passport_number
        }
        self.by_card = {
            p.residence_card_number: p for p in self.people if p.residence_card_number
        }
        self.seen: dict[tuple[str, str], int] = {}
        self._lookups = self._choice_lookups()

    # --- choices typed as codes or names -----------------------------------------

    def _choice_lookups(self) -> dict[str, dict[str, str]]:
        statuses: dict[str, str] = {}
        for status in self.catalogue.statuses:
            for text in (status.code, status.name_ja, status.name_en, str(status.pk)):
                if text:
                    statuses[_key(text)] = str(status.pk)
        subs: dict[str, dict[str, str]] = {}
        for sub in self.catalogue.subcategories:
            found = subs.setdefault(str(sub.status_id), {})
            for text in (sub.code, sub.name_ja, sub.name_en, str(sub.pk)):
                if text:
                    found[_key(text)] = str(sub.pk)
        periods: dict[str, str] = {}
        for value, label in self.catalogue.period_choices()[1:]:
            periods[_key(value)] = value
            periods[_key(label)] = value
        sexes: dict[str, str] = {}
        for sex, sex_label in ForeignNational.Sex.choices:
            sexes[_key(str(sex))] = str(sex)
            for language in ("ja", "en"):
                with translation.override(language):
                    sexes[_key(str(sex_label))] = str(sex)
        sexes.update({_key("男"): "M", _key("女"): "F"})
        self._subcategories = subs
        return {
            "status": statuses,
            "current_period": periods,
            "requested_period": periods,
            "sex": sexes,
        }

    def _form_value(self, column: str, text: str, cells: dict[str, str]) -> str:
        if not text.strip():
            return ""
        key = _key(text)
        if column in STATUS_COLUMNS:
            return self._lookups["status"].get(key, text)
        if column in SUBCATEGORY_COLUMNS:
            status_text = cells.get(SUBCATEGORY_COLUMNS[column], "")
            status = self._lookups["status"].get(_key(status_text), "")
            return self._subcategories.get(status, {}).get(key, text)
        if column == "nationality":
            alpha2, aliases = country_lookup()
            upper = key.upper()
            return (
                upper
                if upper in alpha2
                else aliases.get(upper) or aliases.get(key) or text
            )
        if column in self._lookups:
            return self._lookups[column].get(key, text)
        return text

    # --- one row -----------------------------------------------------------------

    def add(self, result: RowResult, column: str, value: str, rule: str) -> None:
        result.problems.append(
            {
                "column": column,
                "label": self.labels.get(column, column),
                "value": value,
                "rule": rule,
            }
        )

    def check(self, row: SheetRow) -> RowResult:
        with translation.override(self.language):
            return self._check(row)

    def _check(self, row: SheetRow) -> RowResult:
        template = self.template
        cells = row.cells
        result = RowResult(line=row.line)
        result.label = " ".join(
            part
            for part in (cells.get("family_name", ""), cells.get("given_name", ""))
            if part
        )[:400]
        # Formulas are never read (nor calculated); 外字 are never sent.
        for column in template.columns:
            value = cells.get(column, "")
            if column in row.formulas:
                self.add(result, column, value, str(ROW_RULES[FORMULA]))
                continue
            private = next(
                (ch for ch in value if unicodedata.category(ch) == "Co"), None
            )
            if private is not None:
                rule = str(ROW_RULES[PRIVATE_USE]) % {
                    "character": f"U+{ord(private):04X}"
                }
                self.add(result, column, value, rule)
        if result.problems:
            return result

        # The person, as the draft's person page checks it.
        person_data = {
            name: self._form_value(name, cells.get(name, ""), cells)
            for name in template.person_columns
        }
        existing = self._existing(person_data)
        person_form = ForeignNationalForm(
            person_data,
            organization=self.organization,
            instance=existing,
            in_japan=self.application_type.residence_card_required,
            catalogue=self.catalogue,
        )
        if not person_form.is_valid():
            for name, errors in person_form.errors.items():
                column = name if name in template.columns else "family_name"
                for message in errors:
                    self.add(result, column, cells.get(column, ""), str(message))
            return result
        values = person_form.values()
        identity = self._identity(values)
        if identity is not None:
            earlier = self.seen.get(identity)
            if earlier is not None:
                column = (
                    "passport_number"
                    if identity[0] != "card"
                    else ("residence_card_number")
                )
                rule = str(ROW_RULES[SAME_PERSON]) % {"line": earlier}
                self.add(result, column, cells.get(column, ""), rule)
                return result
            self.seen[identity] = row.line
        person = existing or ForeignNational(organization=self.organization)
        # An unsaved copy with the file's values: what the draft will read.
        person = ForeignNational(pk=person.pk, organization=self.organization, **values)

        # What is applied for, as the application page checks it.
        application = Application(
            application_type=self.application_type,
            organization=self.organization,
            foreign_national=person,
            version=1,
        )
        app_data: dict[str, Any] = {"version": "1"}
        for name in ApplicationStepForm.base_fields:
            if name != "version":
                app_data[name] = self._form_value(name, cells.get(name, ""), cells)
        app_form = ApplicationStepForm(
            app_data, application=application, catalogue=self.catalogue
        )
        if not app_form.is_valid():
            for name, errors in app_form.errors.items():
                column = name if name in template.columns else template.columns[0]
                for message in errors:
                    self.add(result, column, cells.get(column, ""), str(message))
            return result
        app_fields = app_form.changes()
        for name, value in app_fields.items():
            if name != "answers":
                setattr(application, name, value)

        # The form group: the status applied for or held selects the form.
        status = application.target_status or person.current_status
        status_column = (
            "target_status" if application.target_status else ("current_status")
        )
        try:
            edition = edition_for(
                self.application_type.code,
                status.code if status else None,
                on=self.today,
            )
        except NoEdition:
            edition = None
        if edition is None or edition.key != template.key:
            form = "—"
            if edition is not None:
                title = edition.title_en if self.language == "en" else edition.title_ja
                form = f"{title} — {edition.key}"
            rule = str(ROW_RULES[WRONG_FORM]) % {"form": form}
            self.add(result, status_column, cells.get(status_column, ""), rule)
            return result

        # The 申請書: THE validator, over the draft's pre-fill.
        row_answers = {
            column: cells.get(column, "") for column in template.form_columns
        }
        from applications.application_forms import tabular

        typed = tabular.answers_from_row(edition, row_answers)
        initial = prefill.initial_answers(
            edition,
            person=person,
            organisation_profile=self.profile,
            filer=self.actor,
        )
        answers = {**initial, **typed}
        checked = engine.clean(
            edition, answers, code_lists=self.code_lists, today=self.today
        )
        for problem in checked.problems:
            column = template.column_for_problem(problem.path)
            self.add(
                result,
                column,
                cells.get(column, ""),
                problem_message(edition, problem, self.language),
            )
        if result.problems:
            return result

        stored: dict[str, Any] = {}
        for section in edition.sections:
            stored.update(
                draft_form.to_store(edition, section.key, answers, checked.answers)
            )
        result.payload = {
            "person": {name: _json(value) for name, value in values.items()},
            "person_id": existing.pk if existing else None,
            "fields": {name: _json(value) for name, value in app_fields.items()},
            "form": stored,
        }
        return result

    def _existing(self, data: dict[str, str]) -> ForeignNational | None:
        """The organisation's record of the row's person: same nationality
        and passport number, else same residence card number."""
        passport = _key(data.get("passport_number", "")).upper().replace(" ", "")
        nationality = data.get("nationality", "")
        found = self.by_passport.get((nationality, passport))
        if found is None:
            card = _key(data.get("residence_card_number", "")).upper()
            found = self.by_card.get(card) if card else None
        return found

    @staticmethod
    def _identity(values: dict[str, Any]) -> tuple[str, str] | None:
        if values.get("passport_number"):
            return (str(values["nationality"]), str(values["passport_number"]))
        if values.get("residence_card_number"):
            return ("card", str(values["residence_card_number"]))
        return None
