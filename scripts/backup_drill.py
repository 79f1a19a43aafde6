#!/usr/bin/env python3
"""Backup/restore drill (QUALITY.md item 22).

Dumps a PostgreSQL database with pg_dump (custom format), restores the dump
into a fresh database with pg_restore, and compares every table of the
public schema: row count and a checksum of all rows.  Exits 0 when they all
match, 1 otherwise; the scratch database is dropped either way.

Usage:  scripts/backup_drill.py [DATABASE_URL] [--keep-dump PATH]
        (default: $DATABASE_URL)
Run it against a copy of production regularly; a backup never restored is
not a backup.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import uuid
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg
from psycopg import sql


def table_fingerprints(url: str) -> dict[str, tuple[int, str]]:
    """{table: (rows, md5 of the rows' text in a stable order)}."""
    result: dict[str, tuple[int, str]] = {}
    with psycopg.connect(url) as conn:
        tables = [
            row[0]
            for row in conn.execute(
                "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1"
            )
        ]
        for table in tables:
            query = sql.SQL(
                "SELECT count(*), coalesce(md5(string_agg(t::text, '|' ORDER BY t::text)), '')"
                " FROM {} AS t"
            ).format(sql.Identifier(table))
            row = conn.execute(query).fetchone() or (0, "")
            result[table] = (int(row[0]), str(row[1]))
    return result


def with_database(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=f"/{name}"))


def drill(source_url: str, keep_dump: Path | None = None) -> list[str]:
    """Run the drill; returns the list of mismatches (empty when all match)."""
    scratch = f"restore_drill_{uuid.uuid4().hex[:8]}"
    admin_url = with_database(source_url, "postgres")
    with tempfile.TemporaryDirectory() as tmp:
        dump = keep_dump or Path(tmp) / "backup.dump"
        subprocess.run(
            ["pg_dump", "--format=custom", "--no-owner", f"--file={dump}", source_url],
            check=True,
        )
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
            before = table_fingerprints(source_url)
            after = table_fingerprints(target_url)
        finally:
            with psycopg.connect(admin_url, autocommit=True) as conn:
                conn.execute(
                    sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(
                        sql.Identifier(scratch)
                    )
                )
    problems = []
    for table in sorted(set(before) | set(after)):
        if before.get(table) != after.get(table):
            problems.append(
                f"{table}: source {before.get(table)} restored {after.get(table)}"
            )
    print(f"{len(before)} tables compared, {sum(r for r, _ in before.values())} rows")
    return problems


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("url", nargs="?", default=os.environ.get("DATABASE_URL"))
    parser.add_argument("--keep-dump", type=Path)
    args = parser.parse_args()
    if not args.url or not args.url.startswith(("postgres://", "postgresql://")):
        print("give a postgres:// URL (or set DATABASE_URL)", file=sys.stderr)
        return 2
    problems = drill(args.url, args.keep_dump)
    for line in problems:
        print("MISMATCH", line)
    print("backup/restore drill:", "FAILED" if problems else "OK")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
