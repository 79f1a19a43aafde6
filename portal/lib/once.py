"""Once, even on a double click: a form that creates something carries a
random token (``{% once_token %}`` renders it); the created row stores it in a
unique column, so five quick clicks — or five concurrent POSTs — create one
row and all five land on it.

The second insert with the same token waits on the unique index until the
first commits, fails, and returns the row the first created (only to the same
owner: a token someone else used is refused as an IntegrityError)."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

from django.db import IntegrityError, models, transaction
from django.http import HttpRequest

FIELD = "once"


def new_token() -> str:
    return uuid.uuid4().hex


def token_from(request: HttpRequest) -> uuid.UUID | None:
    """The form's token, or None (an old page without one: no protection)."""
    raw = request.POST.get(FIELD, "")
    try:
        return uuid.UUID(raw) if raw else None
    except ValueError:
        return None


def create_once[M: models.Model](
    model: type[M],
    *,
    token: uuid.UUID | None,
    create: Callable[[], M],
    owned: Callable[[M], bool],
    field: str = "start_token",
) -> tuple[M, bool]:
    """``(row, created)``: the row ``create()`` made, or the one an earlier
    request with the same ``token`` made (``created`` False).  ``create`` must
    store ``token`` in ``field``; it runs in a savepoint."""
    if token is None:
        return create(), True
    lookup: dict[str, Any] = {field: token}
    existing = model._default_manager.filter(**lookup).first()
    if existing is None:
        try:
            with transaction.atomic():
                return create(), True
        except IntegrityError:
            existing = model._default_manager.filter(**lookup).first()
            if existing is None:
                raise
    if not owned(existing):
        raise IntegrityError("the form token belongs to another owner")
    return existing, False
