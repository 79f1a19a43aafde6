"""Summaries: figures the worker computes and pages only read.

A read tries the process's own memory first (summaries are refreshed every
minute at most often, so a copy up to ``LOCAL_SECONDS`` old adds little to
their lag and saves the busiest pages a Redis round trip — on the benchmark
machine each round trip cost ~0.3 ms of worker CPU), then the shared cache
(one round trip for many keys), then the ``Summary`` table (one indexed
query for what the cache lacked), and puts what
it found back into the cache.  A page never recomputes a summary over
history: when Redis is down or was flushed, the table still answers, so a
cold cache costs one small query instead of a grouped scan per request
(the benchmark saw the user's case page collapse to ~2 req/s that way).
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Mapping
from typing import Any

from django.core.cache import cache
from django.utils import timezone

from portal.summaries.models import Summary

CACHE_PREFIX = "summary:"
CACHE_SECONDS = 300
LOCAL_SECONDS = 10
LOCAL_LIMIT = 1_000

# key -> (monotonic time it was read, data): the process's copies.  The data
# is shared between the requests of the process: callers must not change it.
_local: dict[str, tuple[float, Any]] = {}


def forget_local() -> None:
    """Drop the process's copies (tests; a process that must read afresh)."""
    _local.clear()


def _keep_local(items: Mapping[str, Any]) -> None:
    if len(_local) + len(items) > LOCAL_LIMIT:
        _local.clear()
    now = time.monotonic()
    for key, data in items.items():
        _local[key] = (now, data)


def put_many(items: Mapping[str, Any], *, cache_seconds: int = CACHE_SECONDS) -> None:
    """Store ``{key: json-able data}`` durably and in the cache."""
    if not items:
        return
    now = timezone.now()
    Summary.objects.bulk_create(
        [Summary(key=key, data=data, computed_at=now) for key, data in items.items()],
        update_conflicts=True,
        unique_fields=["key"],
        update_fields=["data", "computed_at"],
    )
    cache.set_many(
        {CACHE_PREFIX + key: data for key, data in items.items()}, cache_seconds
    )
    _keep_local(items)


def put(key: str, data: Any, *, cache_seconds: int = CACHE_SECONDS) -> None:
    put_many({key: data}, cache_seconds=cache_seconds)


def get_many(
    keys: Iterable[str], *, cache_seconds: int = CACHE_SECONDS
) -> dict[str, Any]:
    """The stored data of those keys that have any (a missing key is absent);
    shared with other requests of the process: read it, never change it."""
    keys = list(keys)
    if not keys:
        return {}
    fresh_after = time.monotonic() - LOCAL_SECONDS
    found = {
        key: kept[1]
        for key in keys
        if (kept := _local.get(key)) is not None and kept[0] > fresh_after
    }
    shared = [key for key in keys if key not in found]
    if not shared:
        return found
    cached = cache.get_many([CACHE_PREFIX + key for key in shared])
    from_cache = {
        key: cached[CACHE_PREFIX + key]
        for key in shared
        if CACHE_PREFIX + key in cached
    }
    missing = [key for key in shared if key not in from_cache]
    if missing:
        rows = dict(Summary.objects.filter(key__in=missing).values_list("key", "data"))
        if rows:
            cache.set_many(
                {CACHE_PREFIX + key: data for key, data in rows.items()}, cache_seconds
            )
        from_cache.update(rows)
    _keep_local(from_cache)
    found.update(from_cache)
    return found


def get(key: str, default: Any = None, *, cache_seconds: int = CACHE_SECONDS) -> Any:
    return get_many([key], cache_seconds=cache_seconds).get(key, default)
