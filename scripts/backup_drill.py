#!/usr/bin/env python3
"""Backup/restore drill (QUALITY.md item 22).

Dumps a PostgreSQL database with pg_dump (custom format), restores the dump
into a fresh database with pg_restore, and proves the restore:

- every table of the public schema has the same row count and checksum as the
  source **in the dump's own snapshot** (the fingerprints are taken inside the
  transaction whose snapshot pg_dump uses, so the drill passes while users
  write);
- the restored schema has the same constraints, indexes, triggers and
  sequences as the source, and every sequence is ahead of the rows using it;
- every stored file (``files_storedfile``) has its bytes in the restored file
  storage, with the recorded size and SHA-256 (``--media-root`` for a folder,
  ``--s3-bucket`` for S3-compatible storage; ``--skip-files`` says out loud
  that the files were not checked).

Exits 0 when everything matches, 1 otherwise; the scratch database is dropped
either way.

Usage:  scripts/backup_drill.py [DATABASE_URL] (--media-root PATH | --s3-bucket NAME
        | --skip-files) [--keep-dump PATH]
        (default URL: $DATABASE_URL; S3 credentials and endpoint from S3_ENDPOINT_URL,
        S3_REGION, S3_ACCESS_KEY_ID, S3_SECRET_ACCESS_KEY)
Run it regularly against the production database and the restored copy of its
file storage; a backup never restored is not a backup.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import re
import subprocess
import sys
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Protocol
from urllib.parse import urlsplit, urlunsplit

import psycopg
from psycopg import sql


class FileStore(Protocol):
    def read(self, name: str) -> bytes | None: ...


class LocalStore:
    """A folder (MEDIA_ROOT, or where its backup was restored)."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root)

    def read(self, name: str) -> bytes | None:
        path = (self.root / name).resolve()
        if self.root.resolve() not in path.parents or not path.is_file():
            return None
        return path.read_bytes()


class S3Store:
    """A bucket of S3-compatible storage (credentials from the environment)."""

    def __init__(self, bucket: str) -> None:
        import boto3

        self.bucket = bucket
        self.client = boto3.client(
            "s3",
            endpoint_url=os.environ.get("S3_ENDPOINT_URL") or None,
            region_name=os.environ.get("S3_REGION") or None,
            aws_access_key_id=os.environ.get("S3_ACCESS_KEY_ID") or None,
            aws_secret_access_key=os.environ.get("S3_SECRET_ACCESS_KEY") or None,
        )

    def read(self, name: str) -> bytes | None:
        try:
            return bytes(
                self.client.get_object(Bucket=self.bucket, Key=name)["Body"].read()
            )
        except self.client.exceptions.NoSuchKey:
            return None


def _tables(conn: psycopg.Connection[Any]) -> list[str]:
    return [
        row[0]
        for row in conn.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1"
        )
    ]


def _fingerprints_on(conn: psycopg.Connection[Any]) -> dict[str, tuple[int, str]]:
    result: dict[str, tuple[int, str]] = {}
    for table in _tables(conn):
        query = sql.SQL(
            "SELECT count(*), coalesce(md5(string_agg(t::text, '|' ORDER BY t::text)), '')"
            " FROM {} AS t"
        ).format(sql.Identifier(table))
        row = conn.execute(query).fetchone() or (0, "")
        result[table] = (int(row[0]), str(row[1]))
    return result


def table_fingerprints(url: str) -> dict[str, tuple[int, str]]:
    """{table: (rows, md5 of the rows' text in a stable order)} of a database."""
    with psycopg.connect(url) as conn:
        return _fingerprints_on(conn)


