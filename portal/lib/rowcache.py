"""Table rows printed once per process and remembered by what they are made of.

A list page (the office queue, an organisation's case list) prints 50 rows a
request; preparing a row (names in the page's language, dates, labels) and
printing it cost about 60 µs each, two to four milliseconds a page — the
largest part of the page's own work (README, "Performance").  A row's HTML is
a pure function of the row's values as the query returned them, of the few
values derived from the moment (days since receipt, overdue), of the page's
language, of the script prefix its links start with and of the reference
rows (application types, statuses of residence) they name.  ``RowCache`` keys the HTML on exactly that: an
unchanged case prints from memory, a changed one (any column of its row
differs) is a different key and is printed afresh.  Nothing has to be
invalidated, so nothing can go stale.

Rules for a row macro:

- Everything the row shows comes from the key's parts (``key_parts``); the
  macro must not read anything else that varies (the user, the request).
- Per-request text that a row must carry (the CSRF field of a form) is
  written as ``CSRF_MARK`` and put in by ``RowCache.body`` for each
  request; autoescaping guarantees that no value printed in a row can
  produce that mark (it starts with ``<``).

The cache is per process (no network round trip, a dict lookup a row) and
bounded: when it holds ``size`` rows (a row and its key take 2–4 KB) it
starts again.  With DEBUG on nothing is kept, so an edited template shows.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Sequence
from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.template import engines
from django.template.backends.utils import csrf_input
from django.urls import get_script_prefix
from django.utils.safestring import SafeString, mark_safe

from portal.lib.i18n import page_language

CSRF_MARK = "<!--csrf-->"


class RowCache:
    """``body(page_rows, key_parts=..., prepare=..., request=...)`` prints
    the rows of a table with the macro ``row`` of ``macro_template`` (a
    Jinja2 template holding only macros)."""

    def __init__(self, macro_template: str, *, size: int = 5_000) -> None:
        self.macro_template = macro_template
        self.size = size
        self._html: dict[Hashable, str] = {}
        self._macro: Callable[..., str] | None = None

    def _row_macro(self) -> Callable[..., str]:
        if self._macro is None or settings.DEBUG:
            env = engines["jinja2"].env  # type: ignore[attr-defined]
            self._macro = env.get_template(self.macro_template).module.row
        return self._macro

    def body(
        self,
        page_rows: Sequence[dict[str, Any]],
        *,
        key_parts: Callable[[dict[str, Any]], Hashable],
        prepare: Callable[[list[dict[str, Any]]], list[Any]],
        request: HttpRequest,
    ) -> SafeString:
        """The HTML of the rows, in order, for this request: each from memory
        where its key is known, else ``prepare`` (given the rows not printed
        yet, returning what the macro takes for each) and the macro."""
        # The URLs in a row depend on the script prefix as well.
        context = (page_language(), get_script_prefix())
        keys = [(context, key_parts(r)) for r in page_rows]
        # While developing (DEBUG) an edited template shows at once.
        memory: dict[Hashable, str] = {} if settings.DEBUG else self._html
        # This page's rows are taken out of the memory first: making room
        # for the missing ones below must not lose the ones found.
        found: dict[Hashable, str | None] = {key: memory.get(key) for key in keys}
        missing = [i for i, key in enumerate(keys) if found[key] is None]
        if missing:
            if len(memory) + len(missing) > self.size:
                memory.clear()
            macro = self._row_macro()
            prepared = prepare([page_rows[i] for i in missing])
            for i, row in zip(missing, prepared, strict=True):
                found[keys[i]] = memory[keys[i]] = str(macro(row))
        text = "".join([found[key] or "" for key in keys])
        if CSRF_MARK in text:
            text = text.replace(CSRF_MARK, str(csrf_input(request)))
        return mark_safe(text)  # noqa: S308 - every value was escaped by Jinja2
