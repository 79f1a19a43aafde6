"""An officer's decision by keyboard alone (issue 12), in Chromium: the
examiner signs in, goes from the dashboard to the case and recommends a
grant, confirming the password when asked; a supervisor signs in, goes from
the dashboard's tray to the recommendation and approves it.  Only Tab,
Shift+Tab, Enter and Space, and text typed into the focused field; after
every key the focus is visible and not under a sticky element."""

from __future__ import annotations

from datetime import timedelta

import pytest

from accounts.models import OfficerRole
from applications.workflow import Status
from review.services import examination
from tests.e2e import keyboard
from tests.e2e.keyboard import press, tab_to, type_text
from tests.factories import (
    PASSWORD,
    ApplicationFactory,
    OrganizationFactory,
    fresh_totp_code,
    officer,
    staff,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def href(fragment: str):
    return lambda state: state["tag"] == "a" and fragment in state["href"]


def confirm_password(page) -> None:
    """The re-authentication prompt, by keyboard: the password, Enter."""
    assert "/accounts/reauthenticate/" in page.url, page.url
    tab_to(page, "input[name=password]")
    type_text(page, PASSWORD)
    press(page, "Enter", navigates=True)


def test_examiner_recommends_and_supervisor_approves_by_keyboard_alone(
    live_server, reference_data, eager_celery, media_root, new_page, shot
):
    base = live_server.url
    org = OrganizationFactory()
    user = staff(org, full_name="申請 花子")
    application = ApplicationFactory(submitted=True, organization=org, created_by=user)
    examiner = officer(OfficerRole.Role.EXAMINER, full_name="審査 一郎")
    supervisor = officer(OfficerRole.Role.SUPERVISOR, full_name="統括 次郎")
    examination.case_claim(application=application, actor=examiner)
    code = str(application.code)

    context, desk = new_page()
    try:
        keyboard.sign_in(desk, base, examiner, PASSWORD, fresh_totp_code(examiner))
        # The dashboard's tray of the examiner's own cases, then the case.
        shot(desk, "examiner-dashboard")
        state = tab_to(desk, href("/office/cases/?assignee=me"))
        assert state["text"].startswith("1"), keyboard.describe(state)
        press(desk, "Enter", navigates=True)
        tab_to(desk, href(f"/office/cases/{code}/"))
        press(desk, "Enter", navigates=True)
        tab_to(desk, href(f"/office/cases/{code}/recommend/"))
        press(desk, "Enter", navigates=True)
        # Grant (the first choice), the first period offered, the re-entry date.
        state = tab_to(desk, "input[name=outcome]")
        assert state["value"] == "grant", keyboard.describe(state)
        press(desk, "Space")
        state = tab_to(desk, "input[name=period]")
        press(desk, "Space")
        if desk.locator("input[name=reentry_until]").count():
            until = application.foreign_national.period_expiry - timedelta(days=1)
            tab_to(desk, "input[name=reentry_until]")
            type_text(desk, until.isoformat())
        if desk.locator("textarea[name=activity_terms]").count():
            tab_to(desk, "textarea[name=activity_terms]")
            type_text(desk, "Teaching, 28 hours a week")
        shot(desk, "recommend")
        tab_to(desk, "main form.form button[type=submit]")
        press(desk, "Enter", navigates=True)
        confirm_password(desk)
        # Back on the case, the recommendation sent.
        assert desk.url.endswith(f"/office/cases/{code}/"), desk.url
        application.refresh_from_db()
        assert application.status == Status.DECISION_PROPOSED
        shot(desk, "recommended")
    finally:
        context.close()

    context, boss = new_page()
    try:
        keyboard.sign_in(boss, base, supervisor, PASSWORD, fresh_totp_code(supervisor))
        shot(boss, "supervisor-dashboard")
        tab_to(boss, href("decision_proposed"))
        press(boss, "Enter", navigates=True)
        tab_to(boss, href(f"/office/cases/{code}/"))
        press(boss, "Enter", navigates=True)
        tab_to(boss, href(f"/office/cases/{code}/approve/"))
        press(boss, "Enter", navigates=True)
        tab_to(boss, "input[name=confirm]")
        press(boss, "Space")
        tab_to(boss, "section[aria-labelledby=approve-title] button[type=submit]")
        shot(boss, "approve")
        press(boss, "Enter", navigates=True)
        confirm_password(boss)
        assert boss.url.endswith(f"/office/cases/{code}/"), boss.url
        shot(boss, "approved")
    finally:
        context.close()
    application.refresh_from_db()
    assert application.status == Status.GRANTED
