"""Signing in by keyboard alone (issue 12): the username and password typed,
the code from the authenticator pasted, Enter; focus is visible at every
stop and never under a sticky element."""

from __future__ import annotations

import pytest

from tests.e2e import keyboard
from tests.factories import PASSWORD, UserFactory, fresh_totp_code

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_signing_in_with_a_pasted_code_by_keyboard_alone(page, live_server, shot):
    user = UserFactory(mfa=True, full_name="山田 花子")
    keyboard.sign_in(page, live_server.url, user, PASSWORD, fresh_totp_code(user))
    shot(page, "dashboard")
    # The dashboard, by keyboard: the first Tab reaches the skip link, which
    # is visible when focused, and Enter on it moves on to the main content.
    state = keyboard.press(page, "Tab")
    assert "skip-link" in state["classes"], keyboard.describe(state)
    keyboard.press(page, "Enter")  # focus moves to <main>, then on from there
    state = keyboard.press(page, "Tab")
    assert page.evaluate(
        "() => document.querySelector('main').contains(document.activeElement)"
    ), keyboard.describe(state)


def test_the_focus_check_fails_on_a_hidden_ring_and_under_a_sticky_header(page):
    """The checks the keyboard journeys rely on can fail: a control without a
    focus ring, and a control scrolled under a sticky header."""
    page.set_content(
        """<style>
        header { position: sticky; top: 0; height: 80px; background: #fff; }
        #plain:focus { outline: none; box-shadow: none; }
        #ringed:focus-visible { outline: 4px solid #000; }
        .spacer { height: 2000px; }
        </style>
        <header>Header</header>
        <button id="plain">No ring</button>
        <button id="ringed">Ring</button>
        <div class="spacer"></div>"""
    )
    page.keyboard.press("Tab")
    with pytest.raises(AssertionError, match="no visible focus indicator"):
        keyboard.assert_focus_visible(page)
    page.keyboard.press("Tab")
    assert keyboard.assert_focus_visible(page)["id"] == "ringed"
    # Scrolled so that the ringed button sits under the sticky header.
    page.evaluate("() => window.scrollTo(0, 60)")
    with pytest.raises(AssertionError, match="is under"):
        keyboard.assert_focus_visible(page)
