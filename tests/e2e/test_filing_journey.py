"""Filing in Chromium: an organisation's staff member signs in with TOTP and
files an extension of period of stay with a re-entry permit, page by page,
uploading a photo and PDFs, checks the answers and the fees, declares and
sends it, and gets the receipt number; and a rule failure (a re-entry permit
valid for more than 5 years) is shown at check your answers, links to the
page that must change, is shown there at its field, and is put right.
axe-core checks each page state on the way."""

from __future__ import annotations

import re
from datetime import timedelta

from django.apps import apps
from django.utils import timezone

import pytest

from applications.models import Application
from applications.reference_data import load_document_slots
from applications.workflow import Status
from tests.applications import filing_data as fd
from tests.factories import OrganizationFactory, staff

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def document_slots(reference_data):
    """A transactional test flushes the migrations' data; the reference_data
    fixture reloads types, statuses and fees, this the document slots."""
    load_document_slots(apps)


def save(page) -> None:
    """Press the page's main button (Save and continue)."""
    page.locator("main form.form button.button[type=submit]").last.click()
    page.wait_for_load_state()


def fill_form_pages(page, application, axe=None) -> None:
    """Walk the 申請書 pages (one per section): keep what is pre-filled,
    answer what is empty with a sample answer, save; until the pages after
    them.  With ``screenshot_dir`` each page is checked with axe."""
    from applications import draft_form
    from applications.application_forms.samples import sample_value

    application.refresh_from_db()
    edition = draft_form.draft_edition(application)
    today = timezone.localdate()
    while "/form/" in page.url:
        key = page.url.split("/form/")[1].split("/")[0]
        if axe is not None:  # the axe fixture: check every page on the way
            axe(page, f"form-{key}")
        for item in edition.section(key).items:
            if item.is_group:
                if item.required is True or item.min_items:
                    for sub in item.items:
                        _answer(
                            page, f"{item.key}-0-{sub.key}", sample_value(sub, today)
                        )
                continue
            _answer(page, item.key, sample_value(item, today))
        save(page)


def _answer(page, name: str, value: object) -> None:
    """Answer one input if it is visible and unanswered."""
    inputs = page.locator(f"[name='{name}']")
    if inputs.count() == 0 or not inputs.first.is_visible():
        return
    first = inputs.first
    kind = first.get_attribute("type") or first.evaluate("e => e.tagName")
    if kind == "radio":
        if page.locator(f"[name='{name}']:checked").count():
            return
        wanted = "yes" if value is True else "no" if value is False else str(value)
        page.check(f"[name='{name}'][value='{wanted}']")
    elif kind == "SELECT":
        if not first.input_value():
            first.select_option(str(value))
    elif not first.input_value():
        first.fill(str(value))


