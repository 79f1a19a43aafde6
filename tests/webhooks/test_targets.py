"""The endpoint URL guard (server-side request forgery): https to public
addresses in production, loopback only in development and tests, checked
when saved and again after resolving the name at each delivery."""

from __future__ import annotations

import socket

import pytest

from webhooks import targets
from webhooks.errors import UnsafeTarget


@pytest.fixture
def production(settings):
    settings.WEBHOOK_ALLOW_LOOPBACK = False


@pytest.mark.parametrize(
    ("url", "code"),
    [
        ("http://example.com/hook", "webhook_url_scheme"),
        ("ftp://example.com/hook", "webhook_url_scheme"),
        ("https://127.0.0.1/hook", "webhook_url_private"),
        ("https://localhost/hook", "webhook_url_private"),
        ("https://10.1.2.3/hook", "webhook_url_private"),
        ("https://192.168.0.10/hook", "webhook_url_private"),
        ("https://169.254.169.254/latest/meta-data", "webhook_url_private"),
        ("https://[::1]/hook", "webhook_url_private"),
        ("https://[::ffff:127.0.0.1]/hook", "webhook_url_private"),
        ("https://[fd00::1]/hook", "webhook_url_private"),
        ("https://user:pw@example.com/hook", "webhook_url_invalid"),
        ("https:///hook", "webhook_url_invalid"),
        ("example.com/hook", "webhook_url_invalid"),
        ("https://example.com/a b", "webhook_url_invalid"),
        ("https://example.com:99999/", "webhook_url_invalid"),
    ],
)
def test_production_refuses(production, url, code):
    with pytest.raises(UnsafeTarget) as refused:
        targets.check_url(url)
    assert refused.value.code == code


def test_production_accepts_https_to_a_public_name_or_address(production):
    assert targets.check_url("https://hooks.example.com/zairyu?x=1").hostname == (
        "hooks.example.com"
    )
    targets.check_url("https://93.184.215.14:8443/hook")


def test_production_refuses_a_name_that_resolves_to_a_private_address(
    production, monkeypatch
):
    """DNS can point a public-looking name at the internal network: the
    check after resolving refuses it (every address must be public)."""

    def fake_lookup(host, port, **kwargs):
        return [
            (socket.AF_INET, socket.SOCK_STREAM, 6, "", ("93.184.215.14", port)),
            (socket.AF_INET, socket.SOCK_STREAM, 6, "", ("10.0.0.5", port)),
        ]

    monkeypatch.setattr(socket, "getaddrinfo", fake_lookup)
    with pytest.raises(UnsafeTarget) as refused:
        targets.resolve("https://rebind.example.com/hook")
    assert refused.value.code == "webhook_url_private"


def test_resolution_pins_the_checked_address(production, monkeypatch):
    monkeypatch.setattr(
        socket,
        "getaddrinfo",
        lambda host, port, **kw: [
            (socket.AF_INET, socket.SOCK_STREAM, 6, "", ("93.184.215.14", port))
        ],
    )
    target = targets.resolve("https://hooks.example.com/a/b?c=d")
    assert (target.addresses, target.host, target.port, target.path) == (
        ("93.184.215.14",),
        "hooks.example.com",
        443,
        "/a/b?c=d",
    )
    assert target.host_header == "hooks.example.com"


def test_development_allows_loopback_over_http_but_not_other_private_ranges(settings):
    settings.WEBHOOK_ALLOW_LOOPBACK = True
    targets.check_url("http://127.0.0.1:8001/hook")
    targets.check_url("http://localhost:8001/hook")
    with pytest.raises(UnsafeTarget):
        targets.check_url("http://10.0.0.1/hook")
    with pytest.raises(UnsafeTarget):
        targets.check_url("http://example.com/hook")
    target = targets.resolve("http://127.0.0.1:8001/hook")
    assert target.host_header == "127.0.0.1:8001"
