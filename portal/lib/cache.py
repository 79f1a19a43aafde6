"""Caches that degrade instead of failing, and never hold the request up.

The cache holds throttling counters and cached sessions; when Redis is down or
hangs, a request should still succeed rather than answer 500 or lock everyone
out:

- every call is bounded by a short socket timeout (``REDIS_WEB_TIMEOUT_MS``)
  and, after the first failure, by the endpoint's circuit breaker
  (``portal.lib.breaker``): later calls answer their degraded value at once;
- cached sessions fall back to the database (``cached_db`` reads the database
  on a miss and its writes go to the database first);
- throttling counters (allauth's and ``portal.lib.ratelimit``'s) fall back to
  a per-process cache, so limits get looser by the number of processes
  instead of disappearing.

One record never lives in the cache: that a TOTP code was used.  allauth asks
``cache.add`` for it; these backends answer from the database instead
(``MFAAdapter.claim_totp_code``: the last used time step per authenticator),
so sign-in works while Redis is down and a replayed code is still refused, by
every process, whatever the state of Redis.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any
from urllib.parse import parse_qs

from django.core.cache.backends.locmem import LocMemCache
from django.core.cache.backends.redis import RedisCache, RedisCacheClient

import redis

from portal.lib.breaker import breaker_for

logger = logging.getLogger(__name__)

# allauth's key for "this TOTP code was used" (allauth.mfa.totp.internal.auth).
TOTP_USED_PREFIX = "allauth.mfa.totp.used?"


def claim_totp_code(key: str) -> bool:
    """Record in the database that the code in allauth's ``key`` was used;
    False when it (or a later code) already was."""
    from allauth.mfa.adapter import get_adapter

    query = parse_qs(key[len(TOTP_USED_PREFIX) :])
    try:
        user_id = int(query["user"][0])
        code = query["code"][0]
    except (KeyError, IndexError, ValueError):
        return False
    return bool(get_adapter().claim_totp_code(user_id=user_id, code=code))


class OneTimeCodesInDatabase:
    """Mixin: ``add`` of a TOTP-used key goes to the database, not the cache."""

    def add(self, key: str, *args: Any, **kwargs: Any) -> bool:
        if key.startswith(TOTP_USED_PREFIX):
            return claim_totp_code(key)
        return bool(super().add(key, *args, **kwargs))  # type: ignore[misc]


# Throttle counters (allauth's and portal.lib.ratelimit's) fall back to this
# per-process cache while Redis is unavailable: each process then enforces the
# limits on its own (looser by the number of processes, never switched off).
THROTTLE_PREFIXES = ("allauth:rl:", "ratelimit:")
_local_throttles = LocMemCache(
    "zairyu-throttles-fallback", {"OPTIONS": {"MAX_ENTRIES": 10_000}}
)


def _is_throttle(args: tuple[Any, ...]) -> bool:
    return (
        bool(args)
        and isinstance(args[0], str)
        and args[0].startswith(THROTTLE_PREFIXES)
    )


def local_throttles() -> LocMemCache:
    return _local_throttles


def _degrade(name: str, fallback: Any) -> Any:
    def method(self: ResilientRedisCache, *args: Any, **kwargs: Any) -> Any:
        breaker = breaker_for(self._location, "cache")
        if breaker.allows():
            try:
                return getattr(RedisCache, name)(self, *args, **kwargs)
            except redis.RedisError as exc:
                breaker.trip(exc)
                # The server is sick: publishing to it would wait as well.
                breaker_for(self._location, "broker").trip(exc)
                logger.warning("cache %s failed, degrading: %s", name, exc)
        if _is_throttle(args):
            return getattr(_local_throttles, name)(*args, **kwargs)
        return fallback(*args, **kwargs) if callable(fallback) else fallback

    method.__name__ = name
    return method


class ReusedClientRedisCacheClient(RedisCacheClient):
    """Django's client builds a new ``redis.Redis`` for every cache call (about
    0.1 ms of CPU: it registers some 170 response callbacks), and every
    signed-in request makes at least one call, for its session.  One
    ``redis.Redis`` per connection pool serves them all: it holds no
    connection of its own and takes one from the pool only for the length of
    a command, so it is safe to share."""

    # Django's own (private, so not in django-stubs).
    _client: type[redis.Redis]
    _get_connection_pool: Callable[[bool], redis.ConnectionPool]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._clients: dict[int, redis.Redis] = {}

    def get_client(self, key: Any = None, *, write: bool = False) -> redis.Redis:
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client


class ResilientRedisCache(RedisCache):
    def __init__(self, server: str, params: dict[str, Any]) -> None:
        super().__init__(server, params)
        self._class = ReusedClientRedisCacheClient
        self._location = server.split(",")[0] if isinstance(server, str) else server[0]

    get = _degrade("get", lambda key, default=None, version=None: default)
    get_many = _degrade("get_many", {})
    has_key = _degrade("has_key", False)
    set = _degrade("set", None)
    _add = _degrade("add", True)
    touch = _degrade("touch", False)
    delete = _degrade("delete", False)
    set_many = _degrade("set_many", [])
    delete_many = _degrade("delete_many", None)
    incr = _degrade("incr", lambda key, delta=1, version=None: delta)
    clear = _degrade("clear", None)

    def add(self, key: str, *args: Any, **kwargs: Any) -> bool:
        if key.startswith(TOTP_USED_PREFIX):
            return claim_totp_code(key)
        return bool(self._add(key, *args, **kwargs))


class LocalCache(OneTimeCodesInDatabase, LocMemCache):
    """The per-process cache of the embedded default (no Redis), with the TOTP
    replay guard in the database like the shared one."""