def test_an_extension_with_a_re_entry_permit_filed_end_to_end(
    page,
    live_server,
    screenshot_dir,
    document_slots,
    media_root,
    tmp_path,
    axe,
    sign_in,
):
    org = OrganizationFactory(category=3, name_ja="株式会社さくら技研")
    user = staff(org, full_name="佐藤 花子")
    person = fd.person(org)
    photo = tmp_path / "photo.png"
    photo.write_bytes(fd.image_bytes(300, 400))
    pdf = tmp_path / "certificate.pdf"
    pdf.write_bytes(fd.pdf_bytes())

    sign_in(page, user)
    base = live_server.url

    # --- Start: the person and the type (one organisation: no question) --------------
    page.goto(f"{base}/applications/new/")
    page.wait_for_url("**/applications/new/*/")
    axe(page, "01-who")
    page.check(f"input[name=person][value='fn:{person.code}']")
    save(page)
    page.wait_for_url(f"**/applications/new/person/{person.code}/")
    page.check("input[name=application_type][value=extension]")
    page.check("input[name=companions][value=reentry]")
    axe(page, "02-type")
    save(page)
    page.wait_for_url(re.compile(r".*/applications/drafts/[0-9a-f-]{36}/$"))
    axe(page, "03-task-list")
    application = Application.objects.get(main__isnull=True)
    draft_url = f"{base}/applications/drafts/{application.code}"

    # --- The person: confirm, with a typo corrected ------------------------------------
    page.locator(
        f"main a[href='/applications/drafts/{application.code}/person/']"
    ).click()
    page.wait_for_url(f"{draft_url}/person/")
    page.fill("input[name=residence_card_number]", "ab-1234-5678")
    save(page)
    assert page.locator(".error-summary").is_visible()
    assert page.locator("#id_residence_card_number_error").is_visible()
    axe(page, "04-person-error")
    page.fill(
        "input[name=residence_card_number]", "ＡＢ１２３４５６７８ＣＤ"
    )  # full width
    save(page)

    # --- What is applied for -------------------------------------------------------------
    page.wait_for_url(f"{draft_url}/application/")
    page.check("input[name=requested_period][value='1y']")
    axe(page, "05-application")
    save(page)

    # --- The application form (申請書), one page per section -------------------------
    page.wait_for_url(f"{draft_url}/form/identity/")
    fill_form_pages(page, application)

    # --- The re-entry permit ----------------------------------------------------------------
    page.wait_for_url(f"{draft_url}/companions/")
    page.check("input[name=reentry_variant][value=multiple]")
    page.fill("input[name=reentry_until]", person.period_expiry.isoformat())
    axe(page, "06-companions")
    save(page)

    # --- Documents, slot by slot -----------------------------------------------------------
    page.wait_for_url(f"{draft_url}/documents/")
    axe(page, "07-documents-empty")
    section = page.locator("section#slot-photo")
    section.locator("input[type=file]").set_input_files(str(pdf))  # a PDF as the photo
    section.locator("button[type=submit]").click()
    page.wait_for_load_state()
    assert page.locator(".error-summary").is_visible()
    assert page.locator("#id_photo-upload_error").is_visible()
    axe(page, "08-documents-error")
    for slot in (
        "photo",
        "passport",
        "residence_card",
        "category_proof",
        "tax_certificates",
    ):
        section = page.locator(f"section#slot-{slot}")
        section.locator("input[type=file]").set_input_files(
            str(photo if slot == "photo" else pdf)
        )
        section.locator("button[type=submit]").click()
        page.wait_for_load_state()
        assert page.locator(f"section#slot-{slot} li").count() == 1, slot
    meter = page.locator("meter#documents-total")
    assert int(meter.get_attribute("value")) > 0
    axe(page, "09-documents-uploaded")
    page.locator("main a.button").last.click()

    # --- Check answers: change links, special period, fees -------------------------------
    page.wait_for_url(f"{draft_url}/check/")
    assert page.locator(".error-summary").count() == 0
    assert (
        page.locator(
            f"a[href='/applications/drafts/{application.code}/companions/?from=check']"
        ).count()
        >= 1
    )
    fees = page.locator("#fees + p + dl").inner_text()
    assert "5,500" in fees and "6,500" in fees and "12,000" in fees
    assert page.locator("#special-period").count() == 1
    axe(page, "10-check-answers")
    save(page)  # without the declaration
    assert page.locator("#id_declaration_error").is_visible()
    axe(page, "11-declaration-missing")
    page.check("input[name=declaration]")
    save(page)

    # --- The receipt number at once ----------------------------------------------------------
    page.wait_for_url(f"**/applications/submitted/{application.code}/")
    application.refresh_from_db()
    assert application.status == Status.SUBMITTED
    reentry = application.companions.get()
    assert reentry.application_type.code == "reentry"
    assert (reentry.reentry_variant, reentry.status) == ("multiple", Status.SUBMITTED)
    assert page.locator("#receipt-number").inner_text() == application.receipt_number
    assert reentry.receipt_number in page.content()
    axe(page, "12-sent")
    assert application.documents.count() == 5

    assert Application.objects.filter(main__isnull=True).count() == 1


def test_a_rule_failure_is_shown_on_the_page_that_must_change(
    page, live_server, screenshot_dir, document_slots, media_root, axe, shot, sign_in
):
    org = OrganizationFactory(category=2)
    user = staff(org)
    person = fd.person(org)
    too_late = timezone.localdate() + timedelta(days=6 * 366)
    application = fd.ready_extension(user, person, reentry_until=too_late)
    sign_in(page, user)
    base = live_server.url
    with page.expect_navigation():
        page.locator("button.lang-switch__button[value=en]").click()

    page.goto(f"{base}/applications/drafts/{application.code}/check/")
    summary = page.locator(".error-summary")
    assert summary.is_visible()
    assert page.title().startswith("Error:")
    assert "at most 5 years" in summary.inner_text()
    assert page.locator("input[name=declaration]").count() == 0
    axe(page, "20-check-rule-failure")

    summary.get_by_role("link", name=re.compile("at most 5 years")).click()
    page.wait_for_url(
        f"**/drafts/{application.code}/companions/?from=check&rules=1#id_reentry_until"
    )
    assert page.locator(".error-summary").is_visible()
    assert "at most 5 years" in page.locator(".error-summary").inner_text()
    field_error = page.locator("#id_reentry_until_error")
    assert field_error.is_visible() and "at most 5 years" in field_error.inner_text()
    assert page.locator("#id_reentry_until").get_attribute("aria-invalid") == "true"
    assert page.locator("#id_reentry_until").input_value() == too_late.isoformat()
    axe(page, "21-companions-rule-failure")

    page.fill("input[name=reentry_until]", person.period_expiry.isoformat())
    save(page)
    # (The browser keeps the link's #fragment across the redirect.)
    page.wait_for_url(re.compile(rf".*/drafts/{application.code}/check/(#.*)?$"))
    assert page.locator(".error-summary").count() == 0
    assert page.locator("input[name=declaration]").count() == 1
    shot(page, "22-check-put-right")
