"""Keyboard-only driving for the browser journeys (issue 12): Tab, Shift+Tab,
Enter and Space, and text typed into the focused field; nothing else.

After every key press the focused element is checked: it has a visible focus
indicator (an outline or a box-shadow of some size, in a colour that is not
transparent, around an element that has a size) and no sticky or fixed
element (other than its own ancestors) covers it.  ``tab_to`` tabs until the
focused element matches, with a bound, so a journey reads as "go to the
Save button, press Enter"."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

# What is focused, how its focus shows, and what (sticky or fixed) covers it.
_FOCUS_STATE = """() => {
  const el = document.activeElement;
  if (!el || el === document.body || el === document.documentElement) {
    return {focused: false};
  }
  const style = getComputedStyle(el);
  const transparent = (c) => !c || c === 'transparent' || /rgba\\([^)]*,\\s*0\\)$/.test(c);
  const outline = style.outlineStyle !== 'none'
    && parseFloat(style.outlineWidth) > 0 && !transparent(style.outlineColor);
  // "rgb(255, 216, 0) 0px 0px 0px 2px, ...": any shadow with blur or spread.
  const shadow = style.boxShadow !== 'none' && style.boxShadow.split(/,(?![^(]*\\))/)
    .some((one) => {
      const sizes = (one.match(/-?[\\d.]+px/g) || []).map(parseFloat);
      const colour = (one.match(/rgba?\\([^)]*\\)/) || [''])[0];
      return sizes.slice(2).some((n) => n > 0) && !transparent(colour);
    });
  const box = el.getBoundingClientRect();
  const covering = [];
  for (const other of document.querySelectorAll('body *')) {
    if (other === el || other.contains(el)) continue;
    const s = getComputedStyle(other);
    if (s.position !== 'sticky' && s.position !== 'fixed') continue;
    if (s.display === 'none' || s.visibility === 'hidden') continue;
    const r = other.getBoundingClientRect();
    if (r.width === 0 || r.height === 0) continue;
    if (r.left < box.right && box.left < r.right && r.top < box.bottom && box.top < r.bottom) {
      covering.push(other.tagName.toLowerCase() + (other.className ? '.' + other.className : ''));
    }
  }
  return {
    focused: true,
    tag: el.tagName.toLowerCase(),
    id: el.id,
    name: el.getAttribute('name') || '',
    type: el.getAttribute('type') || '',
    value: el.value === undefined ? '' : String(el.value),
    checked: !!el.checked,
    href: el.getAttribute('href') || '',
    text: (el.innerText || el.value || '').trim().replace(/\\s+/g, ' ').slice(0, 120),
    classes: el.className || '',
    outline: outline,
    shadow: shadow,
    width: box.width,
    height: box.height,
    covering: covering,
  };
}"""


def focus_state(page: Any) -> dict[str, Any]:
    """What is focused now and how (see ``_FOCUS_STATE``)."""
    return page.evaluate(_FOCUS_STATE)


def describe(state: dict[str, Any]) -> str:
    if not state.get("focused"):
        return "<nothing focused>"
    bits = [state["tag"]]
    for key in ("id", "name", "type", "href"):
        if state.get(key):
            bits.append(f"{key}={state[key]!r}")
    if state.get("text"):
        bits.append(repr(state["text"][:50]))
    return " ".join(bits)


def assert_focus_visible(page: Any, after: str = "") -> dict[str, Any]:
    """The focused element shows its focus and is not under a sticky or fixed
    element.  Returns its description."""
    state = focus_state(page)
    where = f" after {after} on {page.url}" if after else f" on {page.url}"
    assert state["focused"], "nothing is focused" + where
    if state["tag"] == "main" and state["id"] == "main":
        # The skip link's target: focus moves to the region (GOV.UK's skip
        # link pattern, no ring around the whole page); it is not a tab stop,
        # and the next Tab lands on the first control inside it.
        return state
    assert state["outline"] or state["shadow"], (
        f"no visible focus indicator on {describe(state)}{where}"
    )
    assert state["width"] > 0 and state["height"] > 0, (
        f"the focused element has no size: {describe(state)}{where}"
    )
    assert not state["covering"], (
        f"{describe(state)} is under {state['covering']}{where}"
    )
    return state


def press(page: Any, key: str, *, navigates: bool = False) -> dict[str, Any]:
    """Press one of the allowed keys (and wait for the page it opens), then
    check the focus."""
    assert key in {"Tab", "Shift+Tab", "Enter", "Space"}, key
    if navigates:
        with page.expect_navigation():
            page.keyboard.press(key)
        page.wait_for_load_state()
        # A page may open with nothing focused (the browser's default); the
        # next Tab lands on the skip link.  Only the key presses that move or
        # keep focus are checked here.
        return focus_state(page)
    page.keyboard.press(key)
    return assert_focus_visible(page, after=key)


Predicate = str | Callable[[dict[str, Any]], bool]


def _matches(page: Any, wanted: Predicate, state: dict[str, Any]) -> bool:
    if not state.get("focused"):
        return False
    if isinstance(wanted, str):
        return bool(page.evaluate("(s) => document.activeElement.matches(s)", wanted))
    return wanted(state)


def tab_to(
    page: Any, wanted: Predicate, *, backwards: bool = False, limit: int = 80
) -> dict[str, Any]:
    """Tab (or Shift+Tab) until the focused element matches ``wanted`` (a CSS
    selector or a predicate on ``focus_state``); every stop on the way must
    show its focus.  Fails after ``limit`` presses, listing where it went."""
    key = "Shift+Tab" if backwards else "Tab"
    visited: list[str] = []
    for _ in range(limit):
        try:
            state = press(page, key)
        except AssertionError as failure:
            raise AssertionError(
                f"{failure}\nwhile tabbing to {wanted!r}, after:\n" + "\n".join(visited)
            ) from None
        if _matches(page, wanted, state):
            return state
        visited.append(describe(state))
    raise AssertionError(
        f"{wanted!r} not reached in {limit} presses of {key} on {page.url}:\n"
        + "\n".join(visited)
    )


def text_is(text: str) -> Callable[[dict[str, Any]], bool]:
    """A predicate: the focused element's text (or value) contains ``text``."""
    return lambda state: text in state.get("text", "")


