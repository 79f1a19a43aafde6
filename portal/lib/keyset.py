"""Opaque keyset cursors: the (moment, id) of the row a page starts after or before.

A cursor is URL-safe text: base64 of ``<direction>.<microseconds>.<id>``.
A malformed or tampered cursor decodes to None and the list shows its first
page; a forged one can only move within rows the caller already scoped.
"""

from __future__ import annotations

import base64
import binascii
from datetime import UTC, datetime, timedelta

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
        if direction not in (AFTER, BEFORE):
            return None
        return direction, (_EPOCH + timedelta(microseconds=int(micros)), int(pk))
    except (ValueError, UnicodeDecodeError, binascii.Error, OverflowError):
        return None
