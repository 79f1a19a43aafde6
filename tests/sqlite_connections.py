"""A SQLite connection beside the test database (PostgreSQL), as ``make run``
configures one (``portal.lib.env``), for tests of the SQLite paths."""

from __future__ import annotations

from typing import Any

from django.db.backends.sqlite3.base import DatabaseWrapper

from portal.lib.env import Env


def sqlite_connection(path: Any = ":memory:") -> DatabaseWrapper:
    """A connection of its own (not in ``django.db.connections``) to the
    SQLite database at ``path``; the caller closes it."""
    settings = Env({}).database("DATABASE_URL", f"sqlite:///{path}")
    settings.update(
        {
            "ATOMIC_REQUESTS": False,
            "AUTOCOMMIT": True,
            "TIME_ZONE": None,
            "CONN_MAX_AGE": 0,
            "CONN_HEALTH_CHECKS": False,
            "TEST": {},
        }
    )
    return DatabaseWrapper(settings, alias=f"sqlite-{id(settings)}")
