"""Typed readers for environment variables.

Every setting that comes from the environment goes through one of these, so a
bad value stops start-up with a message naming the variable and what was
expected, instead of surfacing later as an odd error.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ImproperlyConfigured

# Django's PostgreSQL backend with a health check that needs no round trip
# (portal/lib/postgresql/base.py).
POSTGRESQL_ENGINE = "portal.lib.postgresql"

# The methods below are named after the types they return, so annotations
# use these aliases (inside the class, ``str`` would name the method).
Text = str

# The embedded SQLite (``make run``): WAL lets readers and one writer work at
# once; IMMEDIATE transactions take the write lock at BEGIN, so concurrent
# writes (a double click, two officers) wait for each other up to ``timeout``
# seconds instead of failing with "database is locked".
SQLITE_OPTIONS: dict[str, object] = {
    "transaction_mode": "IMMEDIATE",
    "timeout": 20,
    "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL",
}

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


class Env:
    def __init__(self, environ: Mapping[Text, Text] | None = None) -> None:
        self.environ = os.environ if environ is None else environ

    def str(self, name: Text, default: Text | None = None) -> Text:
        value = self.environ.get(name)
        if value is None or value == "":
            if default is None:
                raise ImproperlyConfigured(f"{name} must be set.")
            return default
        return value

    def optional(self, name: Text) -> Text | None:
        return self.environ.get(name) or None

    def bool(self, name: Text, default: bool) -> bool:
        raw = self.environ.get(name)
        if raw is None:
            return default
        value = raw.strip().lower()
        if value in _TRUE:
            return True
        if value in _FALSE:
            return False
        raise ImproperlyConfigured(
            f"{name}={raw!r} is not a boolean; use 1/0, true/false, yes/no or on/off."
        )

    def int(self, name: Text, default: int, *, minimum: int | None = None) -> int:
        raw = self.environ.get(name)
        if raw is None or raw.strip() == "":
            return default
        try:
            value = int(raw)
        except ValueError:
            raise ImproperlyConfigured(f"{name}={raw!r} is not an integer.") from None
        if minimum is not None and value < minimum:
            raise ImproperlyConfigured(f"{name}={value} must be at least {minimum}.")
        return value

    def list(self, name: Text, default: list[Text] | None = None) -> list[Text]:
        raw = self.environ.get(name)
        if raw is None:
            return list(default or [])
        return [item.strip() for item in raw.split(",") if item.strip()]

    def choice(self, name: Text, default: Text, choices: tuple[Text, ...]) -> Text:
        value = self.str(name, default)
        if value not in choices:
            raise ImproperlyConfigured(
                f"{name}={value!r} is not one of: {', '.join(choices)}."
            )
        return value

    def database(self, name: Text, default: Text) -> dict[Text, object]:
        import dj_database_url

        url = self.str(name, default)
        try:
            # Health checks: a persistent connection that the server closed (a
            # restart, a failover, pg_terminate_backend) is replaced at the
            # start of the next request instead of failing it with a 500.
            config = dict(
                dj_database_url.parse(url, conn_max_age=60, conn_health_checks=True)
            )
        except ValueError as exc:
            raise ImproperlyConfigured(
                f"{name} is not a usable database URL: {exc}"
            ) from None
        engine = str(config.get("ENGINE", ""))
        if engine not in (
            "django.db.backends.postgresql",
            "django.db.backends.sqlite3",
        ):
            raise ImproperlyConfigured(
                f"{name} must be a postgres:// or sqlite:// URL (got {engine or url!r})."
            )
        if engine == "django.db.backends.postgresql":
            # Django's backend with a health check that needs no round trip.
            config["ENGINE"] = POSTGRESQL_ENGINE
        if engine == "django.db.backends.sqlite3":
            options: Any = config.get("OPTIONS") or {}
            config["OPTIONS"] = {**options, **SQLITE_OPTIONS}
        return config

    def redis_url(self, name: Text) -> Text | None:
        url = self.optional(name)
        if url is not None and not url.startswith(("redis://", "rediss://")):
            raise ImproperlyConfigured(
                f"{name}={url!r} must start with redis:// or rediss://."
            )
        return url
