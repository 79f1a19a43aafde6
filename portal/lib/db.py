"""Where and how reads go: the read replica router for reads that may lag,
and the planning of many-join reads in written join order.

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


# A read of one case or one page of a list joins six to nine tables; with
# the default join_collapse_limit PostgreSQL tries every join order of them
# and plans for longer than it runs (the queue's row query: planning
# 1.4 ms, running 1.1 ms at national scale; the officer's document-request
# read: 1.1 ms for 0.06 ms).  Written order — the table the filter and the
# index start from first, then its to-one joins — is already the best plan
# for these reads, so for them alone the planner is told to keep it.  Only
# for such reads: a query that filters on a table it joins late would be
# planned badly (tests/portal/test_query_plans.py checks every list and
# search both ways).
#
# The setting and the query travel in one round trip (the simple query
# protocol of Django's client-side binding cursor runs them as one implicit
# transaction; so does a pipeline, ``portal.lib.compiled``); a second
# statement puts the default back inside an ``atomic`` block too.
# ``set_config(…, true)`` is ``SET LOCAL`` without its warning in a
# pipeline outside a transaction block (NULL: the default).
JOINS_AS_WRITTEN = "SELECT set_config('join_collapse_limit', '1', true)"
JOINS_AS_DEFAULT = "SELECT set_config('join_collapse_limit', NULL, true)"


def written_order(sql: str) -> str:
    """``sql`` planned in written join order: three statements, one round
    trip (the first setting's result, the rows, the second's)."""
    return f"{JOINS_AS_WRITTEN}; {sql}; {JOINS_AS_DEFAULT}"


def statements_together(using: str) -> bool:
    """Whether several statements may travel in one ``execute`` on
    ``using``: PostgreSQL through Django's client-side binding cursor (the
    simple query protocol), not SQLite's driver nor server-side binding."""
    connection = connections[using]
    if connection.vendor != "postgresql":
        return False
    from django.db.backends.postgresql.psycopg_any import is_psycopg3

    # psycopg2 has no nextset(); server-side binding one statement a message.
    return is_psycopg3 and not connection.settings_dict.get("OPTIONS", {}).get(
        "server_side_binding"
    )


def pipelines(using: str) -> bool:
    """Whether ``using`` runs ``Pipelined`` statements: several statements
    in one round trip, prepared where asked (``portal.lib.postgresql``)."""
    return bool(getattr(connections[using], "runs_pipelined", False))


@contextmanager
def joins_as_written(using: str = "default") -> Iterator[None]:
    """SELECTs run in this block on ``using`` are planned in the join order
    their SQL is written in (PostgreSQL; elsewhere nothing changes)."""
    connection = connections[using]
    if not statements_together(using):
        yield
        return

    def wrapper(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        # (Not statements in a pipeline: each says its own plan settings.)
        if many or type(sql) is not str or not sql.startswith("SELECT"):
            return execute(sql, params, many, context)
        result = execute(written_order(sql), params, many, context)
        context["cursor"].nextset()  # past SET's empty result, to the rows
        return result

    with connection.execute_wrapper(wrapper):
        yield
