"""Reads that may lag: the read replica router.

With ``DATABASE_REPLICA_URL`` set, settings define a ``replica`` database and
install ``ReplicaRouter``.  Code that can live with data a second or so old
(queue counts, processing times, searches, public pages) runs its reads
inside ``replica_reads()``; everything else, and every write, stays on
``default``.  Without a replica (the default) ``replica_reads()`` changes
nothing.

Inside a transaction on ``default`` (``atomic``) reads stay there: a read that
must see the transaction's own writes never goes to the replica.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from django.conf import settings
from django.db import connections

REPLICA = "replica"
_lag_ok: ContextVar[bool] = ContextVar("zairyu_replica_reads", default=False)


@contextmanager
def replica_reads() -> Iterator[None]:
    """Reads in this block may go to the read replica (if there is one)."""
    token = _lag_ok.set(True)
    try:
        yield
    finally:
        _lag_ok.reset(token)


def replica_enabled() -> bool:
    return bool(getattr(settings, "REPLICA_READS", False)) and REPLICA in connections


class ReplicaRouter:
    """Lag-tolerant reads to ``replica``; all else to ``default``."""

    def db_for_read(self, model: Any, **hints: Any) -> str | None:
        if (
            _lag_ok.get()
            and replica_enabled()
            and not connections["default"].in_atomic_block
        ):
            return REPLICA
        return None

    def db_for_write(self, model: Any, **hints: Any) -> str | None:
        return "default"

    def allow_relation(self, obj1: Any, obj2: Any, **hints: Any) -> bool | None:
        return True  # the replica is a copy of default

    def allow_migrate(self, db: str, app_label: str, **hints: Any) -> bool | None:
        return db == "default"
