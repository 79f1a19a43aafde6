"""QUALITY.md item 22: a dump restores into a fresh database with the same
rows (counts and checksums per table)."""

from __future__ import annotations

import shutil
import sys

from django.db import connection

import pytest

from tests.conftest import ROOT
from tests.factories import UserFactory

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL drill"),
]


def _url() -> str:
    db = connection.settings_dict
    return (
        f"postgres://{db.get('USER') or 'postgres'}@{db.get('HOST') or '127.0.0.1'}:"
        f"{db.get('PORT') or 5432}/{db['NAME']}"
    )


def test_dump_restores_with_identical_rows():
    if shutil.which("pg_dump") is None:
        pytest.skip("pg_dump is not installed")
    sys.path.insert(0, str(ROOT / "scripts"))
    try:
        import backup_drill
    finally:
        sys.path.pop(0)
    for _ in range(3):
        UserFactory(full_name="山田 太郎")
    connection.close()  # the drill opens its own connections
    assert backup_drill.drill(_url()) == []


def test_drill_notices_a_difference(monkeypatch):
    if shutil.which("pg_dump") is None:
        pytest.skip("pg_dump is not installed")
    sys.path.insert(0, str(ROOT / "scripts"))
    try:
        import backup_drill
    finally:
        sys.path.pop(0)
    UserFactory()
    real = backup_drill.table_fingerprints
    calls = []

    def tampered(url):
        result = real(url)
        calls.append(url)
        if len(calls) == 2:  # the restored copy
            rows, digest = result["accounts_user"]
            result["accounts_user"] = (rows - 1, digest)
        return result

    monkeypatch.setattr(backup_drill, "table_fingerprints", tampered)
    connection.close()
    problems = backup_drill.drill(_url())
    assert any(p.startswith("accounts_user:") for p in problems)
