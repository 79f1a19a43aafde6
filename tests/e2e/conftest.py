"""The browser helpers every journey uses, written once: a media root of
its own, Celery tasks run in-process, screenshots, axe-core, signing in with
password and TOTP, pressing a form's button.  Every test in this folder is
marked ``browser`` (``make test-quick`` leaves them out)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.factories import PASSWORD, fresh_totp_code

AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]


@pytest.fixture
def media_root(settings: Any, tmp_path: Path) -> Path:
    """Uploads and generated files in the test's own directory."""
    root = tmp_path / "media"
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(root), "base_url": "/no-public-url/"},
        },
    }
    return root


@pytest.fixture
def eager_celery(settings: Any) -> Iterator[None]:
    """Tasks run in the live server's thread as they are queued."""
    from portal.celery import app as celery_app

    settings.CELERY_TASK_ALWAYS_EAGER = True
    previous = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True
    yield
    celery_app.conf.task_always_eager = previous


def _prefix(request: pytest.FixtureRequest) -> str:
    """Screenshots are named after the module: test_filing_journey.py → filing-journey-."""
    name = request.module.__name__.rsplit(".", 1)[-1].removeprefix("test_")
    return name.replace("_", "-") + "-"


@pytest.fixture
def shot(request: pytest.FixtureRequest, screenshot_dir: Path) -> Callable[..., None]:
    """``shot(page, name)``: a full-page screenshot in var/screenshots."""
    prefix = _prefix(request)

    def take(page: Any, name: str) -> None:
        page.screenshot(
            path=str(screenshot_dir / f"{prefix}{name}.png"), full_page=True
        )

    return take


def axe_violations(page: Any) -> list[dict[str, Any]]:
    """axe-core's WCAG 2.2 AA violations on the page as it is now."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(
        page,
        options={
            "runOnly": {"type": "tag", "values": AXE_TAGS},
            "resultTypes": ["violations"],
        },
    )
    return results.response["violations"]


@pytest.fixture(name="axe_violations")
def axe_violations_fixture() -> Callable[[Any], list[dict[str, Any]]]:
    """``axe_violations(page)``, for tests that collect before asserting."""
    return axe_violations


@pytest.fixture
def axe(shot: Callable[..., None]) -> Callable[..., None]:
    """``axe(page, name)``: a screenshot, then axe-core's WCAG 2.2 AA rules;
    any violation fails the test with the rule and the first elements."""

    def check(page: Any, name: str) -> None:
        shot(page, name)
        violations = axe_violations(page)
        assert violations == [], "\n".join(
            f"{name}: {v['id']}: {v['help']} — "
            + "; ".join(n["target"][0] for n in v["nodes"][:5])
            for v in violations
        )

    return check


@pytest.fixture
def sign_in(live_server: Any) -> Callable[..., None]:
    """``sign_in(page, user, reauthenticate=False)``: password and TOTP
    through the real pages, landing on the dashboard; ``reauthenticate``
    also confirms the password (for pages that ask for a recent sign-in)."""

    def sign(page: Any, user: Any, *, reauthenticate: bool = False) -> None:
        base = live_server.url
        page.goto(f"{base}/accounts/login/")
        page.fill("input[name=login]", user.username)
        page.fill("input[name=password]", PASSWORD)
        page.locator("main form button[type=submit]").first.click()
        page.wait_for_url("**/accounts/2fa/authenticate/")
        page.fill("input[name=code]", fresh_totp_code(user))
        page.locator("main form button[type=submit]").first.click()
        page.wait_for_url("**/dashboard/")
        if reauthenticate:
            page.goto(f"{base}/accounts/reauthenticate/?next=/dashboard/")
            page.fill("input[name=password]", PASSWORD)
            with page.expect_navigation():
                page.locator("main form button[type=submit]").first.click()

    return sign


def submit(
    page: Any, scope: str = "main form.form", *, navigation: bool = True
) -> None:
    """Press the last button of the page's form (and wait for the next page)."""
    button = page.locator(f"{scope} button[type=submit]").last
    if not navigation:
        button.click()
        return
    with page.expect_navigation():
        button.click()


@pytest.fixture(name="submit")
def submit_fixture() -> Callable[..., None]:
    """``submit(page, scope="main form.form", navigation=True)``."""
    return submit


@pytest.fixture
def new_page(browser: Any) -> Callable[[], tuple[Any, Any]]:
    """``context, page = new_page()``: a page in a fresh browser context (a
    second person at another desk); the test closes the context."""

    def make() -> tuple[Any, Any]:
        context = browser.new_context(
            locale="ja-JP", viewport={"width": 1280, "height": 900}
        )
        page = context.new_page()
        page.set_default_timeout(20_000)
        return context, page

    return make
