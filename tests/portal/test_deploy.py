from __future__ import annotations

import os
import subprocess
import sys

import pytest

from tests.conftest import ROOT


def _production_env() -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("ZAIRYU_TESTING", "DATABASE_URL", "DJANGO_ALLOW_ASYNC_UNSAFE")
    }
    env.update(
        DJANGO_DEBUG="0",
        DJANGO_ALLOWED_HOSTS="zairyu.example.jp",
        DJANGO_SECRET_KEY="a-production-like-secret-key-" + "k" * 40,
        SMTP_HOST="smtp.example.jp",
        EMAIL_MODE="smtp",
        MFA_ENCRYPTION_KEYS="cHJvZHVjdGlvbi1saWtlLWtleS0zMi1ieXRlcyEhISE=",
        # Behind the one TLS proxy of docker-compose.yml (portal.lib.checks).
        TRUSTED_PROXY_COUNT="1",
    )
    return env


def test_check_deploy_is_clean_under_production_settings():
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=_production_env(),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


@pytest.mark.parametrize(
    ("variable", "value", "message"),
    [
        ("DJANGO_SECRET_KEY", "", "DJANGO_SECRET_KEY must be set"),
        ("DJANGO_SECRET_KEY", "short", "at least 50 characters"),
        ("DJANGO_DEBUG", "perhaps", "is not a boolean"),
        ("DATABASE_URL", "mysql://x/y", "DATABASE_URL"),
        ("MFA_ENCRYPTION_KEYS", "", "MFA_ENCRYPTION_KEYS must be set"),
        ("MFA_ENCRYPTION_KEYS", "not-a-key", "key 1 is not a Fernet key"),
    ],
)
def test_production_settings_refuse_to_start_with_bad_values(variable, value, message):
    env = _production_env()
    env[variable] = value
    result = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        cwd=ROOT,
        env={**env, "DJANGO_SETTINGS_MODULE": "portal.settings"},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode != 0
    assert message in result.stderr


@pytest.mark.django_db
def test_html_responses_carry_security_headers(client):
    response = client.get("/", secure=True)
    csp = response["Content-Security-Policy"]
    for directive in (
        "object-src 'none'",
        "base-uri 'none'",
        "frame-ancestors 'none'",
        "'nonce-",
    ):
        assert directive in csp
    assert "unsafe-inline" not in csp
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    assert response["Strict-Transport-Security"].startswith(
        "max-age=31536000; includeSubDomains"
    )
    assert response["X-Request-ID"]


@pytest.mark.django_db
def test_cookies_are_secure_httponly_and_samesite(client):
    from django.conf import settings

    assert (
        settings.SESSION_COOKIE_HTTPONLY and settings.SESSION_COOKIE_SAMESITE == "Lax"
    )
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            "import django; django.setup(); from django.conf import settings as s; "
            "print(s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SECURE_SSL_REDIRECT)",
        ],
        cwd=ROOT,
        env={**_production_env(), "DJANGO_SETTINGS_MODULE": "portal.settings"},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.stdout.split() == ["True", "True", "True"], result.stderr


@pytest.mark.django_db
def test_500_page_is_friendly_and_shows_the_request_id(client, settings):
    from django.urls import path

    def boom(request):
        raise RuntimeError("secret internals")

    import portal.urls

    settings.DEBUG = False
    settings.TRUSTED_PROXY_COUNT = 1  # the id comes from the trusted proxy
    client.raise_request_exception = False
    portal.urls.urlpatterns.append(path("__boom__/", boom))
    try:
        response = client.get("/__boom__/", HTTP_X_REQUEST_ID="req-test-12345")
    finally:
        portal.urls.urlpatterns.pop()
    assert response.status_code == 500
    body = response.content.decode()
    assert "req-test-12345" in body
    assert "secret internals" not in body and "Traceback" not in body


@pytest.mark.django_db
def test_healthz_checks_database_and_cache(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "cache": "ok"}


def _dead_redis_cache(settings) -> None:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    settings.CACHES = {
        "default": {
            "BACKEND": "portal.lib.cache.ResilientRedisCache",
            "LOCATION": f"redis://127.0.0.1:{port}/0",
            "OPTIONS": {"socket_timeout": 0.5, "socket_connect_timeout": 0.5},
        }
    }


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/readyz", "/healthz"])
def test_readiness_with_redis_down_is_degraded_but_200(client, settings, path):
    _dead_redis_cache(settings)
    response = client.get(path)
    assert response.status_code == 200
    assert response.json() == {
        "status": "degraded",
        "database": "ok",
        "cache": "degraded",
    }


@pytest.mark.django_db
def test_readiness_needs_the_database_and_liveness_does_not(client, monkeypatch):
    from django.db import OperationalError, connection

    def no_database(*args, **kwargs):
        raise OperationalError("database unavailable")

    monkeypatch.setattr(connection, "cursor", no_database)
    ready = client.get("/readyz")
    assert ready.status_code == 503
    assert ready.json()["status"] == "error" and ready.json()["database"] == "error"
    live = client.get("/livez")
    assert live.status_code == 200 and live.json() == {"status": "alive"}