def type_text(page: Any, text: str) -> None:
    """Type into the focused field, as a person would."""
    page.keyboard.type(text)


def activate(page: Any, *, navigates: bool = True) -> dict[str, Any]:
    """Press Enter on the focused link or button."""
    return press(page, "Enter", navigates=navigates)


def paste(page: Any, text: str) -> None:
    """Paste ``text`` into the focused field through the clipboard (Ctrl+V),
    as from an authenticator app; where the browser refuses clipboard access,
    insert it as a paste would (one input event, no key presses)."""
    from playwright.sync_api import Error as BrowserError

    try:
        page.context.grant_permissions(["clipboard-read", "clipboard-write"])
        page.evaluate("(t) => navigator.clipboard.writeText(t)", text)
    except BrowserError:  # a browser without clipboard access
        page.keyboard.insert_text(text)
        return
    page.keyboard.press("Control+V")


def sign_in(page: Any, base_url: str, user: Any, password: str, code: str) -> None:
    """Sign in from the sign-in page by keyboard: the username and password
    typed, Enter; the code pasted, Enter; the dashboard opens."""
    page.goto(f"{base_url}/accounts/login/")
    tab_to(page, "input[name=login]")
    type_text(page, user.username)
    tab_to(page, "input[name=password]")
    type_text(page, password)
    press(page, "Enter", navigates=True)
    assert "/accounts/2fa/authenticate/" in page.url, page.url
    tab_to(page, "input[name=code]")
    paste(page, code)
    assert page.locator("input[name=code]").input_value() == code
    press(page, "Enter", navigates=True)
    assert page.url.endswith("/dashboard/"), page.url


def choose_radio(page: Any, name: str, value: str) -> dict[str, Any]:
    """Check the radio ``value`` of the group ``name``.  Tab enters a radio
    group once, at its checked radio or (none checked) its first; Space
    checks the focused radio.  Any other radio of the group is reached the
    only way browsers offer, the arrow keys (ArrowDown moves to the next
    radio and checks it): the one exception to Tab, Shift+Tab, Enter and
    Space, and only inside a radio group."""
    group = f"input[type=radio][name='{name}']"
    state = focus_state(page)
    if not _matches(page, group, state):  # not already inside the group
        state = tab_to(page, group)
    for _ in range(20):
        if state["value"] == value:
            break
        page.keyboard.press("ArrowDown")
        state = assert_focus_visible(page, after="ArrowDown")
        assert state["name"] == name, describe(state)
    assert state["value"] == value, f"radio {name}={value} not found"
    if not state["checked"]:
        state = press(page, "Space")
    return state
