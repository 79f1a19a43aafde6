"""Helpers for the phone-width tests: sessions made on the server (no
sign-in pages, no TOTP wait), and the two layout checks run in the page.

``session_key(user)`` gives the key of a signed-in session, optionally with
a fresh password confirmation (so pages that ask for re-authentication do
not); ``use_session(context, base, key, language)`` puts it and the
language cookie into a browser context.  ``layout_problems(page)`` lists
what does not fit a phone: horizontal overflow, text broken one character
per line in table cells, and Latin words broken mid-word."""

from __future__ import annotations

import time
from typing import Any

from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.utils.module_loading import import_string

PHONE = {"width": 390, "height": 844}


def session_key(
    user: Any = None, *, reauthenticated: bool = False, **values: Any
) -> str:
    """A saved session of ``user`` (signed in with password and TOTP, as the
    MFA gate and allauth record it) or, without a user, of a visitor;
    ``values`` are further session keys (a requester's proven email)."""
    from allauth.account.internal.flows.login import (
        _AUTHENTICATION_METHODS_USER_SESSION_KEY,
        AUTHENTICATION_METHODS_SESSION_KEY,
    )

    from portal.lib.middleware import MFA_OK, SESSION_LAST_SEEN, SESSION_STARTED

    store = import_string(settings.SESSION_ENGINE + ".SessionStore")()
    now = time.time()
    if user is not None:
        store[SESSION_KEY] = str(user.pk)
        store[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
        store[HASH_SESSION_KEY] = user.get_session_auth_hash()
        store[MFA_OK] = True
        # Signed in with password and TOTP; protected actions ask for the
        # password again unless the session was just re-authenticated.
        records: list[dict[str, Any]] = [
            {"method": "password", "at": now, "username": user.username},
            {"method": "mfa", "at": now, "type": "totp"},
        ]
        if reauthenticated:
            records.append({"method": "password", "at": now, "reauthenticated": True})
        store[AUTHENTICATION_METHODS_SESSION_KEY] = records
        store[_AUTHENTICATION_METHODS_USER_SESSION_KEY] = str(user.pk)
    store[SESSION_STARTED] = now
    store[SESSION_LAST_SEEN] = now
    for key, value in values.items():
        store[key] = value
    store.create()
    assert store.session_key
    return store.session_key


def use_session(context: Any, base: str, key: str | None, language: str) -> None:
    """The context speaks as the session's user in ``language`` from now on."""
    context.clear_cookies()
    cookies = [{"name": settings.LANGUAGE_COOKIE_NAME, "value": language, "url": base}]
    if key:
        cookies.append(
            {"name": settings.SESSION_COOKIE_NAME, "value": key, "url": base}
        )
    context.add_cookies(cookies)


# The checks, in the page.  Both report plain strings naming the element,
# so a failure reads as a list of what to fix.
#
# 1. Overflow.  The page must not scroll sideways (the root's scrollWidth
#    within its clientWidth), and no visible element may reach past the
#    viewport's right edge, unless it sits inside a designated scroll region:
#    an ancestor whose overflow-x is auto/scroll/hidden/clip (.table-wrap, a
#    <pre>), which itself must fit.  Inside a .table-wrap the key column (the
#    row headers, th[scope=row]) must stay whole: each of its text runs on
#    one line.  Visually hidden texts (1 px boxes) and empty boxes are
#    ignored.
#
# 2. One character per line.  Heights and widths of a cell alone mislead
#    (a cell may be tall because a neighbour wraps, or narrow because its
#    text is short), so the check measures the text itself: for every text
#    run in a th/td (a text node: separate elements or <br> lines are
#    separate runs), a Range per character gives the line box each
#    character sits on (a new line starts when a character's top is below
#    the previous line's top by more than half its height).  A run of two
#    or more visible characters that spans two or more lines with fewer
#    than two characters per line on average is text squeezed to one
#    character per line ("T/K/Y/-/2/0/2/6", "在/留/期/間").  A normally
#    wrapped sentence has many characters per line and passes.
#
# 3. Words broken mid-word (see the comment in the script).
LAYOUT_JS = r"""
() => {
  const problems = [];
  const width = document.documentElement.clientWidth;
  const describe = (el) => {
    let name = el.tagName.toLowerCase();
    if (el.id) name += "#" + el.id;
    if (el.classList.length) name += "." + [...el.classList].join(".");
    const text = (el.innerText || el.value || "").trim().replace(/\s+/g, " ").slice(0, 40);
    return text ? `${name} "${text}"` : name;
  };
  const clipping = new Map();
  const scroller = (el) => {
    // The nearest ancestor that clips or scrolls horizontally, or null.
    const chain = [];
    let found = null;
    for (let p = el.parentElement; p && p !== document.body; p = p.parentElement) {
      if (clipping.has(p)) { found = clipping.get(p); break; }
      chain.push(p);
      const ox = getComputedStyle(p).overflowX;
      if (ox !== "visible") { found = p; break; }
    }
    for (const p of chain) clipping.set(p, found === p ? p : found);
    return found;
  };
  if (document.documentElement.scrollWidth > width) {
    problems.push(`the page scrolls sideways: ${document.documentElement.scrollWidth} px wide in ${width} px`);
  }
  for (const el of document.body.querySelectorAll("*")) {
    const r = el.getBoundingClientRect();
    if (r.width <= 1 || r.height <= 1) continue;
    if (r.right <= width + 0.5) continue;
    if (scroller(el)) continue;
    const style = getComputedStyle(el);
    if (style.visibility === "hidden" || style.position === "fixed") continue;
    problems.push(`past the right edge (${Math.round(r.right)} px): ${describe(el)}`);
  }
  const lines = (node) => {
    // [visible characters, lines] of one text node.
    const range = document.createRange();
    const text = node.textContent;
    let chars = 0, count = 0, top = null;
    for (let i = 0; i < text.length; i++) {
      if (/\s/.test(text[i])) continue;
      range.setStart(node, i);
      range.setEnd(node, i + 1);
      const rect = range.getBoundingClientRect();
      if (rect.width === 0 && rect.height === 0) continue;
      chars += 1;
      if (top === null || rect.top > top + rect.height / 2) {
        count += 1;
        top = rect.top;
      }
    }
    return [chars, count];
  };
  const textNodes = (root) => {
    const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
    const found = [];
    while (walker.nextNode()) {
      if (walker.currentNode.textContent.trim()) found.push(walker.currentNode);
    }
    return found;
  };
  for (const cell of document.querySelectorAll("main td, main th")) {
    if (!cell.getClientRects().length) continue;
    const keyCell = cell.matches("th[scope=row]") && cell.closest(".table-wrap");
    for (const node of textNodes(cell)) {
      const [chars, count] = lines(node);
      if (chars >= 2 && count >= 2 && chars / count < 2) {
        problems.push(`one character per line (${chars} in ${count} lines): ${describe(cell)}`);
        break;
      }
      if (keyCell && count > 1) {
        problems.push(`the key column wraps (${count} lines): ${describe(cell)}`);
        break;
      }
    }
  }
  // 3. A Latin word broken across lines ("Recommendat|ions"): the first
  //    and last letters of each word of 2-20 letters sit on the same line.
  //    Longer runs (user IDs, URLs, compound names) may break rather than
  //    overflow, as the stylesheet allows.
  const range = document.createRange();
  const box = (node, i) => {
    range.setStart(node, i);
    range.setEnd(node, i + 1);
    return range.getBoundingClientRect();
  };
  for (const node of textNodes(document.querySelector("main") || document.body)) {
    const parent = node.parentElement;
    const outer = parent.getBoundingClientRect();
    if (outer.width <= 1 || outer.height <= 1) continue;  // visually hidden
    for (const word of node.textContent.matchAll(/[A-Za-z]{2,20}/g)) {
      const first = box(node, word.index);
      const last = box(node, word.index + word[0].length - 1);
      if (first.height === 0 || last.height === 0) continue;
      if (last.top > first.top + first.height / 2) {
        problems.push(`"${word[0]}" broken across lines: ${describe(parent)}`);
      }
    }
  }
  return problems;
}
"""


def layout_problems(page: Any) -> list[str]:
    """What does not fit the page's width (see LAYOUT_JS)."""
    return list(page.evaluate(LAYOUT_JS))
