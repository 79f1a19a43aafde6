"""Batch filing in Chromium: an organisation's filer uploads an XLSX of 3
people (dates typed as Excel dates), reads the preview, confirms, uploads
one person's missing documents on the batch page, and sends every complete
draft: that one gets its receipt number, the other two stay drafts."""

from __future__ import annotations

from datetime import date

from django.apps import apps
from django.utils import timezone

import pytest

from applications.models import Application
from applications.reference_data import load_document_slots
from applications.workflow import Status
from batches.models import Batch
from tests.applications import filing_data as fd
from tests.batches import batch_data
from tests.factories import OrganizationFactory, staff

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def document_slots(reference_data):
    load_document_slots(apps)


def test_a_batch_of_three_from_xlsx_to_one_submission(
    page, live_server, document_slots, media_root, tmp_path, axe, sign_in, submit
):
    org = OrganizationFactory(name_ja="株式会社さくら技研")
    user = staff(org, full_name="佐藤 花子")
    rows: list[dict] = [batch_data.row(n) for n in (1, 2, 3)]
    rows[0]["date_of_birth"] = date(1995, 4, 1)  # an Excel date, not text
    workbook = tmp_path / "people.xlsx"
    workbook.write_bytes(batch_data.xlsx_bytes(rows))
    photo = tmp_path / "photo.png"
    photo.write_bytes(fd.image_bytes(300, 400))
    pdf = tmp_path / "document.pdf"
    pdf.write_bytes(fd.pdf_bytes())

    sign_in(page, user)
    base = live_server.url
    page.goto(f"{base}/batches/")
    axe(page, "01-upload")
    page.select_option("select#id_form", batch_data.template().key)
    page.set_input_files("input[name=upload]", str(workbook))
    submit(page, "main section[aria-labelledby=upload-title] form")

    # --- The preview: 3 valid rows, nothing created yet ---------------------------
    assert page.locator("#batch-counts").inner_text().startswith("3")
    assert not Application.objects.exists()
    axe(page, "02-preview")
    submit(page)  # Create 3 drafts
    batch = Batch.objects.get()
    assert batch.status == Batch.Status.CONFIRMED
    assert Application.objects.filter(main=None).count() == 3

    # --- The batch page: each person's missing documents, uploaded there ----------
    axe(page, "03-batch")
    row = page.locator("section#row-3")
    assert row.locator("input[type=file]").count() > 0
    while row.locator("input[type=file]").count():
        form = row.locator("form").first
        slot = form.locator("input[name=slot]").get_attribute("value")
        form.locator("input[type=file]").set_input_files(
            str(photo if slot == "photo" else pdf)
        )
        with page.expect_navigation():
            form.locator("button[type=submit]").click()
        row = page.locator("section#row-3")
    assert row.locator(".tag--blue").count() == 1  # complete: ready to send
    assert page.locator("section#row-4 input[type=file]").count() > 0

    # --- Send every complete draft -------------------------------------------------
    page.check("input[name=declaration]")
    submit(page, "main section[aria-labelledby=submit-title] form")
    sent = Application.objects.get(main=None, status=Status.SUBMITTED)
    assert sent.receipt_number
    assert page.locator("section#row-3 .receipt-number").inner_text() == (
        sent.receipt_number
    )
    assert Application.objects.filter(main=None, status=Status.DRAFT).count() == 2
    assert sent.submitted_at.date() <= timezone.localdate()


def test_the_preview_of_problems_works_at_390px(
    page, live_server, document_slots, tmp_path, axe, sign_in, submit, shot
):
    org = OrganizationFactory()
    user = staff(org)
    rows = [batch_data.row(1), batch_data.row(2, residence_card_number="XX1")]
    data = tmp_path / "people.csv"
    data.write_bytes(batch_data.csv_bytes(rows, encoding="cp932"))
    sign_in(page, user)
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{live_server.url}/batches/")
    page.select_option("select#id_form", batch_data.template().key)
    page.set_input_files("input[name=upload]", str(data))
    submit(page, "main section[aria-labelledby=upload-title] form")
    row = page.locator("section#row-4")
    assert "XX1" in row.inner_text()
    axe(page, "10-preview-problems-390")
    shot(page, "10-preview-problems-390")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
