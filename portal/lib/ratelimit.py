"""Counting limits in the shared cache, keyed by client address or anything else.

``client_ip`` is the address allauth's adapter derives (it knows the trusted
proxies), so the sign-in throttle and these limits count the same clients.
"""

from __future__ import annotations

import hashlib

from django.core.cache import cache
from django.http import HttpRequest

from allauth.account.adapter import get_adapter

UNKNOWN_CLIENT = "unknown"


def client_ip(request: HttpRequest) -> str:
    """The client's address; ``"unknown"`` when none can be determined (all
    such clients then share one bucket, which errs on the side of limiting)."""
    try:
        return str(get_adapter(request).get_client_ip(request)) or UNKNOWN_CLIENT
    except Exception:  # allauth raises PermissionDenied without an address
        return str(request.META.get("REMOTE_ADDR") or UNKNOWN_CLIENT)


def hashed(value: str) -> str:
    """A short stable digest for keys built from personal values (emails)."""
    return hashlib.sha256(value.lower().encode()).hexdigest()[:32]


def hit(key: str, *, limit: int, window: int) -> bool:
    """Count one event for ``key`` in a fixed window of ``window`` seconds.
    True while the count is within ``limit``, False once over it."""
    full_key = f"ratelimit:{key}"
    if cache.add(full_key, 1, window):
        return limit >= 1
    try:
        count = int(cache.incr(full_key))
    except ValueError:  # expired between add and incr
        cache.set(full_key, 1, window)
        count = 1
    return count <= limit
