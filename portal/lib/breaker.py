"""Circuit breakers for the Redis endpoints a request may touch.

One timeout or refused connection opens the breaker of that endpoint for
``REDIS_BREAKER_SECONDS``: while it is open, cache calls answer their
degraded value and task publishes are skipped (the periodic sweeps do the
work later) without touching the network.  Each endpoint (host and port) has
a breaker for the cache and one for the broker.  A cache failure opens both
(the Redis server is sick, and a request touches the cache first, for its
session), so a request pays for at most one short timeout, whatever it does
next; a failed publish opens only the broker's (the cache may be fine).
After the pause the next call tries again (and re-opens the breaker if Redis
is still sick).

Breakers are per process, by design: no shared state is needed to notice that
the shared state is unreachable.
"""

from __future__ import annotations

import logging
import threading
import time
from urllib.parse import urlsplit

from django.conf import settings

logger = logging.getLogger(__name__)


class Breaker:
    def __init__(self, name: str) -> None:
        self.name = name
        self._open_until = 0.0
        self._lock = threading.Lock()

    def allows(self) -> bool:
        """True when calls may go to the endpoint (closed, or the pause is over)."""
        return time.monotonic() >= self._open_until

    def trip(self, reason: object) -> None:
        seconds = float(getattr(settings, "REDIS_BREAKER_SECONDS", 30))
        with self._lock:
            was_closed = self.allows()
            self._open_until = time.monotonic() + seconds
        if was_closed:
            logger.warning(
                "Redis at %s failed (%s); skipping it for %.0f s",
                self.name,
                reason,
                seconds,
            )

    def reset(self) -> None:
        with self._lock:
            self._open_until = 0.0


_breakers: dict[str, Breaker] = {}
_registry_lock = threading.Lock()


def endpoint(url: str) -> str:
    """``host:port`` of a redis:// URL (the key breakers share)."""
    parts = urlsplit(url)
    return f"{parts.hostname or 'localhost'}:{parts.port or 6379}"


def breaker_for(url: str, kind: str) -> Breaker:
    """The breaker of ``kind`` ("cache" or "broker") for the Redis at ``url``."""
    key = f"{kind} {endpoint(url)}"
    with _registry_lock:
        breaker = _breakers.get(key)
        if breaker is None:
            breaker = _breakers[key] = Breaker(key)
        return breaker


def reset_all() -> None:
    """Close every breaker (tests, and after a configuration change)."""
    with _registry_lock:
        for breaker in _breakers.values():
            breaker.reset()
