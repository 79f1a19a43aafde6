"""A Redis cache that degrades instead of failing.

The cache holds throttling counters and cached sessions; when Redis is down or
hangs, a request should still succeed (throttling fails open, sessions fall
back to the database) rather than answer 500.  Errors are logged.
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


class ResilientRedisCache(RedisCache):
    get = _degrade("get", lambda key, default=None, version=None: default)
    get_many = _degrade("get_many", {})
    has_key = _degrade("has_key", False)
    set = _degrade("set", None)
    add = _degrade("add", False)
    touch = _degrade("touch", False)
    delete = _degrade("delete", False)
    set_many = _degrade("set_many", [])
    delete_many = _degrade("delete_many", None)
    incr = _degrade("incr", lambda key, delta=1, version=None: delta)
    clear = _degrade("clear", None)
