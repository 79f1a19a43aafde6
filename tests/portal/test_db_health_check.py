"""The connection health check asks the server only when the socket says
something happened (portal/lib/postgresql/base.py)."""

from __future__ import annotations

import select
import time
from collections.abc import Iterator

from django.db import connection, connections
from django.db.backends.postgresql import base as django_base

import pytest

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL backend"),
    pytest.mark.django_db(transaction=True),
]


@pytest.fixture
def other() -> Iterator[object]:
    """A second connection to the test database, in autocommit and idle."""
    wrapper = connections.create_connection("default")
    wrapper.ensure_connection()
    try:
        yield wrapper
    finally:
        wrapper.close()


@pytest.fixture
def server_checks(monkeypatch) -> list[int]:
    """Counts Django's own check (``SELECT 1`` on the server)."""
    calls: list[int] = []
    original = django_base.DatabaseWrapper.is_usable

    def counted(self):  # type: ignore[no-untyped-def]
        calls.append(1)
        return original(self)

    monkeypatch.setattr(django_base.DatabaseWrapper, "is_usable", counted)
    return calls


def _backend_pid(wrapper) -> int:  # type: ignore[no-untyped-def]
    with wrapper.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        return int(cursor.fetchone()[0])


def test_engine_is_the_portals(other):
    assert other.settings_dict["ENGINE"] == "portal.lib.postgresql"
    assert type(other).__module__ == "portal.lib.postgresql.base"


def test_a_quiet_idle_connection_is_usable_without_a_round_trip(other, server_checks):
    _backend_pid(other)  # a query answered and read in full
    assert other.is_usable() is True
    assert server_checks == []


def test_a_connection_the_server_ended_is_replaced(other, server_checks):
    pid = _backend_pid(other)
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_terminate_backend(%s)", [pid])
    # The server's goodbye reaches the socket.
    poller = select.poll()
    poller.register(other.connection.pgconn.socket, select.POLLIN)
    deadline = time.monotonic() + 10
    while not poller.poll(50):
        assert time.monotonic() < deadline, "the server did not close the socket"
    assert other.is_usable() is False
    assert server_checks == [1]  # the socket spoke, so the server was asked
    # What Django does with that answer at the start of a request.
    other.health_check_done = False
    other.close_if_health_check_failed()
    assert other.connection is None
    assert _backend_pid(other) != pid  # a new connection answers


def test_inside_a_transaction_the_server_is_asked(other, server_checks):
    other.set_autocommit(False)
    try:
        _backend_pid(other)
        assert other.is_usable() is True
        assert server_checks == [1]
    finally:
        other.rollback()
        other.set_autocommit(True)


def test_after_a_database_error_the_server_is_asked(other, server_checks):
    other.errors_occurred = True
    assert other.is_usable() is True
    assert server_checks == [1]
