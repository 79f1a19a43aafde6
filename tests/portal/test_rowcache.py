"""Rows printed once per process (portal/lib/rowcache.py): only rows whose key
is new are prepared and printed, the memory is bounded, and with DEBUG on
nothing is kept.  (The pages' own tests check what the rows show: the queue's
in tests/review/test_queue.py.)"""

from __future__ import annotations

from typing import Any

from django.test import RequestFactory

import pytest

from portal.lib.rowcache import CSRF_MARK, RowCache


@pytest.fixture
def rows_cache() -> RowCache:
    cache = RowCache("unused.html", size=3)
    cache._row_macro = lambda: lambda row: f"<tr>{row}{CSRF_MARK}</tr>"  # type: ignore[method-assign]
    return cache


def _print(cache: RowCache, rows: list[dict[str, Any]], prepared: list[Any]) -> str:
    def prepare(missing: list[dict[str, Any]]) -> list[Any]:
        prepared.extend(r["n"] for r in missing)
        return [r["n"] for r in missing]

    request = RequestFactory().get("/")
    return cache.body(
        rows, key_parts=lambda r: r["n"], prepare=prepare, request=request
    )


def test_only_new_rows_are_prepared_and_each_request_gets_its_token(
    rows_cache, settings
):
    settings.DEBUG = False
    prepared: list[Any] = []
    first = _print(rows_cache, [{"n": 1}, {"n": 2}], prepared)
    second = _print(rows_cache, [{"n": 2}, {"n": 3}], prepared)
    assert prepared == [1, 2, 3]
    assert first.startswith("<tr>1<input") and CSRF_MARK not in first + second
    token = first.split('value="')[1].split('"')[0]
    assert token not in second  # masked anew for every request


def test_the_memory_is_bounded_and_debug_keeps_nothing(rows_cache, settings):
    settings.DEBUG = False
    prepared: list[Any] = []
    _print(rows_cache, [{"n": 1}, {"n": 2}, {"n": 3}], prepared)
    _print(rows_cache, [{"n": 4}], prepared)
    assert len(rows_cache._html) <= rows_cache.size
    settings.DEBUG = True
    prepared.clear()
    _print(rows_cache, [{"n": 4}], prepared)
    _print(rows_cache, [{"n": 4}], prepared)
    assert prepared == [4, 4]


def test_a_full_memory_keeps_the_rows_the_page_found(rows_cache, settings):
    """Making room for new rows must not lose the page's known ones (found
    by the review: a KeyError, a 500, each time a worker's memory filled)."""
    settings.DEBUG = False
    prepared: list[Any] = []
    _print(rows_cache, [{"n": 1}, {"n": 2}, {"n": 3}], prepared)
    html = _print(rows_cache, [{"n": 3}, {"n": 4}], prepared)
    assert html.startswith("<tr>3") and "<tr>4" in html
    assert prepared == [1, 2, 3, 4]
