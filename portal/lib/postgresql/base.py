"""Django's PostgreSQL backend with a health check that costs no round trip.

Django's connection health check (``CONN_HEALTH_CHECKS``) sends ``SELECT 1``
before the first query of every request, so that a persistent connection the
server closed (a restart, a failover, ``pg_terminate_backend``) is replaced
instead of failing the request.  At national scale that is one round trip of
three on a list page, and on these machines a round trip that waits costs
the web worker more CPU than most of the SQL it carries (README,
"Performance").

A server that closes a connection says so on the socket: it sends its
goodbye (an error message, then end of file), and the socket of an idle
connection becomes readable.  An idle connection on which the server has
said nothing has nothing to read.  So the check asks the operating system —
one non-blocking ``poll`` — and only when there is something to read (or
the connection is in any state but idle and healthy, or the request before
had a database error) does it send Django's ``SELECT 1``.  A connection that
died without a word (a host gone without closing its sockets) passes both
checks alike and fails on its first query.

It also runs ``Pipelined`` statements: several statements, each with its
own parameters and prepared or not, sent in one round trip through
PostgreSQL's pipeline mode (``portal.lib.compiled.fetched_together``).  A
prepared statement is parsed and planned once per connection: PostgreSQL
keeps its generic plan after five runs when that plan costs no more than
the custom ones, and the case pages' reads by key planned for longer than
they ran (README, "Performance").
"""

from __future__ import annotations

import select
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.db.backends.postgresql import base
from django.db.backends.postgresql.operations import (
    DatabaseOperations as BaseOperations,
)

import psycopg
from psycopg import pq

_SWITCH = {"on": True, "off": False}
_READABLE = select.POLLIN | select.POLLPRI | select.POLLERR | select.POLLHUP


class Pipelined(str):
    """Statements for one round trip: ``(sql, params, prepare)`` each.

    Passed to ``cursor.execute`` of this backend in place of the SQL (with
    all the parameters, for logs); query counts see one query, and logs the
    statements with their values written in.  After the call ``results``
    holds each statement's rows (none for one that returns none).
    Placeholders are ``%s``; the values are bound by the server, not
    spliced into the text."""

    statements: list[tuple[str, list[Any], bool]]
    results: list[list[tuple[Any, ...]]]

    def __new__(cls, statements: list[tuple[str, list[Any], bool]]) -> Pipelined:
        text = super().__new__(cls, "; ".join(sql for sql, _p, _prep in statements))
        text.statements = statements
        text.results = []
        return text

    def run(self, connection: psycopg.Connection[Any], *, prepares: bool) -> None:
        cursors = []
        # psycopg prepares nothing, even when asked, without a threshold; it
        # is set only here, since with one psycopg also follows every other
        # statement and forgets all it prepared at any ROLLBACK (a failed
        # ``atomic`` block) — a DEALLOCATE ALL round trip each time.
        if prepares:
            connection.prepare_threshold = _ASKED_ONLY
        try:
            with connection.pipeline():
                for sql, params, prepare in self.statements:
                    # Server-side binding: the only cursor that prepares.
                    cursor = psycopg.Cursor(connection)
                    cursors.append(cursor)
                    cursor.execute(sql, params, prepare=prepare)
            self.results = [
                cursor.fetchall() if cursor.description is not None else []
                for cursor in cursors
            ]
        finally:
            connection.prepare_threshold = None
            for cursor in cursors:
                cursor.close()

    def logged(self, connection: psycopg.Connection[Any]) -> str:
        """The statements as PostgreSQL ran them, values written in."""
        writer = psycopg.ClientCursor(connection)
        return "; ".join(
            writer.mogrify(sql, params) for sql, params, _prep in self.statements
        )


# Every Pipelined statement says whether to prepare it (``prepare=``).
_ASKED_ONLY = 1_000_000


class Cursor(base.Cursor):
    """Django's client-side binding cursor, which also runs ``Pipelined``."""

    # (Django's stubs describe the psycopg2 cursor, without these.)
    connection: psycopg.Connection[Any]
    prepares = True

    def execute(self, query: Any, params: Any = None, **kwargs: Any) -> Any:
        if isinstance(query, Pipelined):
            query.run(self.connection, prepares=self.prepares)
            return self
        return super().execute(query, params, **kwargs)  # type: ignore[misc]


class DatabaseOperations(BaseOperations):
    def last_executed_query(self, cursor: Any, sql: Any, params: Any) -> str:
        if isinstance(sql, Pipelined):
            return sql.logged(cursor.connection)
        return super().last_executed_query(cursor, sql, params)


class DatabaseWrapper(base.DatabaseWrapper):
    ops_class = DatabaseOperations
    prepares = True  # ``?prepared_statements=off`` turns it off

    @property
    def runs_pipelined(self) -> bool:
        """Whether ``Pipelined`` statements run here (``portal.lib.db.pipelines``):
        not when the settings chose another cursor."""
        options = self.settings_dict["OPTIONS"]
        return (
            not options.get("server_side_binding") and "cursor_factory" not in options
        )

    def get_connection_params(self) -> dict[str, Any]:
        params: dict[str, Any] = super().get_connection_params()
        if params.get("cursor_factory") is base.Cursor:
            params["cursor_factory"] = Cursor
        # ``?prepared_statements=off`` in the URL: behind a pooler that
        # cannot keep them (PgBouncer in transaction mode without its
        # ``max_prepared_statements``, which came in 1.21).
        switch = str(params.pop("prepared_statements", "on")).lower()
        if switch not in _SWITCH:
            raise ImproperlyConfigured(
                f"prepared_statements={switch!r} in the database URL: use on or off."
            )
        self.prepares = _SWITCH[switch]
        return params

    def create_cursor(self, name: Any = None) -> Any:
        cursor = super().create_cursor(name)
        if isinstance(cursor, Cursor):
            cursor.prepares = self.prepares
        return cursor

    def is_usable(self) -> bool:
        if self.connection is None or self.connection.closed:
            return False
        if not self.errors_occurred and self._quiet():
            return True
        return bool(super().is_usable())

    def _quiet(self) -> bool:
        """Healthy and idle, and the server has sent nothing since the last
        answer was read."""
        pgconn = self.connection.pgconn
        try:
            if (
                pgconn.status != pq.ConnStatus.OK
                or pgconn.transaction_status != pq.TransactionStatus.IDLE
            ):
                return False
            poller = select.poll()
            poller.register(pgconn.socket, _READABLE)
            return not poller.poll(0)
        except (OSError, ValueError, psycopg.Error):
            return False
