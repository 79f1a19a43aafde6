"""User-facing texts of the application-form engine, the receiving office and
the online-scope rules, in one place so wording and translation are reviewed
together.  Registered with ``portal.lib.errors`` at import (the package's
``__init__`` imports this module).

Every text about an answer names the field (``%(field)s``): the page puts it
next to the input and in the error summary, the batch import next to the row
and column.
"""

from __future__ import annotations

from django.utils.translation import get_language, gettext_lazy, override

from applications.application_forms.engine import Problem
from applications.application_forms.schema import FormEdition, Item, Kind
from portal.lib.errors import DomainError, message_for, register_messages

MESSAGES = {
    "form_required": gettext_lazy("Enter “%(field)s”."),
    "form_required_choice": gettext_lazy("Choose an answer for “%(field)s”."),
    "form_too_few": gettext_lazy("Add at least %(minimum)s rows to “%(field)s”."),
    "form_too_many": gettext_lazy("“%(field)s” can have at most %(maximum)s rows."),
    "form_not_a_list": gettext_lazy("“%(field)s” must be a list of rows."),
    "form_too_long": gettext_lazy(
        "“%(field)s” must be %(max_length)s characters or fewer."
    ),
    "form_pattern": gettext_lazy("“%(field)s” is not in the expected format."),
    "form_below_minimum": gettext_lazy("“%(field)s” must be %(minimum)s or more."),
    "form_above_maximum": gettext_lazy("“%(field)s” must be %(maximum)s or less."),
    "form_choice_invalid": gettext_lazy(
        "Choose one of the listed answers for “%(field)s”."
    ),
    "form_yes_no_invalid": gettext_lazy("Answer yes or no for “%(field)s”."),
    "form_date_invalid": gettext_lazy(
        "Enter “%(field)s” as a date, for example 2027-02-10, 2027/2/10 or "
        "令和9年2月10日."
    ),
    "form_date_nonexistent": gettext_lazy(
        "“%(field)s” is not a real date. Check the month and the day."
    ),
    "form_era_year_out_of_range": gettext_lazy(
        "“%(field)s”: the %(era)s era has no year %(year)s. Check the era and the year."
    ),
    "form_date_outside_era": gettext_lazy(
        "“%(field)s”: this day is not in the %(era)s era. Check the era."
    ),
    "form_date_in_future": gettext_lazy("“%(field)s” cannot be in the future."),
    "form_date_in_past": gettext_lazy("“%(field)s” cannot be in the past."),
    "form_money_invalid": gettext_lazy(
        "Enter “%(field)s” in yen as a number, for example 3,000,000."
    ),
    "form_integer_invalid": gettext_lazy("Enter “%(field)s” as a whole number."),
    "form_kana_invalid": gettext_lazy(
        "Enter “%(field)s” in katakana or hiragana only."
    ),
    "form_roman_name_invalid": gettext_lazy(
        "Enter “%(field)s” in Roman letters, as in the passport."
    ),
    "form_card_number_invalid": gettext_lazy(
        "Enter “%(field)s” as 2 letters, 8 digits and 2 letters, for example "
        "AB12345678CD."
    ),
    "form_passport_invalid": gettext_lazy(
        "Enter “%(field)s” with letters and digits only, as in the passport."
    ),
    "form_corporate_number_format": gettext_lazy(
        "Enter “%(field)s” as 13 digits, for example 4011001098993."
    ),
    "form_corporate_number_check_digit": gettext_lazy(
        "“%(field)s” is not a valid corporate number: its check digit (the first "
        "digit) does not match."
    ),
    "form_postal_code_invalid": gettext_lazy(
        "Enter “%(field)s” as 7 digits, for example 100-0001."
    ),
    "form_phone_invalid": gettext_lazy(
        "Enter “%(field)s” as a Japanese phone number of 10 or 11 digits, for "
        "example 03-1234-5678."
    ),
    "form_email_invalid": gettext_lazy(
        "Enter “%(field)s” as an email address, for example name@example.jp."
    ),
    "form_no_edition": gettext_lazy(
        "There is no application form for this application type and status of "
        "residence on this date."
    ),
    # --- Where the application goes (jurisdiction.py) ---
    "office_none": gettext_lazy(
        "No immigration office takes this application online for this address. "
        "Check the address, or ask the regional immigration services bureau."
    ),
    # --- Online scope (online_scope.py) ---
    "scope_organisation_category": gettext_lazy(
        "This status of residence can be applied for online only by organisations "
        "of categories 1 to 3. File it at the immigration office counter."
    ),
    "scope_supervising_organisation": gettext_lazy(
        "Technical intern training of the supervising-organisation type can be "
        "applied for online only by the supervising organisation. If your "
        "organisation is the supervising organisation, enter its permit number "
        "in the organisation profile."
    ),
    "scope_dependent_supporter": gettext_lazy(
        "Dependent can be applied for online only when the supporting person's "
        "own status can be handled online."
    ),
    "scope_designated_notice": gettext_lazy(
        "This designated activity cannot be applied for online with this kind "
        "of application. File it at the immigration office counter."
    ),
    "scope_skill_development_not_yet": gettext_lazy(
        "Employment for Skill Development can be applied for from %(date)s."
    ),
    "scope_titp_coe_closed": gettext_lazy(
        "Certificates of eligibility for Technical Intern Training are no longer "
        "issued from %(date)s: apply for Employment for Skill Development."
    ),
}
register_messages(MESSAGES)

ROW_LABEL = gettext_lazy("%(group)s, row %(row)s: %(item)s")
_CHOICE_KINDS = (Kind.CHOICE, Kind.YES_NO)


def field_label(edition: FormEdition, path: str, language: str | None = None) -> str:
    """The field's label for a problem path (``family_members[2].birth_date``
    → "Family members in Japan and co-residents, row 3: Date of birth")."""
    language = language or get_language() or "ja"
    head, _sep, leaf = path.partition(".")
    group_key, _bracket, index = head.partition("[")
    try:
        item = edition.item(group_key)
    except KeyError:
        return path
    if not leaf:
        return item.label(language)
    row = int(index.rstrip("]")) + 1 if index else 1
    sub = next((s for s in item.items if s.key == leaf), None)
    return row_label(
        item.label(language), row, sub.label(language) if sub else leaf, language
    )


def row_label(group: str, row: int, item: str, language: str) -> str:
    """A group row's field label ("Family members, row 3: Date of birth") in
    ``language``."""
    with override(language):
        return str(ROW_LABEL) % {"group": group, "row": row, "item": item}


def _item_at(edition: FormEdition, problem: Problem) -> Item | None:
    try:
        item = edition.item(problem.item_key)
    except KeyError:
        return None
    if problem.leaf_key != item.key:
        return next((s for s in item.items if s.key == problem.leaf_key), item)
    return item


def problem_message(
    edition: FormEdition, problem: Problem, language: str | None = None
) -> str:
    """One problem in words, in the active language, naming the field."""
    code = problem.code
    item = _item_at(edition, problem)
    if code == "form_required" and item is not None and item.kind in _CHOICE_KINDS:
        code = "form_required_choice"
    params = {**problem.params, "field": field_label(edition, problem.path, language)}
    return message_for(DomainError(code, **params))
