"""The client's address behind the trusted reverse proxy (issue 11 item 2)."""

from __future__ import annotations

import subprocess
import sys

from django.test import RequestFactory

import pytest

from portal.audit.models import AuditEvent
from portal.lib.ratelimit import client_ip
from tests.conftest import ROOT
from tests.factories import PASSWORD, UserFactory, totp_code
from tests.portal.test_deploy import _production_env

pytestmark = pytest.mark.django_db


@pytest.fixture
def behind_one_proxy(settings):
    settings.TRUSTED_PROXY_COUNT = 1
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1


def test_the_documented_variable_configures_allauth_too():
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            "import django; django.setup(); from django.conf import settings as s; "
            "print(s.TRUSTED_PROXY_COUNT, s.ALLAUTH_TRUSTED_PROXY_COUNT)",
        ],
        cwd=ROOT,
        env={
            **_production_env(),
            "DJANGO_SETTINGS_MODULE": "portal.settings",
            "TRUSTED_PROXY_COUNT": "1",
        },
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.stdout.split() == ["1", "1"], result.stderr


def test_client_ip_is_the_address_the_proxy_appended(behind_one_proxy):
    request = RequestFactory().get(
        "/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.5"
    )
    assert client_ip(request) == "203.0.113.5"  # not the spoofed first entry


def test_without_trusted_proxies_forwarded_for_is_ignored():
    request = RequestFactory().get(
        "/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="203.0.113.5"
    )
    assert client_ip(request) == "10.0.0.2"


def test_too_short_forwarded_for_counts_the_peer_and_does_not_fail(client, settings):
    settings.TRUSTED_PROXY_COUNT = settings.ALLAUTH_TRUSTED_PROXY_COUNT = 2
    response = client.post(
        "/accounts/login/",
        {"login": "nobody", "password": "whatever-password"},
        HTTP_X_FORWARDED_FOR="203.0.113.5",
    )
    assert response.status_code == 200


def test_one_address_over_its_limit_does_not_lock_out_others(
    client, settings, behind_one_proxy
):
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "login": "3/m/ip"}

    def attempt(address: str) -> int:
        return client.post(
            "/accounts/login/",
            {"login": "nobody", "password": "whatever-password"},
            HTTP_X_FORWARDED_FOR=address,
        ).status_code

    assert [attempt("203.0.113.5") for _ in range(4)] == [200, 200, 200, 429]
    assert attempt("198.51.100.7") == 200  # every client shares REMOTE_ADDR


def test_an_account_attacked_from_many_addresses_still_locks(client, behind_one_proxy):
    user = UserFactory(mfa=True)
    for i in range(5):
        client.post(
            "/accounts/login/",
            {"login": user.username, "password": f"wrong-{i}-password"},
            HTTP_X_FORWARDED_FOR=f"203.0.113.{i + 1}",
        )
    response = client.post(
        "/accounts/login/",
        {"login": user.username, "password": PASSWORD},
        HTTP_X_FORWARDED_FOR="198.51.100.99",
    )
    assert b"/accounts/2fa/authenticate/" not in response.content
    assert "_auth_user_id" not in client.session


def test_the_audit_records_the_real_client_address(client, behind_one_proxy):
    user = UserFactory(mfa=True)
    client.post(
        "/accounts/login/",
        {"login": user.username, "password": PASSWORD},
        HTTP_X_FORWARDED_FOR="203.0.113.5",
    )
    client.post(
        "/accounts/2fa/authenticate/",
        {"code": totp_code(user)},
        HTTP_X_FORWARDED_FOR="203.0.113.5",
    )
    event = AuditEvent.objects.get(actor=user, action="auth.login")
    assert event.client_address == "203.0.113.5"


def test_a_clients_request_id_is_replaced_without_a_trusted_proxy(client):
    user = UserFactory(mfa=True)
    client.force_login(user)
    response = client.get("/inbox/", HTTP_X_REQUEST_ID="FORGED-by-client-00000001")
    assert response["X-Request-ID"] != "FORGED-by-client-00000001"
    assert len(response["X-Request-ID"]) == 32


def test_the_trusted_proxys_request_id_is_kept(client, behind_one_proxy):
    response = client.get(
        "/", HTTP_X_REQUEST_ID="proxy-id-00000001", HTTP_X_FORWARDED_FOR="203.0.113.5"
    )
    assert response["X-Request-ID"] == "proxy-id-00000001"


# --- Start-up refuses proxy settings that disagree (portal.lib.checks) ---------------


def _check_ids() -> set[str]:
    from portal.lib.checks import proxy_settings_agree

    return {message.id for message in proxy_settings_agree()}


def test_a_trusted_proto_header_without_a_proxy_is_refused(settings):
    settings.TRUSTED_PROXY_COUNT = 0
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    assert "zairyu.E001" in _check_ids()


def test_a_proxy_without_the_proto_header_is_refused(settings):
    settings.TRUSTED_PROXY_COUNT = 1
    settings.SECURE_PROXY_SSL_HEADER = None
    settings.SECURE_SSL_REDIRECT = True
    assert "zairyu.E002" in _check_ids()


def test_production_without_a_trusted_proxy_is_refused(settings):
    settings.DEBUG = False
    settings.SECURE_SSL_REDIRECT = True
    settings.TRUSTED_PROXY_COUNT = 0
    settings.SECURE_PROXY_SSL_HEADER = None
    assert _check_ids() == {"zairyu.E003"}


@pytest.mark.parametrize(
    ("debug", "count", "header"),
    [
        (False, 1, ("HTTP_X_FORWARDED_PROTO", "https")),  # the compose shape
        (True, 0, None),  # development, reached directly
    ],
)
def test_agreeing_proxy_settings_pass(settings, debug, count, header):
    settings.DEBUG = debug
    settings.SECURE_SSL_REDIRECT = not debug
    settings.TRUSTED_PROXY_COUNT = count
    settings.SECURE_PROXY_SSL_HEADER = header
    assert _check_ids() == set()


def _production(**extra: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=ROOT,
        env={**_production_env(), **extra},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_start_up_refuses_no_trusted_proxy_and_accepts_one():
    refused = _production(TRUSTED_PROXY_COUNT="0")
    assert refused.returncode != 0
    assert "zairyu.E003" in refused.stderr
    assert "TRUSTED_PROXY_COUNT" in refused.stderr
    accepted = _production(TRUSTED_PROXY_COUNT="1")
    assert accepted.returncode == 0, accepted.stdout + accepted.stderr


@pytest.mark.parametrize(
    ("count", "header"), [("0", "None"), ("1", "HTTP_X_FORWARDED_PROTO")]
)
def test_the_proto_header_is_trusted_exactly_behind_a_proxy(count, header):
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            "import django; django.setup(); from django.conf import settings as s; "
            "print(s.SECURE_PROXY_SSL_HEADER and s.SECURE_PROXY_SSL_HEADER[0])",
        ],
        cwd=ROOT,
        env={
            **_production_env(),
            "DJANGO_SETTINGS_MODULE": "portal.settings",
            "TRUSTED_PROXY_COUNT": count,
        },
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.stdout.strip() == header, result.stderr