SCHEMA_QUERIES = {
    "constraint": (
        "SELECT conrelid::regclass::text || '.' || conname, pg_get_constraintdef(oid)"
        " FROM pg_constraint WHERE connamespace = 'public'::regnamespace"
    ),
    "index": (
        "SELECT tablename || '.' || indexname, indexdef FROM pg_indexes"
        " WHERE schemaname = 'public'"
    ),
    "trigger": (
        "SELECT t.tgrelid::regclass::text || '.' || t.tgname, pg_get_triggerdef(t.oid)"
        " FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid"
        " WHERE NOT tgisinternal AND c.relnamespace = 'public'::regnamespace"
    ),
    "function": (
        "SELECT p.proname, pg_get_functiondef(p.oid) FROM pg_proc p"
        " WHERE p.pronamespace = 'public'::regnamespace"
    ),
    "sequence": (
        "SELECT sequencename, data_type::text || ' ' || increment_by::text"
        " FROM pg_sequences WHERE schemaname = 'public'"
    ),
}


_CASTS = re.compile(r"::[a-z ]+(?:\[\])?")
_NOISE = re.compile(r"[()\s]")


def _normalised(kind: str, definition: str) -> str:
    """Check constraints and partial indexes come back from a restore printed
    differently (``(ARRAY['a'::varchar])::text[]`` becomes
    ``ARRAY[('a'::varchar)::text]``): compare them without casts and
    parentheses."""
    if kind not in ("constraint", "index"):
        return definition
    return _NOISE.sub("", _CASTS.sub("", definition))


def schema_objects(conn: psycopg.Connection[Any]) -> dict[str, str]:
    """{"kind name": definition} for constraints, indexes, triggers,
    functions and sequences of the public schema."""
    result: dict[str, str] = {}
    for kind, query in SCHEMA_QUERIES.items():
        for name, definition in conn.execute(query):
            result[f"{kind} {name}"] = _normalised(kind, str(definition))
    return result


def sequences_behind(conn: psycopg.Connection[Any]) -> list[str]:
    """Sequences whose next value would collide with a restored row."""
    owned = conn.execute(
        "SELECT s.relname, t.relname, a.attname FROM pg_depend d"
        " JOIN pg_class s ON s.oid = d.objid AND s.relkind = 'S'"
        " JOIN pg_class t ON t.oid = d.refobjid"
        " JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = d.refobjsubid"
        " WHERE s.relnamespace = 'public'::regnamespace AND d.deptype IN ('a', 'i')"
    ).fetchall()
    problems = []
    for sequence, table, column in owned:
        row = conn.execute(
            sql.SQL(
                "SELECT (SELECT last_value FROM {}), (SELECT max({}) FROM {})"
            ).format(
                sql.Identifier(sequence), sql.Identifier(column), sql.Identifier(table)
            )
        ).fetchone()
        last, highest = row if row else (None, None)
        if highest is not None and (last is None or last < highest):
            problems.append(
                f"sequence {sequence}: at {last}, {table}.{column} has {highest}"
            )
    return problems


def stored_files(conn: psycopg.Connection[Any]) -> Iterator[tuple[str, int, str]]:
    if "files_storedfile" not in _tables(conn):
        return iter(())
    return iter(
        conn.execute(
            "SELECT name, size, sha256 FROM files_storedfile ORDER BY name"
        ).fetchall()
    )


def check_files(
    conn: psycopg.Connection[Any], store: FileStore
) -> tuple[int, list[str]]:
    """(files checked, problems): every stored file's bytes, size and SHA-256."""
    problems = []
    count = 0
    for name, size, digest in stored_files(conn):
        count += 1
        data = store.read(name)
        if data is None:
            problems.append(f"file {name}: missing from the restored storage")
        elif len(data) != size or hashlib.sha256(data).hexdigest() != digest:
            problems.append(f"file {name}: bytes differ from the recorded size/SHA-256")
    return count, problems


def with_database(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=f"/{name}"))


