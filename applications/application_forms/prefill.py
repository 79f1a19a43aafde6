"""Entered once: the first answers of a new application.

``initial_answers`` reads attributes only (a ``ForeignNational``, the
organisation's stored profile, the filing user — or any object or mapping
with the same attribute names), so it is pure and the batch import and API
can call it with plain dicts.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from applications.application_forms import engine
from applications.application_forms.schema import FormEdition

SOURCES = ("person", "organisation", "filer")
# What the organisation's stored profile must provide for the 所属機関等作成用
# part (``organisation.<field>`` in the definitions).  The first four are
# ``accounts.Organization`` fields today; the others are for the profile the
# wiring step adds (kept once per organisation, editable).
ORGANISATION_PROFILE_FIELDS = frozenset(
    {
        "name_ja",
        "corporate_number",
        "address",
        "phone",
        "employment_insurance_number",
        "business_type",
        "capital_yen",
        "annual_sales_yen",
        "employees",
        "foreign_employees",
        "technical_interns",
        "supervising_permit_number",
    }
)
# The filing user (``accounts.User``), for the agent (取次者) items.
FILER_FIELDS = frozenset({"full_name", "phone"})


def initial_answers(
    edition: FormEdition,
    *,
    person: Any = None,
    organisation_profile: Any = None,
    previous_answers: Mapping[str, Any] | None = None,
    filer: Any = None,
) -> dict[str, Any]:
    """The answers a new application of ``edition`` starts with.

    The person's previous application (``previous_answers``, any edition)
    gives every item this edition shares with it; then each item with a
    ``prefill`` source takes the current value from the person's record, the
    organisation's profile or the filing user — the record is newer than the
    last application (a new card number, a new passport).  Values are
    normalised where they can be; empty record values never overwrite.
    """
    sources = {"person": person, "organisation": organisation_profile, "filer": filer}
    answers: dict[str, Any] = {}
    known = {item.key: item for item in edition.items()}
    for key, value in (previous_answers or {}).items():
        if key in known and not engine.is_empty(value):
            answers[key] = value
    for item in known.values():
        if not item.prefill:
            continue
        source_name, _, path = item.prefill.partition(".")
        source = sources.get(source_name)
        if source is None:
            continue
        value = engine.resolve_attribute(source, path)
        if engine.is_empty(value):
            continue
        normalised = None if item.is_group else engine.normalise_or_none(item, value)
        answers[item.key] = value if normalised is None else normalised
    return answers
