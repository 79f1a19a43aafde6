"""Where the portal may send a webhook: the guard against server-side request
forgery (an endpoint URL that points the portal's workers at its own
network, a cloud metadata address or a database port).

- Production (``WEBHOOK_ALLOW_LOOPBACK`` off): https only, and every address
  the host name resolves to must be a public one (``ipaddress.is_global``).
- Development and tests (on): loopback targets too (127.0.0.0/8, ::1,
  ``localhost``), over http or https; other private ranges stay refused.
- ``check_url`` runs when an endpoint is saved (literal addresses and
  ``localhost`` are refused at once); ``resolve`` runs before every attempt,
  and the attempt connects to the address it checked — not to a second
  lookup a rebinding DNS server could answer differently.
- No user name or password in the URL; redirects are never followed.
"""

from __future__ import annotations

import ipaddress
import socket
from dataclasses import dataclass
from urllib.parse import SplitResult, urlsplit

from django.conf import settings

from webhooks.errors import UnsafeTarget

MAX_URL_LENGTH = 500
LOOPBACK_NAMES = ("localhost", "localhost.")

type Address = ipaddress.IPv4Address | ipaddress.IPv6Address


@dataclass(frozen=True)
class Target:
    scheme: str
    host: str  # the name as written (SNI, certificate check, Host header)
    addresses: tuple[str, ...]  # the checked addresses the attempt connects to
    port: int
    path: str  # path and query

    @property
    def host_header(self) -> str:
        default = 443 if self.scheme == "https" else 80
        host = f"[{self.host}]" if ":" in self.host else self.host
        return host if self.port == default else f"{host}:{self.port}"


def _literal(host: str) -> Address | None:
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        return address.ipv4_mapped
    return address


def address_allowed(address: Address) -> bool:
    """A public unicast address; loopback too when development allows it."""
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        address = address.ipv4_mapped
    if settings.WEBHOOK_ALLOW_LOOPBACK and address.is_loopback:
        return True
    return address.is_global and not address.is_multicast


def _is_loopback_name(host: str) -> bool:
    literal = _literal(host)
    if literal is not None:
        return literal.is_loopback
    return host.lower() in LOOPBACK_NAMES or host.lower().endswith(".localhost")


def check_url(url: str) -> SplitResult:
    """The parsed URL if the portal may send to it as far as can be told
    without a DNS lookup; raises UnsafeTarget with the reason's code."""
    url = url.strip()
    if not url or len(url) > MAX_URL_LENGTH or any(c.isspace() for c in url):
        raise UnsafeTarget("webhook_url_invalid")
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        raise UnsafeTarget("webhook_url_invalid") from None
    host = parts.hostname or ""
    if parts.scheme not in ("http", "https") or not host:
        raise UnsafeTarget(
            "webhook_url_scheme" if host and parts.scheme else "webhook_url_invalid"
        )
    if parts.username is not None or parts.password is not None or parts.fragment:
        raise UnsafeTarget("webhook_url_invalid")
    if port == 0:
        raise UnsafeTarget("webhook_url_invalid")
    loopback = _is_loopback_name(host)
    if loopback and not settings.WEBHOOK_ALLOW_LOOPBACK:
        raise UnsafeTarget("webhook_url_private")
    if parts.scheme == "http" and not (loopback and settings.WEBHOOK_ALLOW_LOOPBACK):
        raise UnsafeTarget("webhook_url_scheme")
    literal = _literal(host)
    if literal is not None and not address_allowed(literal):
        raise UnsafeTarget("webhook_url_private")
    return parts


def resolve(url: str) -> Target:
    """Check ``url``, look its host up, and return the target to connect to.
    Every address the name resolves to must be allowed (a name with one
    private address among public ones is refused).  Raises UnsafeTarget."""
    parts = check_url(url)
    host = parts.hostname or ""
    port = parts.port or (443 if parts.scheme == "https" else 80)
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError):
        raise UnsafeTarget("webhook_url_unresolved") from None
    addresses = [ipaddress.ip_address(str(info[4][0]).split("%")[0]) for info in infos]
    if not addresses or not all(address_allowed(a) for a in addresses):
        raise UnsafeTarget("webhook_url_private")
    if parts.scheme == "http" and not all(a.is_loopback for a in addresses):
        raise UnsafeTarget("webhook_url_scheme")
    path = parts.path or "/"
    if parts.query:
        path = f"{path}?{parts.query}"
    return Target(
        scheme=parts.scheme,
        host=host,
        addresses=tuple(dict.fromkeys(str(a) for a in addresses)),
        port=port,
        path=path,
    )
