"""Summaries kept in the process's memory for ``LOCAL_SECONDS`` (the queue's
counts and the processing times are read on busy pages; each read of the
shared cache is a round trip)."""

from __future__ import annotations

from typing import Any

from django.core.cache import cache

import pytest

from portal.summaries import store

pytestmark = pytest.mark.django_db


def test_a_summary_is_read_from_memory_until_it_is_older_than_local_seconds(
    monkeypatch: Any,
) -> None:
    now = [1000.0]
    monkeypatch.setattr(store.time, "monotonic", lambda: now[0])
    store.put("test:figures", {"n": 1})
    calls: list[Any] = []
    real_get_many = cache.get_many
    monkeypatch.setattr(
        cache, "get_many", lambda keys: calls.append(keys) or real_get_many(keys)
    )
    assert store.get("test:figures") == {"n": 1}
    assert calls == []  # from memory: no round trip

    # Another process wrote a newer figure; this one sees it once its copy
    # is LOCAL_SECONDS old.
    cache.set(store.CACHE_PREFIX + "test:figures", {"n": 2})
    now[0] += store.LOCAL_SECONDS - 1
    assert store.get("test:figures") == {"n": 1}
    now[0] += 2
    assert store.get("test:figures") == {"n": 2}
    assert len(calls) == 1


def test_the_memory_is_bounded(monkeypatch: Any) -> None:
    monkeypatch.setattr(store, "LOCAL_LIMIT", 3)
    store.put_many({f"test:{n}": n for n in range(3)})
    store.put("test:more", 1)
    assert len(store._local) <= 3
    assert store.get("test:0") == 0  # still found, in the shared cache
