"""A JSON Schema (draft 2020-12, as OpenAPI 3.1 uses) of an edition's cleaned
answers, for the API's documentation.  The API validates with
``engine.clean`` like every other caller; this schema only describes the
shape (conditional requirements are described in words, since the engine
decides them)."""

from __future__ import annotations

from typing import Any

from applications.application_forms.codes import STATIC_CODE_LISTS
from applications.application_forms.schema import FormEdition, Item, Kind, When

_TYPES: dict[Kind, dict[str, Any]] = {
    Kind.DATE: {"type": "string", "format": "date"},
    Kind.YES_NO: {"type": "boolean"},
    Kind.MONEY_YEN: {"type": "integer", "minimum": 0},
    Kind.INTEGER: {"type": "integer"},
    Kind.POSTAL_CODE: {"type": "string", "pattern": "^[0-9]{3}-[0-9]{4}$"},
    Kind.EMAIL: {"type": "string", "format": "email"},
    Kind.CORPORATE_NUMBER: {"type": "string", "pattern": "^[1-9][0-9]{12}$"},
    Kind.CARD_NUMBER: {"type": "string", "pattern": "^[A-Z]{2}[0-9]{8}[A-Z]{2}$"},
    Kind.PASSPORT_NUMBER: {"type": "string", "pattern": "^[A-Z0-9]{5,20}$"},
}


def _describe(condition: When) -> str:
    if condition.answered:
        return f"when {condition.item} is answered"
    if condition.in_:
        return f"when {condition.item} is one of {list(condition.in_)}"
    return f"when {condition.item} is {condition.equals!r}"


def item_schema(item: Item) -> dict[str, Any]:
    if item.is_group:
        schema: dict[str, Any] = {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {sub.key: item_schema(sub) for sub in item.items},
                "required": [sub.key for sub in item.items if sub.required is True],
                "additionalProperties": False,
            },
        }
        if item.max_items is not None:
            schema["maxItems"] = item.max_items
    else:
        schema = dict(_TYPES.get(item.kind, {"type": "string"}))
    if item.kind is Kind.CHOICE and item.choices in STATIC_CODE_LISTS:
        schema["enum"] = sorted(STATIC_CODE_LISTS[item.choices].values())
    if item.max_length is not None:
        schema["maxLength"] = item.max_length
    if item.minimum is not None:
        schema["minimum"] = item.minimum
    if item.maximum is not None:
        schema["maximum"] = item.maximum
    notes = [item.label_en]
    if item.kind is Kind.CHOICE and item.choices not in STATIC_CODE_LISTS:
        notes.append(f"a code of the {item.choices} list")
    if item.when is not None:
        notes.append(f"asked only {_describe(item.when)}")
    if isinstance(item.required, When):
        notes.append(f"required {_describe(item.required)}")
    schema["title"] = item.label_ja
    schema["description"] = "; ".join(notes)
    return schema


def json_schema(edition: FormEdition) -> dict[str, Any]:
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": f"urn:zairyu:form:{edition.key}",
        "title": edition.title_ja,
        "description": edition.title_en,
        "type": "object",
        "properties": {item.key: item_schema(item) for item in edition.items()},
        "required": [
            item.key
            for item in edition.items()
            if item.required is True and item.when is None
        ],
        "additionalProperties": False,
    }
