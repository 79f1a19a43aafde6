from __future__ import annotations

from django.core.exceptions import ImproperlyConfigured

import pytest

from portal.lib.env import Env


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("1", True),
        ("true", True),
        ("YES", True),
        ("on", True),
        ("0", False),
        ("off", False),
    ],
)
def test_bool_accepts_common_spellings(raw, expected):
    assert Env({"X": raw}).bool("X", not expected) is expected


def test_bool_rejects_nonsense_naming_the_variable():
    with pytest.raises(
        ImproperlyConfigured, match="DJANGO_DEBUG='maybe' is not a boolean"
    ):
        Env({"DJANGO_DEBUG": "maybe"}).bool("DJANGO_DEBUG", False)


def test_int_rejects_non_integers_and_values_below_minimum():
    with pytest.raises(ImproperlyConfigured, match="SMTP_PORT='abc' is not an integer"):
        Env({"SMTP_PORT": "abc"}).int("SMTP_PORT", 587)
    with pytest.raises(ImproperlyConfigured, match="must be at least 1"):
        Env({"UPLOAD_MAX_FILE_MB": "0"}).int("UPLOAD_MAX_FILE_MB", 10, minimum=1)
    assert Env({}).int("SMTP_PORT", 587) == 587


def test_required_string_missing_raises():
    with pytest.raises(ImproperlyConfigured, match="DJANGO_SECRET_KEY must be set"):
        Env({}).str("DJANGO_SECRET_KEY")


def test_list_splits_and_trims():
    assert Env({"H": " a.jp, b.jp ,,"}).list("H") == ["a.jp", "b.jp"]


def test_database_url_parsing():
    env = Env({"DATABASE_URL": "postgres://app:pw@db.internal:5433/zairyu"})
    config = env.database("DATABASE_URL", "sqlite:///x.sqlite3")
    assert config["ENGINE"] == "portal.lib.postgresql"
    assert (config["HOST"], config["PORT"], config["NAME"]) == (
        "db.internal",
        5433,
        "zairyu",
    )
    sqlite = Env({}).database("DATABASE_URL", "sqlite:////tmp/z.sqlite3")
    assert sqlite["ENGINE"] == "django.db.backends.sqlite3"


@pytest.mark.parametrize("url", ["mysql://u@h/db", "nonsense", "ftp://x"])
def test_database_url_rejects_unsupported(url):
    with pytest.raises(ImproperlyConfigured, match="DATABASE_URL"):
        Env({"DATABASE_URL": url}).database("DATABASE_URL", "sqlite:///x")


def test_redis_url_must_be_redis():
    assert Env({}).redis_url("REDIS_URL") is None
    assert Env({"REDIS_URL": "redis://127.0.0.1:6379/0"}).redis_url("REDIS_URL")
    with pytest.raises(ImproperlyConfigured, match="must start with redis://"):
        Env({"REDIS_URL": "http://127.0.0.1"}).redis_url("REDIS_URL")


def test_choice_names_allowed_values():
    with pytest.raises(ImproperlyConfigured, match="not one of: local, s3"):
        Env({"STORAGE_BACKEND": "ftp"}).choice(
            "STORAGE_BACKEND", "local", ("local", "s3")
        )
