"""From examination to the card in the foreign national's hands, in Chromium:
the examiner claims the case and requests documents; the organisation's user
uploads and sends them; the examiner recommends a grant; a supervisor
approves it (re-authenticating); the user declares what they send; the clerk
records the stamps (re-authenticating), the current card's arrival, issues
the new card and dispatches it with a tracking number; the user records the
handover.  Then axe-core on every issuance and public page state, in
Japanese and English."""

from __future__ import annotations

import re
from datetime import timedelta

from django.utils import timezone

import pytest

from accounts.models import OfficerRole
from applications.workflow import Status
from review.models import Dispatch, Payment, ResidenceCard
from review.services.issuance import card_receipt_record
from tests.factories import (
    PASSWORD,
    ApplicationFactory,
    OrganizationFactory,
    officer,
    pdf_bytes,
    staff,
)
from tests.review.issuance_helpers import decided, walk_to

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def reauthenticate_if_asked(page) -> None:
    if "/accounts/reauthenticate/" in page.url:
        page.fill("input[name=password]", PASSWORD)
        with page.expect_navigation():
            page.locator("main form button[type=submit]").first.click()


def status_of(application) -> str:
    application.refresh_from_db()
    return application.status


def test_examination_to_handover_in_chromium(
    browser,
    live_server,
    screenshot_dir,
    reference_data,
    eager_celery,
    media_root,
    tmp_path,
    shot,
    sign_in,
    submit,
    new_page,
):
    base = live_server.url
    org = OrganizationFactory()
    user = staff(org, full_name="申請 花子")
    application = ApplicationFactory(
        submitted=True, organization=org, created_by=user
    )  # an extension with a multiple re-entry permit
    code = application.code
    examiner = officer(OfficerRole.Role.EXAMINER, full_name="審査 一郎")
    supervisor = officer(OfficerRole.Role.SUPERVISOR, full_name="統括 次郎")
    clerk = officer(OfficerRole.Role.CLERK, full_name="交付 三郎")
    upload = tmp_path / "tax-certificate.pdf"
    upload.write_bytes(pdf_bytes())

    examiner_context, desk = new_page()
    user_context, home = new_page()
    try:
        # --- The examiner claims the case and requests documents ------------------------------
        sign_in(desk, examiner)
        desk.goto(f"{base}/office/cases/{code}/")
        with desk.expect_navigation():
            desk.locator(f"form[action$='/office/cases/{code}/claim/'] button").click()
        assert status_of(application) == Status.EXAMINING
        desk.goto(f"{base}/office/cases/{code}/request-documents/")
        desk.fill("textarea[name=item_1_text]", "Certificate of tax payment for 2025")
        due = timezone.localdate() + timedelta(days=14)
        desk.fill("input[name=due_date]", due.isoformat())
        submit(desk)
        reauthenticate_if_asked(desk)
        shot(desk, "01-documents-requested")
        assert status_of(application) == Status.AWAITING_DOCUMENTS

        # --- The user uploads and sends the answer -------------------------------------------------
        sign_in(home, user)
        home.goto(f"{base}/applications/{code}/documents-request/")
        home.set_input_files("input[name=item1-upload]", str(upload))
        with home.expect_navigation():
            home.locator("#slot-item-1 form button[type=submit]").click()
        shot(home, "02-uploaded")
        home.goto(f"{base}/applications/{code}/documents-request/send/")
        submit(home)
        assert status_of(application) == Status.EXAMINING

        # --- The examiner recommends a grant ------------------------------------------------------
        desk.goto(f"{base}/office/cases/{code}/recommend/")
        desk.check("input[name=outcome][value=grant]")
        desk.locator("input[name=period]").first.check()
        if desk.locator("input[name=reentry_until]").count():
            until = application.foreign_national.period_expiry - timedelta(days=1)
            desk.fill("input[name=reentry_until]", until.isoformat())
        shot(desk, "03-recommend")
        submit(desk)
        reauthenticate_if_asked(desk)
        assert status_of(application) == Status.DECISION_PROPOSED
    finally:
        examiner_context.close()

    # --- A supervisor approves (re-authenticating) ------------------------------------------------
    supervisor_context, boss = new_page()
    try:
        sign_in(boss, supervisor)
        boss.goto(f"{base}/office/cases/{code}/approve/")
        boss.check("input[name=confirm]")
        with boss.expect_navigation():
            boss.locator(
                "section[aria-labelledby=approve-title] button[type=submit]"
            ).click()
        assert "/accounts/reauthenticate/" in boss.url
        reauthenticate_if_asked(boss)
        shot(boss, "04-approved")
    finally:
        supervisor_context.close()
    assert status_of(application) == Status.GRANTED
    payment = Payment.objects.get(application=application)
    due = payment.amount_due
    assert due == 5500 + 6500

    # --- The user sees the fee and declares what they send --------------------------------------
    try:
        home.goto(f"{base}/issuance/{code}/")
        assert f"{due:,}" in home.content()
        home.check("input[name=return_method][value=letter_pack]")
        home.check("input[name=current_card_sent]")
        shot(home, "05-fee-and-declaration")
        submit(home)
        payment.refresh_from_db()
        assert payment.return_method == "letter_pack"

        # --- The clerk: stamps, the current card, issue, dispatch ----------------------------------
        clerk_context, counter = new_page()
        try:
            sign_in(counter, clerk)
            counter.goto(f"{base}/office/cases/{code}/issuance/")
            shot(counter, "06-issuance")
            counter.locator(
                f".checklist a[href$='/office/cases/{code}/issuance/stamps/']"
            ).click()
            counter.wait_for_url("**/issuance/stamps/")
            counter.fill("input[name=amount]", str(due - 500))
            submit(counter)
            reauthenticate_if_asked(counter)
            assert "500" in counter.locator(".error-summary").inner_text()
            shot(counter, "07-stamps-short")
            counter.fill("input[name=amount]", f"{due:,}")
            submit(counter)
            assert status_of(application) == Status.FEE_PAID
            with counter.expect_navigation():
                counter.locator(
                    f".checklist form[action$='/office/cases/{code}/issuance/card-received/'] button"
                ).click()
            counter.locator(
                f".checklist a[href$='/office/cases/{code}/issuance/issue/']"
            ).click()
            counter.wait_for_url("**/issuance/issue/")
            shot(counter, "08-issue")
            submit(counter)
            assert status_of(application) == Status.ISSUED
            card = ResidenceCard.objects.get(application=application)
            assert re.fullmatch(r"[A-Z]{2}\d{8}[A-Z]{2}", card.number)
            assert card.number in counter.content()
            counter.locator(
                f".checklist a[href$='/office/cases/{code}/issuance/dispatch/']"
            ).click()
            counter.wait_for_url("**/issuance/dispatch/")
            counter.check("input[name=method][value=letter_pack]")
            counter.fill("input[name=tracking_number]", "1234-5678")
            submit(counter)
            assert "13" in counter.locator(".error-summary").inner_text()
            counter.fill("input[name=tracking_number]", "1234-5678-9012")
            submit(counter)
            shot(counter, "09-dispatched")
        finally:
            clerk_context.close()
        assert status_of(application) == Status.DISPATCHED
        assert (
            Dispatch.objects.get(application=application).tracking_number
            == "123456789012"
        )

        # --- The user records the handover -------------------------------------------------------------
        home.goto(f"{base}/issuance/{code}/")
        assert "123456789012" in home.content()
        home.locator(f"a[href$='/issuance/{code}/handover/']").click()
        home.wait_for_url("**/handover/")
        home.check("input[name=confirm]")
        submit(home)
        shot(home, "10-completed")
    finally:
        user_context.close()
    assert status_of(application) == Status.COMPLETED