def _dump_in_snapshot(
    source_url: str, dump: Path
) -> tuple[dict[str, tuple[int, str]], dict[str, str]]:
    """pg_dump the database and fingerprint it in one and the same snapshot:
    the transaction that exports the snapshot stays open while pg_dump uses
    it, then fingerprints the tables itself."""
    with psycopg.connect(source_url) as conn:
        conn.execute("BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        row = conn.execute("SELECT pg_export_snapshot()").fetchone()
        snapshot = str(row[0]) if row else ""
        subprocess.run(
            [
                "pg_dump",
                "--format=custom",
                "--no-owner",
                f"--snapshot={snapshot}",
                f"--file={dump}",
                source_url,
            ],
            check=True,
        )
        fingerprints = _fingerprints_on(conn)
        schema = schema_objects(conn)
        conn.execute("COMMIT")
    return fingerprints, schema


def drill(
    source_url: str,
    keep_dump: Path | None = None,
    *,
    files: FileStore | None = None,
    skip_files: bool = False,
) -> list[str]:
    """Run the drill; returns the list of mismatches (empty when all match)."""
    if files is None and not skip_files:
        return ["files: no restored file storage given (--media-root or --s3-bucket)"]
    scratch = f"restore_drill_{uuid.uuid4().hex[:8]}"
    admin_url = with_database(source_url, "postgres")
    problems: list[str] = []
    with tempfile.TemporaryDirectory() as tmp:
        dump = keep_dump or Path(tmp) / "backup.dump"
        before, schema_before = _dump_in_snapshot(source_url, dump)
        with psycopg.connect(admin_url, autocommit=True) as conn:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(scratch)))
        try:
            target_url = with_database(source_url, scratch)
            subprocess.run(
                [
                    "pg_restore",
                    "--no-owner",
                    "--exit-on-error",
                    f"--dbname={target_url}",
                    str(dump),
                ],
                check=True,
            )
            after = table_fingerprints(target_url)
            with psycopg.connect(target_url) as conn:
                schema_after = schema_objects(conn)
                problems.extend(sequences_behind(conn))
                checked = 0
                if files is not None:
                    checked, file_problems = check_files(conn, files)
                    problems.extend(file_problems)
        finally:
            with psycopg.connect(admin_url, autocommit=True) as conn:
                conn.execute(
                    sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(
                        sql.Identifier(scratch)
                    )
                )
    for table in sorted(set(before) | set(after)):
        if before.get(table) != after.get(table):
            problems.append(
                f"{table}: source {before.get(table)} restored {after.get(table)}"
            )
    for name in sorted(set(schema_before) | set(schema_after)):
        if schema_before.get(name) != schema_after.get(name):
            if name not in schema_after:
                problems.append(f"{name}: missing after restore")
            else:
                problems.append(
                    f"{name}: differs (source {schema_before.get(name)!r},"
                    f" restored {schema_after[name]!r})"
                )
    print(
        f"{len(before)} tables compared, {sum(r for r, _ in before.values())} rows; "
        f"{len(schema_before)} constraints/indexes/triggers/functions/sequences; "
        + (
            f"{checked} stored files checked"
            if files is not None
            else "files NOT checked"
        )
    )
    return problems


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("url", nargs="?", default=os.environ.get("DATABASE_URL"))
    parser.add_argument("--keep-dump", type=Path)
    where = parser.add_mutually_exclusive_group()
    where.add_argument("--media-root", type=Path, help="restored private file folder")
    where.add_argument("--s3-bucket", help="restored S3-compatible bucket")
    where.add_argument("--skip-files", action="store_true")
    args = parser.parse_args()
    if not args.url or not args.url.startswith(("postgres://", "postgresql://")):
        print("give a postgres:// URL (or set DATABASE_URL)", file=sys.stderr)
        return 2
    store: FileStore | None = None
    if args.media_root:
        store = LocalStore(args.media_root)
    elif args.s3_bucket:
        store = S3Store(args.s3_bucket)
    problems = drill(args.url, args.keep_dump, files=store, skip_files=args.skip_files)
    for line in problems:
        print("MISMATCH", line)
    print("backup/restore drill:", "FAILED" if problems else "OK")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
