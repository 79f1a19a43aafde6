"""axe-core (WCAG 2.2 AA tags) on every examination page state, in Japanese
and English (QUALITY.md item 29): the queue, the case page, the request for
documents, the recommendation and its approval, and the organisation's
pages for answering a request — blank and with errors."""

from __future__ import annotations

from typing import Any

import pytest

from review.services import examination as services
from tests.factories import (
    ApplicationFactory,
    OrganizationFactory,
    officer,
    staff,
)
from tests.review.exam_helpers import Role, claimed, open_request, proposal

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("reference_data", "media_root"),
]


def language(page: Any, code: str) -> None:
    if code == "en":
        with page.expect_navigation():
            page.locator("button.lang-switch__button[value=en]").click()


def test_examination_pages_pass_axe(
    browser, live_server, screenshot_dir, tmp_path, axe, sign_in, submit, new_page
):
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

    context, page = new_page()
    try:
        sign_in(page, examiner, reauthenticate=True)
        for code in ("ja", "en"):
            page.goto(f"{base}/office/cases/")
            language(page, code)
            axe(page, f"queue-{code}")
            page.fill("input[name=q]", "ab")
            submit(page, "main form.filter-bar .filter-bar__line")
            axe(page, f"queue-errors-{code}")
            page.goto(f"{base}/office/cases/{waiting.code}/")
            axe(page, f"case-{code}")
            page.goto(f"{base}/office/cases/{waiting.code}/request-documents/extend/")
            axe(page, f"extend-{code}")
            submit(page)
            axe(page, f"extend-errors-{code}")
            page.goto(f"{base}/office/cases/{examining.code}/request-documents/")
            axe(page, f"request-{code}")
            page.fill("input[name=due_date]", "")
            submit(page)
            axe(page, f"request-errors-{code}")
            page.goto(f"{base}/office/cases/{examining.code}/recommend/")
            axe(page, f"recommend-{code}")
            page.check("input[name=outcome][value=deny]")
            submit(page)
            axe(page, f"recommend-errors-{code}")
    finally:
        context.close()

    context, page = new_page()
    try:
        sign_in(page, supervisor, reauthenticate=True)
        for code in ("ja", "en"):
            page.goto(f"{base}/office/cases/{proposed.code}/approve/")
            language(page, code)
            axe(page, f"approve-{code}")
            submit(page, "section[aria-labelledby=approve-title] form")
            axe(page, f"approve-errors-{code}")
            page.goto(f"{base}/office/cases/{proposed.code}/approve/")
            submit(page, "section[aria-labelledby=send-back-title] form")
            axe(page, f"send-back-errors-{code}")
    finally:
        context.close()

    context, page = new_page()
    try:
        sign_in(page, user)
        for code in ("ja", "en"):
            page.goto(f"{base}/dashboard/")
            language(page, code)
            axe(page, f"dashboard-requests-{code}")
            page.goto(f"{base}/applications/{waiting.code}/documents-request/")
            axe(page, f"documents-request-{code}")
            page.set_input_files("input[name=item1-upload]", str(bad_file))
            submit(page, "#slot-item-1 form")
            axe(page, f"documents-request-errors-{code}")
            page.goto(f"{base}/applications/{waiting.code}/documents-request/send/")
            axe(page, f"documents-send-{code}")
            submit(page)
            axe(page, f"documents-send-errors-{code}")
    finally:
        context.close()
