"""Two officers' work on a phone (390 px, Chromium), from the dashboard's
work trays: the supervisor approves a recommendation (dashboard → tray →
the case → approve, confirming the password when asked), and the clerk
completes issuance from the checklist (dashboard → tray → the case → the
issuance page → each numbered step to dispatch).  Every page on the way
fits the screen; the outcomes are read from the database."""

from __future__ import annotations

from typing import Any

import pytest

from accounts.models import OfficerRole
from applications.workflow import Status
from review.models import Decision, Dispatch, Payment, ResidenceCard
from review.services import payments
from tests.e2e.phone import PHONE, layout_problems, session_key, use_session
from tests.e2e.test_review_journey import reauthenticate_if_asked, status_of
from tests.factories import ApplicationFactory, OrganizationFactory, officer, staff

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

Role = OfficerRole.Role


def fits(page: Any) -> None:
    problems = layout_problems(page)
    assert problems == [], f"{page.url}:\n" + "\n".join(problems)


def open_tray(page: Any, base: str, query: str, count: int) -> None:
    """From the dashboard, the tray whose link ends in ``query``: its count,
    then the queue it filters."""
    page.goto(f"{base}/dashboard/")
    fits(page)
    tray = page.locator(f".tray a[href$='?{query}']")
    assert tray.locator(".tray__count").inner_text() == str(count)
    with page.expect_navigation():
        tray.click()
    assert page.url.endswith(f"/office/cases/?{query}")
    fits(page)


def open_case(page: Any, application: Any) -> None:
    """The case's row in the queue (its receipt number, the key column)."""
    link = page.locator(
        "main table th[scope=row] a", has_text=application.receipt_number
    )
    assert link.is_visible()
    with page.expect_navigation():
        link.click()
    assert page.url.endswith(f"/office/cases/{application.code}/")
    fits(page)


def test_supervisor_approves_a_recommendation_from_the_tray(
    browser: Any, live_server: Any, reference_data: None, media_root: Any, shot: Any
) -> None:
    base = live_server.url
    org = OrganizationFactory()
    user = staff(org)
    examiner = officer(Role.EXAMINER, full_name="審査 一郎")
    supervisor = officer(Role.SUPERVISOR, full_name="統括 三郎")
    application = ApplicationFactory(
        organization=org, created_by=user, decision_proposed=True, examiner=examiner
    )
    ApplicationFactory(
        organization=org, created_by=user, submitted=True
    )  # not in the tray
    context = browser.new_context(locale="ja-JP", viewport=PHONE)
    try:
        use_session(context, base, session_key(supervisor), "ja")
        page = context.new_page()
        page.set_default_timeout(20_000)
        open_tray(page, base, "status=decision_proposed", 1)
        assert page.locator("main table tbody tr").count() == 1
        open_case(page, application)
        approve = page.locator(f"a[href$='/office/cases/{application.code}/approve/']")
        with page.expect_navigation():
            approve.click()
        fits(page)
        page.check("input[name=confirm]")
        with page.expect_navigation():
            page.locator(
                "section[aria-labelledby=approve-title] button[type=submit]"
            ).click()
        # Signed in an hour's worth of work ago: the approval asks for the
        # password, then completes and comes back to the case.
        assert "/accounts/reauthenticate/" in page.url
        fits(page)
        reauthenticate_if_asked(page)
        assert page.url.endswith(f"/office/cases/{application.code}/")
        fits(page)
        shot(page, "approved-390")
    finally:
        context.close()
    assert status_of(application) == Status.GRANTED
    decision = Decision.objects.get(application=application)
    assert decision.state == Decision.State.APPROVED
    assert (decision.proposed_by, decision.approved_by) == (examiner, supervisor)


def test_clerk_completes_issuance_from_the_checklist(
    browser: Any, live_server: Any, reference_data: None, media_root: Any, shot: Any
) -> None:
    base = live_server.url
    org = OrganizationFactory()
    user = staff(org)
    clerk = officer(Role.CLERK, full_name="交付 五郎")
    application = ApplicationFactory(
        organization=org, created_by=user, granted=True, clerk=clerk
    )  # an extension with a re-entry permit: the current card comes in
    payments.payment_declare(
        application=application,
        actor=user,
        return_method="letter_pack",
        current_card_sent=True,
    )
    due = Payment.objects.get(application=application).amount_due
    code = application.code
    context = browser.new_context(locale="ja-JP", viewport=PHONE)
    try:
        use_session(context, base, session_key(clerk), "ja")
        page = context.new_page()
        page.set_default_timeout(20_000)
        open_tray(page, base, "status=granted", 1)
        open_case(page, application)
        with page.expect_navigation():
            page.locator(f"a[href$='/office/cases/{code}/issuance/']").click()
        fits(page)
        steps = page.locator("ol.checklist > li")
        assert steps.count() == 4

        # 1. The fee: the revenue stamps (the password is asked once).
        with page.expect_navigation():
            steps.nth(0).locator("a").click()
        assert page.url.endswith("/issuance/stamps/")
        fits(page)
        page.fill("input[name=amount]", f"{due:,}")
        with page.expect_navigation():
            page.locator("main form.form button[type=submit]").last.click()
        assert "/accounts/reauthenticate/" in page.url
        reauthenticate_if_asked(page)
        assert status_of(application) == Status.FEE_PAID
        assert page.url.endswith(f"/office/cases/{code}/issuance/")
        fits(page)

        # 2. The current card has arrived.
        with page.expect_navigation():
            steps.nth(1).locator("button[type=submit]").click()
        assert page.url.endswith(f"/office/cases/{code}/issuance/")
        assert steps.nth(1).locator(".tag--green").count() == 1

        # 3. Issue: within the re-authentication window, no password again.
        with page.expect_navigation():
            steps.nth(2).locator("a").click()
        assert page.url.endswith("/issuance/issue/")
        fits(page)
        with page.expect_navigation():
            page.locator("main form.form button[type=submit]").last.click()
        assert "/accounts/reauthenticate/" not in page.url
        assert status_of(application) == Status.ISSUED
        fits(page)

        # 4. Dispatch, by the method the applicant chose (pre-selected).
        page.goto(f"{base}/office/cases/{code}/issuance/")
        with page.expect_navigation():
            steps.nth(3).locator("a").click()
        assert page.url.endswith("/issuance/dispatch/")
        fits(page)
        assert page.locator("input[name=method][value=letter_pack]").is_checked()
        page.fill("input[name=tracking_number]", "1234-5678-9012")
        with page.expect_navigation():
            page.locator("main form.form button[type=submit]").last.click()
        fits(page)
        shot(page, "dispatched-390")
    finally:
        context.close()
    assert status_of(application) == Status.DISPATCHED
    payment = Payment.objects.get(application=application)
    assert (payment.amount_received, payment.recorded_by) == (due, clerk)
    assert ResidenceCard.objects.filter(application=application).exists()
    dispatch = Dispatch.objects.get(application=application)
    assert (dispatch.method, dispatch.tracking_number) == (
        "letter_pack",
        "123456789012",
    )
    assert dispatch.dispatched_by == clerk
