"""axe-core (WCAG 2.2 AA tags) on every examination page state, in Japanese
and English (QUALITY.md item 29): the queue, the case page, the request for
documents, the recommendation and its approval, and the organisation's
pages for answering a request — blank and with errors."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from review.services import examination as services
from tests.factories import (
    PASSWORD,
    ApplicationFactory,
    OrganizationFactory,
    officer,
    staff,
    totp_code,
)
from tests.review.exam_helpers import Role, claimed, open_request, proposal

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("reference_data", "private_media"),
]

AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]


def axe(page: Any, screenshot_dir: Path, name: str) -> None:
    from axe_playwright_python.sync_playwright import Axe

    page.screenshot(
        path=str(screenshot_dir / f"examination-{name}.png"), full_page=True
    )
    results = Axe().run(
        page,
        options={
            "runOnly": {"type": "tag", "values": AXE_TAGS},
            "resultTypes": ["violations"],
        },
    )
    violations = results.response["violations"]
    assert violations == [], "\n".join(
        f"{name}: {v['id']}: {v['help']} — "
        + "; ".join(n["target"][0] for n in v["nodes"][:5])
        for v in violations
    )


def new_page(browser: Any) -> tuple[Any, Any]:
    context = browser.new_context(
        locale="ja-JP", viewport={"width": 1280, "height": 900}
    )
    page = context.new_page()
    page.set_default_timeout(20_000)
    return context, page


def sign_in(page: Any, base: str, user: Any, *, reauthenticate: bool = False) -> None:
    page.goto(f"{base}/accounts/login/")
    page.fill("input[name=login]", user.username)
    page.fill("input[name=password]", PASSWORD)
    page.locator("main form button[type=submit]").first.click()
    page.wait_for_url("**/accounts/2fa/authenticate/")
    page.fill("input[name=code]", totp_code(user))
    page.locator("main form button[type=submit]").first.click()
    page.wait_for_url("**/dashboard/")
    if reauthenticate:
        page.goto(f"{base}/accounts/reauthenticate/?next=/dashboard/")
        page.fill("input[name=password]", PASSWORD)
        with page.expect_navigation():
            page.locator("main form button[type=submit]").first.click()


def submit(page: Any, scope: str = "main form.form") -> None:
    with page.expect_navigation():
        page.locator(f"{scope} button[type=submit]").last.click()


def language(page: Any, code: str) -> None:
    if code == "en":
        with page.expect_navigation():
            page.locator("button.lang-switch__button[value=en]").click()


def test_examination_pages_pass_axe(browser, live_server, screenshot_dir, tmp_path):
    base = live_server.url
    org = OrganizationFactory()
    user = staff(org, full_name="申請 花子")
    examiner = officer(Role.EXAMINER, full_name="審査 一郎")
    supervisor = officer(Role.SUPERVISOR, full_name="統括 次郎")
    examining = claimed(
        ApplicationFactory(submitted=True, organization=org, created_by=user), examiner
    )
    waiting = claimed(
        ApplicationFactory(submitted=True, organization=org, created_by=user), examiner
    )
    open_request(waiting, examiner, items=2)
    services.internal_note_add(
        application=waiting, actor=examiner, text="Check the contract."
    )
    proposed = claimed(
        ApplicationFactory(submitted=True, organization=org, created_by=user), examiner
    )
    proposal(proposed, examiner)
    ApplicationFactory(
        submitted=True, organization=org, created_by=user
    )  # an unassigned case in the queue
    bad_file = tmp_path / "notes.html"
    bad_file.write_text("<html><script>alert(1)</script></html>")

    context, page = new_page(browser)
    try:
        sign_in(page, base, examiner, reauthenticate=True)
        for code in ("ja", "en"):
            page.goto(f"{base}/office/cases/")
            language(page, code)
            axe(page, screenshot_dir, f"queue-{code}")
            page.fill("input[name=q]", "ab")
            submit(page, "main form.panel")
            axe(page, screenshot_dir, f"queue-errors-{code}")
            page.goto(f"{base}/office/cases/{waiting.code}/")
            axe(page, screenshot_dir, f"case-{code}")
            page.goto(f"{base}/office/cases/{waiting.code}/request-documents/extend/")
            axe(page, screenshot_dir, f"extend-{code}")
            submit(page)
            axe(page, screenshot_dir, f"extend-errors-{code}")
            page.goto(f"{base}/office/cases/{examining.code}/request-documents/")
            axe(page, screenshot_dir, f"request-{code}")
            page.fill("input[name=due_date]", "")
            submit(page)
            axe(page, screenshot_dir, f"request-errors-{code}")
            page.goto(f"{base}/office/cases/{examining.code}/recommend/")
            axe(page, screenshot_dir, f"recommend-{code}")
            page.check("input[name=outcome][value=deny]")
            submit(page)
            axe(page, screenshot_dir, f"recommend-errors-{code}")
    finally:
        context.close()

    context, page = new_page(browser)
    try:
        sign_in(page, base, supervisor, reauthenticate=True)
        for code in ("ja", "en"):
            page.goto(f"{base}/office/cases/{proposed.code}/approve/")
            language(page, code)
            axe(page, screenshot_dir, f"approve-{code}")
            submit(page, "section[aria-labelledby=approve-title] form")
            axe(page, screenshot_dir, f"approve-errors-{code}")
            page.goto(f"{base}/office/cases/{proposed.code}/approve/")
            submit(page, "section[aria-labelledby=send-back-title] form")
            axe(page, screenshot_dir, f"send-back-errors-{code}")
    finally:
        context.close()

    context, page = new_page(browser)
    try:
        sign_in(page, base, user)
        for code in ("ja", "en"):
            page.goto(f"{base}/dashboard/")
            language(page, code)
            axe(page, screenshot_dir, f"dashboard-requests-{code}")
            page.goto(f"{base}/applications/{waiting.code}/documents-request/")
            axe(page, screenshot_dir, f"documents-request-{code}")
            page.set_input_files("input[name=item1-upload]", str(bad_file))
            submit(page, "#item-1 form")
            axe(page, screenshot_dir, f"documents-request-errors-{code}")
            page.goto(f"{base}/applications/{waiting.code}/documents-request/send/")
            axe(page, screenshot_dir, f"documents-send-{code}")
            submit(page)
            axe(page, screenshot_dir, f"documents-send-errors-{code}")
    finally:
        context.close()
