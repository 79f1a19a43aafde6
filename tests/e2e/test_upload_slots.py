"""Uploading in Chromium: several files to one slot at once, the page coming
back at the slot with each file's result, warning or error beside it, the
photo's thumbnail, the busy button (a double click sends once), and the same
upload without JavaScript.  Screenshots in Japanese and English at 390 and
1280 px; axe-core checks each state and the phone width must not overflow."""

from __future__ import annotations

from django.apps import apps

import pytest

from applications.models import ApplicationDocument
from applications.reference_data import load_document_slots
from tests.applications import filing_data as fd
from tests.factories import OrganizationFactory, staff

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def document_slots(reference_data):
    load_document_slots(apps)


@pytest.fixture
def files(tmp_path):
    """The files a user picks: a photo, a coarse scan, a sharp PDF, a program."""
    paths = {
        "photo": tmp_path / "photo.png",
        "small": tmp_path / "small-scan.png",
        "pdf": tmp_path / "certificate.pdf",
        "program": tmp_path / "tax.pdf",
        "wide": tmp_path / "holiday.png",
    }
    paths["photo"].write_bytes(fd.image_bytes(300, 400))
    paths["small"].write_bytes(fd.image_bytes(600, 800))
    paths["pdf"].write_bytes(fd.text_pdf_bytes())
    paths["program"].write_bytes(b"MZ\x90\x00" + b"\x00" * 500)
    paths["wide"].write_bytes(fd.image_bytes(800, 600))
    return paths


@pytest.fixture
def draft_url(live_server, document_slots):
    org = OrganizationFactory(category=3)
    user = staff(org, full_name="佐藤 花子")
    application = fd.draft(user, fd.person(org))
    return user, f"{live_server.url}/applications/drafts/{application.code}/documents/"


def slot(page, code: str):
    return page.locator(f"#slot-{code}")


def upload(page, code: str, *paths) -> None:
    page.set_input_files(f"#id_{code}-upload", [str(p) for p in paths])
    with page.expect_navigation():
        slot(page, code).locator("button[type=submit]").last.click()


def no_horizontal_overflow(page) -> None:
    overflow = page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0, f"the page scrolls sideways by {overflow}px"


@pytest.mark.parametrize("width", [390, 1280])
@pytest.mark.parametrize("language", ["ja", "en"])
def test_results_warnings_and_the_thumbnail_sit_at_their_slot(
    page, draft_url, files, media_root, sign_in, axe, screenshot_dir, language, width
):
    user, url = draft_url
    page.set_viewport_size({"width": width, "height": 900})
    sign_in(page, user)
    if language == "en":
        with page.expect_navigation():
            page.locator("button[name=language][value=en]").click()
    page.goto(url)
    name = f"{language}-{width}"

    # A photo: the page comes back at its slot, with the thumbnail.
    upload(page, "photo", files["photo"])
    assert page.url.endswith("#slot-photo")
    thumb = slot(page, "photo").locator("img.upload-thumb")
    assert thumb.evaluate("img => img.complete && img.naturalWidth") == 300
    assert slot(page, "photo").locator(".banner--success").is_visible()

    # Three files at once: one kept, one kept with a warning, one refused.
    upload(page, "tax_certificates", files["pdf"], files["small"], files["program"])
    assert page.url.endswith("#slot-tax_certificates")
    tax = slot(page, "tax_certificates")
    assert tax.locator(".banner--success").count() == 1
    assert tax.locator(".banner--warning").count() == 1
    assert tax.locator(".banner--error").count() == 1
    assert "tax.pdf" in tax.locator(".banner--error").inner_text()
    assert ApplicationDocument.objects.count() == 3
    # The page stayed where the user was: the slot is in view.
    assert tax.evaluate("el => el.getBoundingClientRect().top < window.innerHeight")
    no_horizontal_overflow(page)
    axe(page, f"results-{name}")
    tax.screenshot(path=str(screenshot_dir / f"upload-slots-tax-{name}.png"))
    slot(page, "photo").screenshot(
        path=str(screenshot_dir / f"upload-slots-photo-{name}.png")
    )

    # A refused photo: the page comes back at the slot with the error there.
    upload(page, "photo", files["wide"])
    assert page.url.endswith("#slot-photo")
    error = slot(page, "photo").locator(".error-message")
    assert error.is_visible()
    assert "holiday.png" in error.inner_text()
    assert slot(page, "photo").evaluate(
        "el => el.getBoundingClientRect().top < window.innerHeight"
    )
    no_horizontal_overflow(page)
    axe(page, f"photo-error-{name}")
    slot(page, "photo").screenshot(
        path=str(screenshot_dir / f"upload-slots-photo-error-{name}.png")
    )


