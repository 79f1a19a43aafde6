"""The API names statuses of residence and their categories by code; the
pages' forms take primary keys.  These translate."""

from __future__ import annotations

from typing import Any

from applications.models import StatusOfResidence, StatusSubCategory


def to_form_values(values: dict[str, Any], status_key: str, sub_key: str) -> None:
    """Replace the status and category codes in ``values`` by the keys the
    form's choices use (an unknown code stays as sent: the form refuses it
    as an invalid choice)."""
    code = values.get(status_key)
    status = StatusOfResidence.objects.filter(code=code).first() if code else None
    if status is not None:
        values[status_key] = str(status.pk)
    sub = values.get(sub_key)
    if sub and status is not None:
        found = StatusSubCategory.objects.filter(status=status, code=sub).first()
        if found is not None:
            values[sub_key] = str(found.pk)


def status_code(status: Any) -> str | None:
    return status.code if status is not None else None
