"""A Redis cache that degrades instead of failing.

The cache holds throttling counters and cached sessions; when Redis is down or
hangs, a request should still succeed rather than answer 500 or lock everyone
out: sign-in throttling fails open (logged loudly), cached sessions fall back
to the database.  One guard fails closed: the record that a TOTP code was
used (``add`` on its key answers "already there"), because accepting a
replayed code is worse than asking for the next one.
"""

from __future__ import annotations

import logging
from typing import Any

from django.core.cache.backends.redis import RedisCache

import redis

logger = logging.getLogger(__name__)


def _degrade(name: str, fallback: Any) -> Any:
    def method(self: ResilientRedisCache, *args: Any, **kwargs: Any) -> Any:
        try:
            return getattr(RedisCache, name)(self, *args, **kwargs)
        except redis.RedisError as exc:
            logger.warning("cache %s failed, degrading: %s", name, exc)
            return fallback(*args, **kwargs) if callable(fallback) else fallback

    method.__name__ = name
    return method


# ``add`` keys that must fail closed (see the module docstring).
FAIL_CLOSED_MARKERS = ("totp.used",)


def _add_fallback(key: str, *args: Any, **kwargs: Any) -> bool:
    return not any(marker in key for marker in FAIL_CLOSED_MARKERS)


class ResilientRedisCache(RedisCache):
    get = _degrade("get", lambda key, default=None, version=None: default)
    get_many = _degrade("get_many", {})
    has_key = _degrade("has_key", False)
    set = _degrade("set", None)
    add = _degrade("add", _add_fallback)
    touch = _degrade("touch", False)
    delete = _degrade("delete", False)
    set_many = _degrade("set_many", [])
    delete_many = _degrade("delete_many", None)
    incr = _degrade("incr", lambda key, delta=1, version=None: delta)
    clear = _degrade("clear", None)
