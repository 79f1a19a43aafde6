"""QUALITY.md item 22 and issue 11 item 12: a dump restores into a fresh
database with the same rows (counts and checksums per table, taken in the
dump's own snapshot), the same constraints, indexes, triggers and sequences,
and every stored file's bytes in the restored file storage."""

from __future__ import annotations

import shutil
import sys
import threading
import time

from django.db import connection, transaction

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


@pytest.fixture
def backup_drill():
    if shutil.which("pg_dump") is None:
        pytest.skip("pg_dump is not installed")
    sys.path.insert(0, str(ROOT / "scripts"))
    try:
        import backup_drill
    finally:
        sys.path.pop(0)
    return backup_drill


@pytest.fixture
def media_root(settings, tmp_path):
    root = tmp_path / "private"
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(root)},
        },
    }
    return root


def _stored_files(count: int) -> list:
    from tests.factories import stored_pdf

    return [stored_pdf(f"doc-{i}.pdf") for i in range(count)]


def test_dump_restores_with_identical_rows_schema_and_files(backup_drill, media_root):
    for _ in range(3):
        UserFactory(full_name="山田 太郎")
    _stored_files(2)
    connection.close()  # the drill opens its own connections
    assert backup_drill.drill(_url(), files=backup_drill.LocalStore(media_root)) == []


def test_drill_notices_a_difference(backup_drill, media_root, monkeypatch):
    UserFactory()
    real = backup_drill.table_fingerprints

    def tampered(url):
        result = real(url)  # the restored copy
        rows, digest = result["accounts_user"]
        result["accounts_user"] = (rows - 1, digest)
        return result

    monkeypatch.setattr(backup_drill, "table_fingerprints", tampered)
    connection.close()
    problems = backup_drill.drill(_url(), files=backup_drill.LocalStore(media_root))
    assert any(p.startswith("accounts_user:") for p in problems)


def test_drill_passes_while_users_write(backup_drill, media_root):
    """Rows are written all through the drill (as in production at night
    or not): the source is fingerprinted inside the dump's snapshot, so no
    table is reported as different."""
    from django.db import connections

    from portal.audit.services import audit_record

    UserFactory()
    stop = threading.Event()
    written: list[int] = []

    def writer() -> None:
        try:
            while not stop.is_set():
                with transaction.atomic():
                    user = UserFactory()
                    audit_record(actor=user, action="auth.login")
                written.append(1)
                time.sleep(0.01)
        finally:
            connections.close_all()

    thread = threading.Thread(target=writer)
    connection.close()
    thread.start()
    try:
        time.sleep(0.2)
        problems = backup_drill.drill(_url(), files=backup_drill.LocalStore(media_root))
    finally:
        stop.set()
        thread.join(timeout=30)
    assert len(written) > 10  # writes really happened during the drill
    assert problems == []


def test_drill_notices_a_stored_file_missing_from_the_restored_storage(
    backup_drill, media_root
):
    kept, lost = _stored_files(2)
    (media_root / lost.name).unlink()
    (media_root / kept.name).write_bytes(b"%PDF-1.4 tampered")
    connection.close()
    problems = backup_drill.drill(_url(), files=backup_drill.LocalStore(media_root))
    assert f"file {lost.name}: missing from the restored storage" in problems
    assert f"file {kept.name}: bytes differ from the recorded size/SHA-256" in problems


def test_drill_refuses_to_pass_without_checking_files(backup_drill):
    problems = backup_drill.drill(_url())
    assert problems and problems[0].startswith("files:")


def test_drill_notices_a_missing_trigger(backup_drill, media_root, monkeypatch):
    real = backup_drill.schema_objects
    calls: list[int] = []

    def without_trigger(conn):
        result = real(conn)
        calls.append(1)
        if len(calls) == 2:  # the restored copy lost the append-only trigger
            result = {k: v for k, v in result.items() if "append_only" not in k}
        return result

    monkeypatch.setattr(backup_drill, "schema_objects", without_trigger)
    connection.close()
    problems = backup_drill.drill(_url(), files=backup_drill.LocalStore(media_root))
    assert any(
        p.startswith("trigger audit_auditevent.audit_auditevent_append_only")
        for p in problems
    ), problems


def test_the_audit_table_refuses_truncate():
    from django.db import DatabaseError

    from portal.audit.models import AuditEvent
    from portal.audit.services import audit_record

    audit_record(actor=UserFactory(), action="auth.login")
    with (
        pytest.raises(DatabaseError, match="TRUNCATE refused"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        # A session that did not opt in (the test suite's own flush does).
        cursor.execute("SET LOCAL zairyu.audit_truncate = ''")
        cursor.execute("TRUNCATE audit_auditevent")
    assert AuditEvent.objects.exists()
