"""The whole journey in Chromium: a requester proves their email, fills in
every step of the request with documents and the roster CSV and submits it;
a reception officer signs in with TOTP and approves it; the new user opens the
emailed set-password link, sets a password, enrols TOTP and reaches the
dashboard."""

from __future__ import annotations

import re
import time

from django.core import mail

import pytest
from allauth.mfa import app_settings as mfa_settings
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value

from accounts.models import Office, OfficerRole, User, UseRequest
from portal.notifications.services import outbox_sweep
from tests import factories
from tests.factories import (
    PASSWORD,
    Role,
    UseRequestFactory,
    fresh_totp_code,
    pdf_bytes,
    request_corporate_number,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

REQUESTER_EMAIL = "hanako.sato@example.jp"
NEW_PASSWORD = "a long and memorable passphrase"
ROSTER_CSV = (
    "family_name,given_name,name_kanji,sex,date_of_birth,nationality,"
    "status_of_residence,residence_card_number,period_expiry,planned_hire\r\n"
    "NGUYEN,VAN AN,,M,1995-04-01,VN,技術・人文知識・国際業務,AB12345678CD,2027-03-31,no\r\n"
    "SANTOS,MARIA,,F,1998-12-24,PH,,,,yes\r\n"
).encode()


def link_from_mail(to: str, pattern: str) -> str:
    """The newest link matching ``pattern`` emailed to ``to`` (sending any
    notification the relay has not sent yet)."""
    outbox_sweep()
    for message in reversed(mail.outbox):
        if message.to == [to]:
            found = re.search(r"https?://\S*" + pattern + r"\S*", message.body)
            if found:
                return found.group(0)
    raise AssertionError(f"no {pattern} link mailed to {to}")


def local(url: str, live_server) -> str:
    """The emailed URL points at PORTAL_BASE_URL; open it on the live server."""
    return re.sub(r"^https?://[^/]+", live_server.url, url)


def test_request_for_use_through_to_a_working_user_id(
    page,
    browser,
    live_server,
    screenshot_dir,
    reference_data,
    eager_celery,
    media_root,
    tmp_path,
    shot,
    submit,
    new_page,
):
    officer = factories.officer(
        Role.RECEPTION, office_code="TKY", mfa=True, full_name="受付 一郎"
    )
    corp = request_corporate_number()

    # --- The requester proves their email address ------------------------------------
    page.goto(f"{live_server.url}/request/")
    page.fill("input[name=email]", REQUESTER_EMAIL)
    submit(page, navigation=False)
    page.wait_for_url("**/request/sent/")
    page.goto(local(link_from_mail(REQUESTER_EMAIL, "/request/verify/"), live_server))
    submit(page, navigation=False)
    page.wait_for_url("**/request/mine/")
    submit(page, navigation=False)  # start a new request
    page.wait_for_url(re.compile(r".*/request/[0-9a-f-]{36}/$"))
    shot(page, "01-hub")
    code = page.url.rstrip("/").rsplit("/", 1)[-1]

    # --- Every step ---------------------------------------------------------------------------
    page.goto(f"{live_server.url}/request/{code}/category/")
    page.check("input[name=user_category][value='1']")
    submit(page, navigation=False)
    page.wait_for_url("**/organisation/")
    page.fill("input[name=org_name_ja]", "株式会社ジャーニー")
    page.fill("input[name=org_name_en]", "Journey Co., Ltd.")
    page.check("input[name=org_is_corporation][value=yes]")
    page.fill("input[name=org_corporate_number]", corp)
    page.fill(
        "input[name=org_postal_code]", "１００－０００１"
    )  # full width: normalised
    page.select_option("select[name=org_prefecture]", "13")
    page.fill("input[name=org_address]", "千代田区千代田1-1")
    page.fill("input[name=org_representative]", "代表取締役 山田 太郎")
    page.fill("input[name=org_phone]", "03-1234-5678")
    page.check("input[name=org_category][value='2']")
    shot(page, "02-organisation")
    submit(page, navigation=False)
    page.wait_for_url("**/person/")
    page.fill("input[name=full_name]", "佐藤 花子")
    page.fill("input[name=full_name_kana]", "サトウ ハナコ")
    page.fill("input[name=phone]", "090-1234-5678")
    page.fill("input[name=position]", "人事部長")
    submit(page, navigation=False)
    page.wait_for_url("**/declarations/")
    for box in page.locator("main input[type=checkbox]").all():
        box.check()
    submit(page, navigation=False)
    page.wait_for_url("**/documents/")
    pdf = tmp_path / "document.pdf"
    pdf.write_bytes(pdf_bytes())
    for slot in ("org_summary", "pledge", "registry", "category"):
        section = page.locator(f"section#slot-{slot}")
        section.locator("input[type=file]").set_input_files(str(pdf))
        section.locator("button[type=submit]").last.click()
        page.wait_for_load_state()
        assert page.locator(f"section#slot-{slot} li").count() >= 1, slot
    shot(page, "03-documents")
    page.goto(f"{live_server.url}/request/{code}/roster/")
    csv_path = tmp_path / "roster.csv"
    csv_path.write_bytes(ROSTER_CSV)
    page.set_input_files("input[name=csv_file]", str(csv_path))
    submit(page, navigation=False)
    page.wait_for_load_state()
    assert "NGUYEN" in page.content()
    page.goto(f"{live_server.url}/request/{code}/office/")
    assert page.locator("input[name=office][value=TKY]").is_checked()  # suggested
    submit(page, navigation=False)
    page.wait_for_url("**/check/")
    shot(page, "04-check-answers")
    submit(page, navigation=False)
    page.wait_for_url("**/done/")
    shot(page, "05-sent")
    r = UseRequest.objects.get(code=code)
    assert r.status == UseRequest.Status.SUBMITTED and r.reference_number
    assert r.reference_number in page.content()

    # --- Reception signs in with TOTP and approves ---------------------------------------------
    officer_context = browser.new_context(
        locale="ja-JP", viewport={"width": 1280, "height": 900}
    )
    desk = officer_context.new_page()
    desk.set_default_timeout(15_000)
    try:
        desk.goto(f"{live_server.url}/accounts/login/")
        desk.fill("input[name=login]", officer.username)
        desk.fill("input[name=password]", PASSWORD)
        desk.locator("main form button[type=submit]").first.click()
        desk.wait_for_url("**/accounts/2fa/authenticate/")
        desk.fill("input[name=code]", fresh_totp_code(officer))
        desk.locator("main form button[type=submit]").first.click()
        desk.wait_for_url("**/dashboard/")
        shot(desk, "06-officer-dashboard")
        desk.locator("#reception-panel-title ~ ul.panel__actions a").first.click()
        desk.wait_for_url("**/reception/?status=submitted")
        shot(desk, "07-queue")
        desk.get_by_role("link", name=r.reference_number).click()
        desk.wait_for_url(f"**/reception/requests/{code}/")
        shot(desk, "08-review")
        document_link = desk.locator(
            "section[aria-labelledby=section-documents] a[href*='inline=1']"
        ).first
        assert document_link.count() == 1
        desk.locator(f"a[href$='/reception/requests/{code}/decide/approve/']").click()
        desk.wait_for_url("**/decide/approve/")
        desk.check("input[name=confirm]")
        shot(desk, "09-approve-confirm")
        desk.locator("main form.form button[type=submit]").click()
        desk.wait_for_url("**/accounts/reauthenticate/**")
        shot(desk, "10-reauthenticate")
        desk.fill("input[name=password]", PASSWORD)
        desk.locator("main form button[type=submit]").first.click()
        desk.wait_for_url(f"**/reception/requests/{code}/")
        shot(desk, "11-approved")
    finally:
        officer_context.close()
    r.refresh_from_db()
    assert r.status == UseRequest.Status.APPROVED
    user = User.objects.get(pk=r.resulting_user_id)

    # --- The new user: set-password link, password, TOTP, dashboard -----------------------------
    link = link_from_mail(REQUESTER_EMAIL, "/set-password/")
    assert user.username in next(
        m.body for m in reversed(mail.outbox) if link in m.body
    )
    page.goto(local(link, live_server))
    assert user.username in page.locator("#user-id").inner_text()
    shot(page, "12-set-password")
    page.fill("input[name=password1]", NEW_PASSWORD)
    page.fill("input[name=password2]", NEW_PASSWORD)
    submit(page, navigation=False)
    page.wait_for_url("**/accounts/2fa/totp/activate/")
    shot(page, "13-enrol-totp")
    secret = re.sub(r"\s+", "", page.locator("#totp-secret").inner_text())
    counter = int(time.time()) // mfa_settings.TOTP_PERIOD
    page.fill("input[name=code]", format_hotp_value(hotp_value(secret, counter)))
    page.locator("main form button[type=submit]").last.click()
    page.wait_for_url(lambda url: "/totp/activate/" not in url)
    shot(page, "14-after-enrolment")
    page.goto(f"{live_server.url}/dashboard/")
    page.wait_for_url("**/dashboard/")
    assert user.username in page.content()
    shot(page, "15-dashboard")

    # The link is single use.
    page.goto(local(link, live_server))
    assert page.locator("main h1").count() == 1
    assert (
        "set-password" in page.url
        and page.locator("input[name=password1]").count() == 0
    )


# --- axe-core on every reception and set-password page state ----------------------------------


def test_reception_and_set_password_pages_pass_axe(
    page,
    browser,
    live_server,
    screenshot_dir,
    reference_data,
    media_root,
    axe,
    sign_in,
    new_page,
):
    from accounts import services
    from accounts.services.tokens import set_password_token_issue

    officer = factories.officer(
        Role.RECEPTION, office_code="TKY", mfa=True, full_name="受付 一郎"
    )
    # Also the Tokyo bureau's administrator: the officer roles page is checked too.
    OfficerRole.objects.create(
        user=officer,
        office=Office.objects.get(code="TKY"),
        role=OfficerRole.Role.BUREAU_ADMIN,
    )
    waiting = UseRequestFactory(submitted=True, category=User.Category.ATTORNEY)
    UseRequestFactory(status=UseRequest.Status.RETURNED)
    approved = services.use_request_approve(
        use_request=UseRequestFactory(submitted=True), actor=officer
    )
    subject = approved.resulting_user
    # A link of our own: the approval's link may already have been emailed (and
    # scrubbed from the notification) if Celery runs eagerly.
    token = set_password_token_issue(subject)
    set_password_path = f"/set-password/{token}/"
    base = live_server.url
    detail = f"{base}/reception/requests/{waiting.code}/"

    sign_in(page, officer)
    page.goto(f"{base}/accounts/reauthenticate/?next=/dashboard/")
    page.fill("input[name=password]", PASSWORD)
    page.locator("main form button[type=submit]").first.click()
    page.wait_for_url("**/dashboard/")
    for language in ("ja", "en"):
        page.goto(f"{base}/dashboard/")
        if language == "en":
            with page.expect_navigation():
                page.locator("button.lang-switch__button[value=en]").click()
            assert page.locator("html").get_attribute("lang") == "en"
        axe(page, f"dashboard-{language}")
        page.goto(f"{base}/reception/")
        axe(page, f"queue-{language}")
        page.goto(f"{base}/reception/?age=abc")
        axe(page, f"queue-errors-{language}")
        page.goto(detail)
        axe(page, f"review-{language}")
        for action in ("approve", "return", "reject"):
            page.goto(f"{detail}decide/{action}/")
            axe(page, f"decide-{action}-{language}")
            page.locator("main form.form button[type=submit]").click()
            page.wait_for_load_state()
            assert page.locator(".error-summary").count() == 1, action
            axe(page, f"decide-{action}-errors-{language}")
        page.goto(f"{base}/reception/paper/")
        axe(page, f"paper-{language}")
        page.fill("input[name=email]", "not an email")
        page.locator("main form.form button[type=submit]").click()
        page.wait_for_load_state()
        axe(page, f"paper-errors-{language}")
        page.goto(f"{base}/reception/users/")
        axe(page, f"users-{language}")
        page.goto(f"{base}/reception/users/{subject.code}/")
        axe(page, f"user-{language}")
        page.goto(f"{base}/reception/users/{subject.code}/decide/suspend/")
        axe(page, f"user-suspend-{language}")
        page.locator("main form.form button[type=submit]").click()
        page.wait_for_load_state()
        assert page.locator(".error-summary").count() == 1
        axe(page, f"user-suspend-errors-{language}")
        page.goto(f"{base}/bureau/officer-roles/")
        axe(page, f"officer-roles-{language}")
        page.locator("main form.form button[type=submit]").click()
        page.wait_for_load_state()
        assert page.locator(".error-summary").count() == 1
        axe(page, f"officer-roles-errors-{language}")

    visitor_context = browser.new_context(
        locale="ja-JP", viewport={"width": 1280, "height": 900}
    )
    visitor = visitor_context.new_page()
    try:
        for language in ("ja", "en"):
            if language == "en":
                visitor.goto(f"{base}/")
                with visitor.expect_navigation():
                    visitor.locator("button.lang-switch__button[value=en]").click()
            visitor.goto(f"{base}{set_password_path}")
            axe(visitor, f"set-password-{language}")
            visitor.fill("input[name=password1]", "short")
            visitor.fill("input[name=password2]", "other")
            visitor.locator("main form.form button[type=submit]").click()
            visitor.wait_for_load_state()
            assert visitor.locator(".error-summary").count() == 1
            assert visitor.title().startswith(("Error:", "エラー:"))
            axe(visitor, f"set-password-errors-{language}")
            visitor.goto(f"{base}/set-password/no-such-token/")
            axe(visitor, f"set-password-unknown-{language}")
    finally:
        visitor_context.close()