# --- axe-core on the issuance and public pages -----------------------------------------------------


def to_english(page) -> None:
    with page.expect_navigation():
        page.locator("button.lang-switch__button[value=en]").click()


def test_issuance_and_public_pages_pass_axe(
    browser,
    live_server,
    screenshot_dir,
    reference_data,
    media_root,
    axe,
    sign_in,
    submit,
    new_page,
):
    base = live_server.url
    org = OrganizationFactory()
    user = staff(org, full_name="申請 花子")
    clerk = officer(OfficerRole.Role.CLERK)
    granted = decided(org, user)
    issued = walk_to(decided(org, user), Status.ISSUED, actor=clerk, user=user)
    dispatched = walk_to(decided(org, user), Status.DISPATCHED, actor=clerk, user=user)
    ready = walk_to(decided(org, user), Status.FEE_PAID, actor=clerk, user=user)
    card_receipt_record(application=ready, actor=clerk)

    context, page = new_page()
    try:
        for language in ("ja", "en"):
            page.goto(f"{base}/verify/")
            if language == "en":
                to_english(page)
            axe(page, f"verify-{language}")
            page.fill("input[name=code]", "12")
            submit(page)
            axe(page, f"verify-errors-{language}")
            page.fill("input[name=code]", "ABCD-2345-EFGH")
            submit(page)
            axe(page, f"verify-unknown-{language}")
            page.goto(f"{base}/processing-times/")
            axe(page, f"processing-times-{language}")
    finally:
        context.close()

    # Each person signs in once: a TOTP code cannot be used twice.
    context, page = new_page()
    try:
        sign_in(page, clerk)
        page.goto(f"{base}/accounts/reauthenticate/?next=/dashboard/")
        page.fill("input[name=password]", PASSWORD)
        with page.expect_navigation():
            page.locator("main form button[type=submit]").first.click()
        for language in ("ja", "en"):
            page.goto(f"{base}/office/cases/{granted.code}/issuance/")
            if language == "en":
                to_english(page)
            axe(page, f"clerk-granted-{language}")
            page.goto(f"{base}/office/cases/{granted.code}/issuance/stamps/")
            axe(page, f"stamps-{language}")
            page.fill("input[name=amount]", "1")
            submit(page)
            axe(page, f"stamps-errors-{language}")
            page.goto(f"{base}/office/cases/{issued.code}/issuance/dispatch/")
            axe(page, f"dispatch-{language}")
            page.check("input[name=method][value=registered_mail]")
            page.fill("input[name=tracking_number]", "12")
            submit(page)
            axe(page, f"dispatch-errors-{language}")
            page.goto(f"{base}/office/cases/{ready.code}/issuance/issue/")
            axe(page, f"issue-{language}")
            page.goto(f"{base}/office/cases/{dispatched.code}/issuance/")
            axe(page, f"clerk-dispatched-{language}")
            page.goto(f"{base}/office/processing-times/")
            axe(page, f"office-processing-times-{language}")
    finally:
        context.close()

    context, page = new_page()
    try:
        sign_in(page, user)
        for language in ("ja", "en"):
            if language == "en":
                to_english(page)
            page.goto(f"{base}/issuance/{granted.code}/")
            axe(page, f"payment-{language}")
            submit(page)  # nothing chosen
            axe(page, f"payment-errors-{language}")
            page.goto(f"{base}/payments/sandbox/{granted.code}/")
            axe(page, f"sandbox-{language}")
            page.fill("input[name=card_number]", "4000 0000 0000 0002")
            submit(page)
            axe(page, f"sandbox-declined-{language}")
            page.goto(f"{base}/issuance/{dispatched.code}/")
            axe(page, f"payment-dispatched-{language}")
            page.goto(f"{base}/issuance/{dispatched.code}/handover/")
            axe(page, f"handover-{language}")
            submit(page)
            axe(page, f"handover-errors-{language}")
    finally:
        context.close()
