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