def test_the_busy_button_sends_a_double_click_once(
    page, draft_url, files, media_root, sign_in
):
    user, url = draft_url
    sign_in(page, user)
    page.goto(url)
    posts = []
    page.on("request", lambda r: posts.append(r.url) if r.method == "POST" else None)
    # Record the button as it is just after the click (the page then leaves).
    page.evaluate(
        """() => document.addEventListener("submit", (event) => {
            const button = event.submitter;
            setTimeout(() => sessionStorage.setItem("busy", JSON.stringify({
                disabled: button.disabled,
                busy: button.getAttribute("aria-busy"),
                label: button.textContent.trim(),
            })), 20);
        })"""
    )
    page.set_input_files("#id_tax_certificates-upload", str(files["pdf"]))
    with page.expect_navigation():
        slot(page, "tax_certificates").locator("button[type=submit]").dblclick()
    page.wait_for_load_state()
    assert len(posts) == 1
    assert ApplicationDocument.objects.count() == 1
    state = page.evaluate("JSON.parse(sessionStorage.getItem('busy'))")
    assert state == {"disabled": True, "busy": "true", "label": "アップロード中…"}
    # The new page's button is ready again.
    button = slot(page, "tax_certificates").locator("button[type=submit]").last
    assert button.is_enabled()
    assert button.get_attribute("aria-busy") is None


def test_a_second_submit_of_a_busy_form_is_stopped(
    page, draft_url, media_root, sign_in
):
    """The guard itself, without racing the network: the page's own submit
    listener must stop the second submit of a form that is already sending
    (a double click or Enter pressed twice). A listener on ``window`` runs
    after the portal's listener on ``document``, counts the submits that got
    through and keeps the page from leaving."""
    user, url = draft_url
    sign_in(page, user)
    page.goto(url)
    passed = page.evaluate(
        """() => {
            let passed = 0;
            window.addEventListener("submit", (event) => {
                if (!event.defaultPrevented) passed += 1;
                event.preventDefault();
            });
            const form = document.querySelector("main form[method='post']");
            form.requestSubmit();
            form.requestSubmit();
            return passed;
        }"""
    )
    assert passed == 1


def test_uploading_works_without_javascript(
    browser, draft_url, files, media_root, live_server
):
    from tests.factories import PASSWORD, fresh_totp_code

    user, url = draft_url
    context = browser.new_context(locale="ja-JP", java_script_enabled=False)
    page = context.new_page()
    try:
        page.goto(f"{live_server.url}/accounts/login/")
        page.fill("input[name=login]", user.username)
        page.fill("input[name=password]", PASSWORD)
        with page.expect_navigation():
            page.locator("main form button[type=submit]").first.click()
        page.fill("input[name=code]", fresh_totp_code(user))
        with page.expect_navigation():
            page.locator("main form button[type=submit]").first.click()
        page.goto(url)
        upload(page, "tax_certificates", files["pdf"], files["small"])
        assert page.url.endswith("#slot-tax_certificates")
        assert ApplicationDocument.objects.count() == 2
        assert slot(page, "tax_certificates").locator(".banner--warning").count() == 1
    finally:
        context.close()
