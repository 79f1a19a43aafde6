"""Killed database connections under browsing traffic (gunicorn, real
PostgreSQL): connection health checks replace a dead persistent connection at
the start of the next request, so no request answers 500."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request

from django.conf import settings as django_settings
from django.db import connection, connections

import pytest

from tests.conftest import ROOT, _test_database_url
from tests.factories import UserFactory

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="pg_terminate_backend"
    ),
]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _get(url: str, cookie: str) -> int:
    request = urllib.request.Request(url, headers={"Cookie": cookie})
    try:
        with urllib.request.urlopen(request, timeout=20) as response:
            return int(response.status)
    except urllib.error.HTTPError as exc:
        return int(exc.code)


def _terminate_the_servers_backends() -> int:
    """Kill every connection to the test database except this test's own."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        own = cursor.fetchone()[0]
    other = connections.create_connection("default")
    try:
        with other.cursor() as cursor:
            cursor.execute(
                "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity"
                " WHERE datname = current_database()"
                " AND pid NOT IN (pg_backend_pid(), %s)"
                " AND backend_type = 'client backend'",
                [own],
            )
            return int(cursor.fetchone()[0])
    finally:
        other.close()


@pytest.mark.django_db(transaction=True)
def test_terminated_connections_under_browsing_traffic_give_no_500(
    client, settings, tmp_path
):
    assert django_settings.DATABASES["default"]["CONN_HEALTH_CHECKS"] is True
    user = UserFactory(mfa=True)
    client.force_login(user)
    session = client.cookies[settings.SESSION_COOKIE_NAME].value
    cookie = f"{settings.SESSION_COOKIE_NAME}={session}"
    port = _free_port()
    env = {**os.environ, "DATABASE_URL": _test_database_url(settings)}
    log = open(tmp_path / "gunicorn.log", "w")  # noqa: SIM115
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "portal.wsgi",
            "--workers",
            "2",
            "--bind",
            f"127.0.0.1:{port}",
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.time() + 60
        while True:
            try:
                if _get(f"{base}/inbox/", cookie) == 200:
                    break
            except OSError:
                pass
            assert server.poll() is None, (tmp_path / "gunicorn.log").read_text()
            assert time.time() < deadline, "gunicorn did not answer"
            time.sleep(0.2)
        statuses: list[int] = []
        killed = 0
        for _round in range(5):
            for _ in range(8):  # both workers now hold a persistent connection
                statuses.append(_get(f"{base}/inbox/", cookie))
            killed += _terminate_the_servers_backends()
        for _ in range(8):
            statuses.append(_get(f"{base}/inbox/", cookie))
    finally:
        server.terminate()
        server.wait(timeout=20)
        log.close()
    assert killed >= 5  # connections really were killed under the workers
    assert statuses.count(500) == 0, (tmp_path / "gunicorn.log").read_text()[-3000:]
    assert set(statuses) == {200}
