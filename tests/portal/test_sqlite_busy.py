"""``make run``'s SQLite: concurrent writes wait for each other (WAL, IMMEDIATE
transactions, a busy timeout) and a write that still finds the database locked
gets a friendly "busy, try again" page, never a 500 (issue 11 item 7)."""

from __future__ import annotations

import threading
import time

from django.db import OperationalError

import pytest

from portal.lib.env import Env
from tests.sqlite_connections import sqlite_connection


@pytest.fixture(autouse=True)
def _own_databases(request, django_db_blocker):
    """These tests open their own SQLite files, not the test database."""
    if request.node.get_closest_marker("django_db"):
        yield
        return
    with django_db_blocker.unblock():
        yield


def test_the_embedded_database_uses_wal_immediate_transactions_and_a_busy_timeout(
    tmp_path,
):
    options = Env({}).database("DATABASE_URL", f"sqlite:///{tmp_path / 'x.db'}")[
        "OPTIONS"
    ]
    assert options["transaction_mode"] == "IMMEDIATE"
    assert options["timeout"] >= 10
    db = sqlite_connection(tmp_path / "x.db")
    with db.cursor() as cursor:
        cursor.execute("PRAGMA journal_mode")
        assert cursor.fetchone()[0] == "wal"
    db.close()


def test_two_concurrent_read_then_write_transactions_both_succeed(tmp_path):
    """What two officers (or a double click) do: read, think, write.  With
    deferred transactions one of them failed at once with "database is
    locked"; now the second waits for the first."""
    path = tmp_path / "clicks.db"
    setup = sqlite_connection(path)
    with setup.cursor() as cursor:
        cursor.execute("CREATE TABLE clicks (n INTEGER)")
    setup.close()
    barrier = threading.Barrier(2)
    errors: list[Exception] = []

    def click() -> None:
        db = sqlite_connection(path)
        try:
            barrier.wait()
            # What transaction.atomic() does on SQLite: BEGIN in the configured mode.
            db.set_autocommit(
                False, force_begin_transaction_with_broken_autocommit=True
            )
            with db.cursor() as cursor:
                cursor.execute("SELECT count(*) FROM clicks")
                seen = cursor.fetchone()[0]
                time.sleep(0.3)
                cursor.execute("INSERT INTO clicks VALUES (%s)", [seen])
            db.commit()
        except Exception as exc:
            errors.append(exc)
        finally:
            db.close()

    threads = [threading.Thread(target=click) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    check = sqlite_connection(path)
    with check.cursor() as cursor:
        cursor.execute("SELECT n FROM clicks ORDER BY n")
        assert [row[0] for row in cursor.fetchall()] == [0, 1]  # serialised
    check.close()


@pytest.mark.django_db
def test_a_database_still_locked_gets_a_friendly_retry_page(client, settings):
    from django.urls import path

    import portal.urls

    def locked(request):
        raise OperationalError("database is locked")

    settings.DEBUG = False
    client.raise_request_exception = False
    portal.urls.urlpatterns.append(path("__locked__/", locked))
    try:
        response = client.get("/__locked__/")
    finally:
        portal.urls.urlpatterns.pop()
    assert response.status_code == 503
    assert response["Retry-After"] == "2"
    body = response.content.decode()
    assert "The portal is busy" in body and "try again" in body
