"""The portal's pages in Chromium: screenshots, axe-core, the phone width,
the skip link, the session warning dialog and the components gallery."""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from django.template.loader import render_to_string
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

import pytest

from portal.notifications.models import Notification
from tests.portal.test_pages import PASSWORD, make_user

# --- browser: screenshots and axe-core ----------------------------------------


def _sign_in(page: Any, live_server: Any, username: str) -> None:
    page.goto(live_server.url + reverse("account_login"))
    page.fill("#id_login", username)
    page.fill("#id_password", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_selector("#id_code")


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_pages_in_browser_look_right_and_pass_axe(
    page: Any, live_server: Any, screenshot_dir: Path, settings: Any, axe: Any
) -> None:
    settings.DEBUG = True  # for the demo code on the MFA step
    staff = make_user("demo-staff", full_name="Demo Staff")
    for _ in range(3):
        Notification.objects.create(recipient=staff, kind="mfa_enabled", link="/x/")
    Notification.objects.filter(pk=Notification.objects.first().pk).update(
        read_at=timezone.now()
    )
    shoot: Callable[[str], None] = lambda name: axe(page, name)  # noqa: E731

    page.goto(live_server.url + "/")
    shoot("home-ja")

    page.click("button[value=en]")
    page.wait_for_selector("html[lang=en]")
    shoot("home-en")

    page.goto(live_server.url + reverse("account_login"))
    shoot("sign-in-en")
    page.click("main button[type=submit]")  # empty form: errors
    page.wait_for_selector(".error-summary")
    assert page.title().startswith("Error: ")
    assert page.evaluate("document.activeElement.classList.contains('error-summary')")
    shoot("sign-in-errors-en")

    _sign_in(page, live_server, "demo-staff")
    assert page.locator(".demo-code").count() == 1
    shoot("mfa-code-en")
    # A code is valid for its 30-second step only: avoid reading one that is
    # about to change before the form is sent.
    if time.time() % 30 > 24:
        time.sleep(31 - time.time() % 30)
        page.reload()
    code = page.locator(".demo-code").inner_text()
    page.fill("#id_code", code)
    page.click("main button[type=submit]")
    page.wait_for_url(re.compile(r".*/dashboard/$"))
    shoot("dashboard-en")

    page.click("button[value=ja]")
    page.wait_for_selector("html[lang=ja]")
    shoot("dashboard-ja")

    page.goto(live_server.url + reverse("notifications:inbox"))
    shoot("inbox-ja")
    page.goto(live_server.url + reverse("mfa_index"))
    shoot("security-ja")
    page.goto(live_server.url + reverse("account_change_password"))
    shoot("change-password-ja")
    page.click("main button[type=submit]")
    page.wait_for_selector(".error-summary")
    shoot("change-password-errors-ja")
    page.goto(live_server.url + reverse("mfa_generate_recovery_codes"))
    shoot("recovery-codes-generate-ja")  # or the re-authentication step
    page.goto(live_server.url + reverse("account_logout"))
    shoot("sign-out-ja")
    page.click("main button[type=submit]")
    page.goto(live_server.url + reverse("account_reset_password"))
    shoot("password-reset-ja")
    page.goto(live_server.url + "/no-such-page/")
    shoot("not-found-ja")


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_totp_setup_page_in_browser(
    page: Any, live_server: Any, screenshot_dir: Path, axe: Any
) -> None:
    make_user("newcomer", totp=False)
    page.goto(live_server.url + reverse("account_login"))
    page.fill("#id_login", "newcomer")
    page.fill("#id_password", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_selector("img.qr-code")
    assert page.locator("#totp-secret").inner_text().replace(" ", "").strip()
    axe(page, "totp-setup-ja")
    page.click("main button[type=submit]")
    page.wait_for_selector(".error-summary")
    axe(page, "totp-setup-errors-ja")


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_phone_width_has_no_horizontal_scroll(
    browser: Any, live_server: Any, screenshot_dir: Path
) -> None:
    context = browser.new_context(
        locale="ja-JP", viewport={"width": 320, "height": 640}
    )
    try:
        pg = context.new_page()
        pg.goto(live_server.url + "/")
        pg.screenshot(path=str(screenshot_dir / "home-ja-320.png"), full_page=True)
        assert pg.evaluate("document.documentElement.scrollWidth <= 320")
        pg.goto(live_server.url + reverse("account_login"))
        assert pg.evaluate("document.documentElement.scrollWidth <= 320")
    finally:
        context.close()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_keyboard_skip_link_reaches_main(page: Any, live_server: Any) -> None:
    page.goto(live_server.url + "/")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.classList.contains('skip-link')")
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"


def _browser_sign_in_as(page: Any, live_server: Any, client: Client, user: Any) -> None:
    """Reuse a Django test client session in the browser (skips the UI)."""
    client.force_login(user)
    page.context.add_cookies(
        [
            {
                "name": "sessionid",
                "value": client.cookies["sessionid"].value,
                "url": live_server.url,
            }
        ]
    )


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_session_warning_dialog_offers_to_stay_signed_in(
    page: Any,
    live_server: Any,
    client: Client,
    settings: Any,
    screenshot_dir: Path,
    axe: Any,
) -> None:
    # Warn for the whole idle period, so the dialog opens at once.
    settings.SESSION_WARNING_BEFORE = settings.SESSION_IDLE_TIMEOUT
    _browser_sign_in_as(page, live_server, client, make_user("alice"))
    page.goto(live_server.url + reverse("dashboard"))
    dialog = page.locator("#session-dialog")
    dialog.wait_for(state="visible")
    assert page.evaluate("document.activeElement.hasAttribute('data-session-extend')")
    assert "minutes" in dialog.inner_text() or "分" in dialog.inner_text()
    axe(page, "session-warning-ja")
    with page.expect_response(
        lambda r: r.url.endswith(reverse("session_extend"))
    ) as info:
        page.click("[data-session-extend]")
    assert info.value.status == 200
    assert info.value.json()["authenticated"] is True


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_components_gallery_passes_axe(
    page: Any, live_server: Any, screenshot_dir: Path, axe: Any
) -> None:
    """Components no page uses yet (task list, timeline, tags, pagination,
    banners) drawn together, so their colours and markup are checked now."""
    from django.core.paginator import Paginator
    from django.test import RequestFactory

    with translation.override("en"):
        request = RequestFactory().get("/list/?status=open&page=5")
        page_obj = Paginator(range(200), 10).get_page(5)
        colours = ["blue", "grey", "green", "yellow", "orange", "red"]
        parts = [
            render_to_string(
                "components/task_list.html",
                {
                    "tasks": [
                        {
                            "name": f"Task {c}",
                            "href": "#",
                            "status": c,
                            "status_colour": c,
                        }
                        for c in colours
                    ]
                },
            ),
            render_to_string(
                "components/timeline.html",
                {
                    "events": [
                        {"title": "Submitted", "date": timezone.now(), "state": "done"},
                        {"title": "Under examination", "state": "current"},
                        {"title": "Completed", "state": "future"},
                    ]
                },
            ),
            render_to_string(
                "components/pagination.html", {"page": page_obj, "request": request}
            ),
            *(
                render_to_string(
                    "components/notification_banner.html",
                    {"type": t, "title": t.title(), "text": "Message text."},
                )
                for t in ("info", "success", "warning", "error")
            ),
            render_to_string(
                "components/summary_list.html",
                {"rows": [{"key": "Name", "value": "Tanaka", "href": "#"}]},
            ),
        ]
    assert 'href="?status=open&amp;page=4"' in parts[2]
    css = "".join(
        f'<link rel="stylesheet" href="{live_server.url}/static/css/{name}.css">'
        for name in ("tokens", "portal")
    )
    page.set_content(
        f'<!doctype html><html lang="en"><head><title>Components</title>{css}</head>'
        f'<body><main class="main"><div class="container"><h1>Components</h1>'
        f"{''.join(parts)}</div></main></body></html>",
        wait_until="load",
    )
    axe(page, "components-en")


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_session_end_takes_the_browser_to_sign_in(
    page: Any, live_server: Any, client: Client, settings: Any
) -> None:
    settings.SESSION_IDLE_TIMEOUT = 3
    _browser_sign_in_as(page, live_server, client, make_user("alice"))
    page.goto(live_server.url + reverse("notifications:inbox"))
    page.wait_for_url(re.compile(r".*/accounts/login/.*"), timeout=15_000)
    assert page.locator(".banner").count() == 1  # "you were signed out after…"
