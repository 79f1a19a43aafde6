"""Opaque keyset cursors: the (moment, id) of the row a page starts after or before.

A cursor is URL-safe text: base64 of ``<direction>.<microseconds>.<id>``.
A malformed or tampered cursor decodes to None and the list shows its first
page; a forged one can only move within rows the caller already scoped.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

from django.db.models import F, QuerySet
from django.db.models.fields.tuple_lookups import Tuple, TupleGreaterThan, TupleLessThan

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
AFTER, BEFORE = "n", "p"


def encode(moment: datetime, pk: int, direction: str = AFTER) -> str:
    micros = (moment - _EPOCH) // timedelta(microseconds=1)
    raw = f"{direction}.{micros}.{pk}".encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode(token: str | None) -> tuple[str, tuple[datetime, int]] | None:
    """(direction, (moment, id)) or None for anything malformed."""
    if not token:
        return None
    try:
        raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)).decode()
        direction, micros, pk = raw.split(".")
        key = int(pk)
        # A key no row has (out of bigint's range) is a forged cursor.
        if direction not in (AFTER, BEFORE) or not 0 < key < 2**63:
            return None
        return direction, (_EPOCH + timedelta(microseconds=int(micros)), key)
    except (ValueError, UnicodeDecodeError, binascii.Error, OverflowError):
        return None


def page_of(
    rows: QuerySet[Any, Any],
    *,
    columns: Sequence[str],
    descending: bool,
    after: tuple[datetime, int] | None,
    before: tuple[datetime, int] | None,
    size: int,
) -> QuerySet[Any, Any]:
    """``rows`` (ordered by ``columns``, ``descending`` or not) narrowed to
    one page plus one row: after the key ``after`` (next page), before
    ``before`` (previous page, read in reverse order), or the first rows.
    The key is compared as a row value, ``(col, id) > (%s, %s)``: an index
    walk, no OFFSET."""
    key = Tuple(*(F(c) for c in columns))
    forward = TupleLessThan if descending else TupleGreaterThan
    backward = TupleGreaterThan if descending else TupleLessThan
    if before is not None:
        reverse_order = [c if descending else f"-{c}" for c in columns]
        return rows.filter(backward(key, before)).order_by(*reverse_order)[: size + 1]
    if after is not None:
        rows = rows.filter(forward(key, after))
    return rows[: size + 1]


def in_list_order(
    found: list[Any], *, backwards: bool, size: int
) -> tuple[list[Any], bool]:
    """The rows ``page_of`` read, in list order, and whether more lie beyond
    them in the direction of travel."""
    if backwards:
        return list(reversed(found[:size])), len(found) > size
    return found[:size], len(found) > size
