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
"""

from __future__ import annotations

import select

from django.db.backends.postgresql import base

import psycopg
from psycopg import pq

_READABLE = select.POLLIN | select.POLLPRI | select.POLLERR | select.POLLHUP


class DatabaseWrapper(base.DatabaseWrapper):
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
