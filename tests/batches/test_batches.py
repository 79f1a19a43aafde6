"""Batch filing (一括申請): templates, the preview (every error kind, each
naming row, column, value and rule), idempotent re-upload, nothing created
before confirmation, drafts as valid as the pages', documents, submit-all
and access."""

from __future__ import annotations

import io
from datetime import date

from django.urls import reverse

import pytest

from applications import draft_form
from applications.forms import ForeignNationalForm
from applications.models import Application, ForeignNational
from applications.workflow import Status as ApplicationStatus
from batches import services
from batches.messages import MAX_ROWS
from batches.models import Batch, BatchRow
from batches.spreadsheet import guard_cell, read_file
from portal.audit.models import AuditEvent
from tests.applications.filing_data import upload_required_documents
from tests.batches import batch_data

pytestmark = pytest.mark.usefixtures("reference_data")


def _upload(user, org, data: bytes, name: str = "people.csv") -> Batch:
    batch, _created = services.batch_upload(
        organization=org,
        template=batch_data.template(),
        file_name=name,
        data=data,
        actor=user,
        language="en",
    )
    return batch


def _problems(batch: Batch) -> list[dict]:
    return [
        {"line": row.line, **problem}
        for row in batch.rows.all()
        for problem in row.problems
    ]


# --- Templates ----------------------------------------------------------------------


@pytest.mark.parametrize("file_format", ["xlsx", "csv", "csv-sjis"])
def test_template_downloads_read_back_as_the_template(client, org_staff, file_format):
    client.force_login(org_staff)
    tpl = batch_data.template()
    response = client.get(
        reverse("batches:template"), {"form": tpl.key, "format": file_format}
    )
    assert response.status_code == 200
    data = response.content
    if file_format == "csv":
        assert data.startswith(b"\xef\xbb\xbf")
    if file_format == "csv-sjis":
        data.decode("cp932")  # Shift_JIS, not UTF-8
        assert not data.startswith(b"\xef\xbb\xbf")
    # The template has the headings only: reading it says "no people".
    from batches.messages import NO_ROWS
    from portal.lib.errors import DomainError

    with pytest.raises(DomainError) as refused:
        read_file(data, tpl)
    assert refused.value.code == NO_ROWS


# --- The preview: every row checked, nothing created --------------------------------


def test_valid_file_previews_without_creating_anything(org_staff, org):
    people = ForeignNational.objects.count()
    batch = _upload(org_staff, org, batch_data.csv_bytes([batch_data.row(1)]))
    assert batch.status == Batch.Status.READY
    assert _problems(batch) == []
    assert batch.rows.get().line == 3
    assert ForeignNational.objects.count() == people
    assert not Application.objects.exists()
    assert AuditEvent.objects.filter(action="batch.upload").count() == 1


def test_errors_name_row_column_value_and_rule(org_staff, org):
    rows = [
        batch_data.row(1),
        batch_data.row(2, residence_card_number="XX1"),
        batch_data.row(3, criminal_record="maybe"),
        batch_data.row(4, occupation=""),
    ]
    batch = _upload(org_staff, org, batch_data.csv_bytes(rows))
    problems = _problems(batch)
    by_line = {p["line"]: p for p in problems}
    assert set(by_line) == {4, 5, 6}
    card = by_line[4]
    assert card["column"] == "residence_card_number"
    assert card["label"] == "Residence card number"
    assert card["value"] == "XX1"
    assert card["rule"]
    crime = by_line[5]
    assert crime["column"] == "criminal_record" and crime["value"] == "maybe"
    assert "犯罪" in crime["label"] or "crim" in crime["label"].lower()
    assert by_line[6]["column"] == "occupation" and by_line[6]["value"] == ""
    assert not ForeignNational.objects.exists()


def test_a_person_answered_wrongly_in_the_form_names_the_person_column(org_staff, org):
    # The form's expiry item is answered from the person's "period ends" column.
    batch = _upload(
        org_staff, org, batch_data.csv_bytes([batch_data.row(1, period_expiry="")])
    )
    columns = {p["column"] for p in _problems(batch)}
    assert "period_expiry" in columns


def test_same_person_twice_in_a_file_is_refused_at_the_second_row(org_staff, org):
    batch = _upload(
        org_staff, org, batch_data.csv_bytes([batch_data.row(1), batch_data.row(1)])
    )
    [problem] = _problems(batch)
    assert problem["line"] == 4 and problem["column"] == "passport_number"
    assert "row 3" in problem["rule"]


def test_a_status_of_another_form_group_is_refused(org_staff, org):
    batch = _upload(
        org_staff,
        org,
        batch_data.csv_bytes([batch_data.row(1, current_status="student")]),
    )
    [problem] = [p for p in _problems(batch) if p["column"] == "current_status"]
    assert "another form" in problem["rule"]


def test_formula_cells_are_refused_never_evaluated(org_staff, org):
    batch = _upload(
        org_staff,
        org,
        batch_data.csv_bytes([batch_data.row(1, occupation='=HYPERLINK("x")')]),
    )
    [problem] = _problems(batch)
    assert problem["column"] == "occupation"
    assert "formula" in problem["rule"]
    assert guard_cell(problem["value"]).startswith("'=")


def test_problems_csv_guards_formula_values(client, org_staff, org):
    batch = _upload(
        org_staff, org, batch_data.csv_bytes([batch_data.row(1, occupation="=1+1")])
    )
    client.force_login(org_staff)
    response = client.get(reverse("batches:problems", args=[batch.code]))
    text = response.content.decode("utf-8-sig")
    assert "'=1+1" in text
    assert ",=1+1" not in text


# --- Refused files -------------------------------------------------------------------


def _refused(user, org, data: bytes) -> tuple[Batch, str]:
    from portal.lib.errors import DomainError, message_for

    batch = _upload(user, org, data)
    if batch.status == Batch.Status.RECEIVED:  # a big file: the worker's turn
        batch = services.batch_check(batch_id=batch.pk)
    assert batch.status == Batch.Status.REFUSED
    assert not batch.rows.exists()
    return batch, message_for(DomainError(batch.refusal_code, **batch.refusal_params))


def test_a_missing_column_is_refused_naming_it(org_staff, org):
    columns = [c for c in batch_data.template().columns if c != "occupation"]
    data = batch_data.csv_bytes([batch_data.row(1)], columns=columns)
    _batch, message = _refused(org_staff, org, data)
    assert "occupation" in message and "職業" in message


def test_a_renamed_column_is_refused_naming_both(org_staff, org):
    columns = list(batch_data.template().columns)
    data = batch_data.csv_bytes([batch_data.row(1)], columns=columns)
    data = data.replace(b"occupation,", b"job,", 1)
    _batch, message = _refused(org_staff, org, data)
    assert "occupation" in message


def test_shift_jis_is_read_including_the_windows_extensions(org_staff, org):
    # ① and 髙 are outside JIS X 0208 but in cp932: read, not refused.
    rows = [batch_data.row(1, home_town="HANOI ①", name_kanji="髙")]
    batch = _upload(org_staff, org, batch_data.csv_bytes(rows, encoding="cp932"))
    assert batch.status == Batch.Status.READY
    assert _problems(batch) == []


def test_shift_jis_bytes_outside_the_codec_are_refused_with_row_and_bytes(
    org_staff, org
):
    data = batch_data.csv_bytes([batch_data.row(1)], encoding="cp932")
    lines = data.split(b"\r\n")
    lines[2] = lines[2].replace(b"NGUYEN", b"NGUYEN\x85\x40", 1)
    _batch, message = _refused(org_staff, org, b"\r\n".join(lines))
    assert "Row 3" in message and "85 40" in message


def test_a_private_use_character_is_refused_with_row_and_character(org_staff, org):
    # cp932's user-defined area (外字) decodes to Unicode private use.
    data = batch_data.csv_bytes([batch_data.row(1)], encoding="cp932")
    data = data.replace("千代田1-1".encode("cp932"), b"\xf0\x40", 1)
    batch = _upload(org_staff, org, data)
    [problem] = _problems(batch)
    assert problem["line"] == 3 and problem["column"] == "address_in_japan"
    assert "U+E000" in problem["rule"]


def test_too_many_rows_is_refused_with_the_cap(org_staff, org):
    row = batch_data.row(1)
    data = batch_data.csv_bytes([row] * 10_000)
    _batch, message = _refused(org_staff, org, data)
    assert f"{MAX_ROWS:,}" in message


def test_a_file_over_the_size_cap_is_refused(org_staff, org, monkeypatch):
    from batches import spreadsheet

    monkeypatch.setattr(spreadsheet, "MAX_FILE_BYTES", 1000)
    _batch, message = _refused(
        org_staff, org, batch_data.csv_bytes([batch_data.row(1)])
    )
    assert "at most" in message


def test_excel_dates_are_read_as_dates_and_formulas_never_evaluated(org_staff, org):
    rows = [
        batch_data.row(1, date_of_birth=""),
        batch_data.row(2),
    ]
    rows[0]["date_of_birth"] = date(1995, 4, 1)  # type: ignore[assignment]
    rows[1]["occupation"] = '=CONCAT("a","b")'
    batch = _upload(org_staff, org, batch_data.xlsx_bytes(rows), name="people.xlsx")
    problems = _problems(batch)
    assert [(p["line"], p["column"]) for p in problems] == [(4, "occupation")]
    assert problems[0]["value"].startswith("=")


# --- Idempotent upload, confirm ----------------------------------------------------------


def test_the_same_file_twice_leads_to_the_first_batch(client, org_staff, org):
    data = batch_data.csv_bytes([batch_data.row(1)])
    first, created = services.batch_upload(
        organization=org,
        template=batch_data.template(),
        file_name="a.csv",
        data=data,
        actor=org_staff,
        language="en",
    )
    again, created_again = services.batch_upload(
        organization=org,
        template=batch_data.template(),
        file_name="b.csv",
        data=data,
        actor=org_staff,
        language="en",
    )
    assert created and not created_again and again.pk == first.pk
    assert Batch.objects.count() == 1 and BatchRow.objects.count() == 1


def test_upload_page_double_click_creates_one_batch(client, org_staff, org):
    client.force_login(org_staff)
    data = batch_data.csv_bytes([batch_data.row(1)])
    token = "0" * 31 + "1"
    for _ in range(2):
        response = client.post(
            reverse("batches:new"),
            {
                "organization": str(org.code),
                "form": batch_data.template().key,
                "upload": io.BytesIO(data),
                "once": token,
            },
        )
        assert response.status_code == 302
    assert Batch.objects.count() == 1
    batch = Batch.objects.get()
    assert response["Location"] == reverse("batches:batch", args=[batch.code])


def test_confirm_creates_drafts_only_for_valid_rows_and_once(org_staff, org):
    rows = [batch_data.row(1), batch_data.row(2, residence_card_number="bad")]
    batch = _upload(org_staff, org, batch_data.csv_bytes(rows))
    batch = services.batch_confirm(batch=batch, actor=org_staff)
    assert batch.status == Batch.Status.CONFIRMED
    again = services.batch_confirm(batch=batch, actor=org_staff)
    assert again.status == Batch.Status.CONFIRMED
    application = Application.objects.get(main=None)
    assert ForeignNational.objects.count() == 1
    assert AuditEvent.objects.filter(action="batch.confirm").count() == 1
    # The draft passes the same validation as one made on the pages.
    edition, _answers, states = draft_form.form_status(application, filer=org_staff)
    assert edition is not None and edition.key == batch.edition_key
    assert set(states.values()) == {draft_form.engine.SectionStatus.COMPLETE}
    person = application.foreign_national
    form = ForeignNationalForm(
        {
            k: (v.isoformat() if isinstance(v, date) else v or "")
            for k, v in ForeignNationalForm.initial_from(person).items()
        },
        organization=org,
        instance=person,
        in_japan=True,
    )
    assert form.is_valid(), form.errors
    assert application.requested_period == "1y"


def test_a_known_person_is_found_not_duplicated(org_staff, org):
    from tests.applications.filing_data import person

    known = person(org, passport_number="C0000001")
    batch = _upload(org_staff, org, batch_data.csv_bytes([batch_data.row(1)]))
    services.batch_confirm(batch=batch, actor=org_staff)
    assert ForeignNational.objects.count() == 1
    assert Application.objects.get().foreign_national_id == known.pk


def test_large_files_are_checked_by_the_worker_with_progress(
    org_staff, org, django_capture_on_commit_callbacks, settings
):
    settings.CELERY_TASK_ALWAYS_EAGER = True
    rows = [batch_data.row(n) for n in range(1, 81)]
    data = batch_data.csv_bytes(rows)
    assert len(data) > services.INLINE_BYTES
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        batch = _upload(org_staff, org, data)
    assert batch.status == Batch.Status.RECEIVED and callbacks
    from batches.tasks import check_batch

    assert check_batch.run(batch.pk) == Batch.Status.READY
    batch.refresh_from_db()
    assert batch.rows_done == batch.rows_total == 80
    assert batch.content == b"" or bytes(batch.content) == b""


# --- The batch page: documents, submit all -------------------------------------------


def test_batch_page_uploads_documents_and_submit_all_gives_receipt_numbers(
    client, org_staff, org
):
    rows = [batch_data.row(1), batch_data.row(2)]
    batch = _upload(org_staff, org, batch_data.csv_bytes(rows))
    services.batch_confirm(batch=batch, actor=org_staff)
    client.force_login(org_staff)
    page = client.get(reverse("batches:batch", args=[batch.code]))
    assert page.status_code == 200
    assert b"documents missing" in page.content
    first = BatchRow.objects.get(batch=batch, line=3).application
    upload_required_documents(first, org_staff)
    response = client.post(
        reverse("batches:submit_all", args=[batch.code]), {"declaration": "on"}
    )
    assert response.status_code == 302
    first.refresh_from_db()
    second = BatchRow.objects.get(batch=batch, line=4).application
    second.refresh_from_db()
    assert first.status == ApplicationStatus.SUBMITTED and first.receipt_number
    assert second.status == ApplicationStatus.DRAFT
    page = client.get(reverse("batches:batch", args=[batch.code]))
    assert first.receipt_number.encode() in page.content
    assert AuditEvent.objects.filter(action="batch.submit_all").count() == 1


def test_submit_all_needs_the_declaration(client, org_staff, org):
    batch = _upload(org_staff, org, batch_data.csv_bytes([batch_data.row(1)]))
    services.batch_confirm(batch=batch, actor=org_staff)
    client.force_login(org_staff)
    response = client.post(reverse("batches:submit_all", args=[batch.code]), {})
    assert response.status_code == 400
    assert not Application.objects.exclude(status=ApplicationStatus.DRAFT).exists()


def test_document_upload_on_the_batch_page_uses_the_filing_checks(
    client, org_staff, org
):
    batch = _upload(org_staff, org, batch_data.csv_bytes([batch_data.row(1)]))
    services.batch_confirm(batch=batch, actor=org_staff)
    application = Application.objects.get()
    from applications.presenters import draft_slots

    slot = next(s for s in draft_slots(application) if s.required and not s.photo)
    client.force_login(org_staff)
    url = reverse("batches:document", args=[batch.code, 3])
    bad = client.post(
        url,
        {
            "slot": slot.code,
            f"{slot.code}-version": application.version,
            f"{slot.code}-upload": io.BytesIO(b"not a pdf"),
        },
    )
    assert bad.status_code == 400
    assert not application.documents.exists()
    from tests.applications.filing_data import pdf_bytes

    upload = io.BytesIO(pdf_bytes())
    upload.name = "doc.pdf"
    good = client.post(
        url,
        {
            "slot": slot.code,
            f"{slot.code}-version": application.version,
            f"{slot.code}-upload": upload,
        },
    )
    assert good.status_code == 302
    assert application.documents.count() == 1


def test_a_refused_file_beside_a_good_one_is_named_and_the_good_one_kept(
    client, org_staff, org
):
    batch = _upload(org_staff, org, batch_data.csv_bytes([batch_data.row(1)]))
    services.batch_confirm(batch=batch, actor=org_staff)
    application = Application.objects.get()
    from applications.presenters import draft_slots
    from tests.applications.filing_data import pdf_bytes

    slot = next(s for s in draft_slots(application) if s.required and not s.photo)
    client.force_login(org_staff)
    good = io.BytesIO(pdf_bytes())
    good.name = "contract.pdf"
    bad = io.BytesIO(b"not a pdf")
    bad.name = "notes.txt"
    response = client.post(
        reverse("batches:document", args=[batch.code, 3]),
        {
            "slot": slot.code,
            f"{slot.code}-version": application.version,
            f"{slot.code}-upload": [good, bad],
        },
        follow=True,
    )
    assert response.status_code == 200
    assert application.documents.count() == 1
    shown = [str(m) for m in response.context["messages"]]
    assert any("notes.txt" in text for text in shown), shown


# --- Access --------------------------------------------------------------------------


def test_another_organisation_gets_404(client, org_staff, org, other_org_staff):
    batch = _upload(org_staff, org, batch_data.csv_bytes([batch_data.row(1)]))
    client.force_login(other_org_staff)
    for name in ("batch", "problems"):
        assert (
            client.get(reverse(f"batches:{name}", args=[batch.code])).status_code == 404
        )
    for name in ("confirm", "submit_all"):
        response = client.post(reverse(f"batches:{name}", args=[batch.code]))
        assert response.status_code == 404
    batch.refresh_from_db()
    assert batch.status == Batch.Status.READY


def test_an_appointed_attorney_can_open_the_batch(client, org_staff, org, attorney):
    batch = _upload(org_staff, org, batch_data.csv_bytes([batch_data.row(1)]))
    client.force_login(attorney)
    assert client.get(reverse("batches:batch", args=[batch.code])).status_code == 200


def test_preview_page_shows_row_column_value_and_rule(client, org_staff, org):
    rows = [batch_data.row(1), batch_data.row(2, residence_card_number="XX1")]
    batch = _upload(org_staff, org, batch_data.csv_bytes(rows))
    client.force_login(org_staff)
    page = client.get(reverse("batches:batch", args=[batch.code])).content.decode()
    assert "Row 4" in page and "Residence card number" in page and "XX1" in page
    # Problems first, then the row that will become a draft.
    assert page.index("Row 4") < page.index("Row 3")
    assert "becomes a draft when you confirm" in page
    assert "1 valid, 1 with problems" in page
    assert reverse("batches:confirm", args=[batch.code]) in page


def test_confirm_with_no_valid_row_creates_nothing(client, org_staff, org):
    batch = _upload(org_staff, org, batch_data.csv_bytes([batch_data.row(1, sex="?")]))
    client.force_login(org_staff)
    response = client.post(reverse("batches:confirm", args=[batch.code]))
    assert response.status_code == 302
    batch.refresh_from_db()
    assert batch.status == Batch.Status.READY
    assert not Application.objects.exists()


def test_the_sweep_resumes_a_batch_whose_message_was_lost(org_staff, org):
    from datetime import timedelta

    from django.utils import timezone

    rows = [batch_data.row(n) for n in range(1, 81)]
    batch = _upload(org_staff, org, batch_data.csv_bytes(rows))  # queued, not run
    assert batch.status == Batch.Status.RECEIVED
    assert services.batches_to_resume() == []
    later = timezone.now() + timedelta(minutes=3)
    assert services.batches_to_resume(now=later) == [
        ("batches.tasks.check_batch", batch.pk)
    ]
    services.batch_check(batch_id=batch.pk)
    assert services.batches_to_resume(now=later) == []


def test_submit_all_of_many_drafts_goes_to_the_worker(
    org_staff, org, django_capture_on_commit_callbacks, monkeypatch
):
    monkeypatch.setattr(services, "SUBMIT_INLINE", 1)
    batch = _upload(
        org_staff, org, batch_data.csv_bytes([batch_data.row(1), batch_data.row(2)])
    )
    services.batch_confirm(batch=batch, actor=org_staff)
    for row in batch.rows.all():
        upload_required_documents(row.application, org_staff)
    with django_capture_on_commit_callbacks(execute=False):
        assert services.batch_submit_all_start(batch=batch, actor=org_staff) is None
    assert not Application.objects.exclude(status=ApplicationStatus.DRAFT).exists()
    from batches.tasks import submit_all

    assert submit_all.run(batch.pk, org_staff.pk) == 2
    numbers = set(
        Application.objects.filter(main=None).values_list("receipt_number", flat=True)
    )
    assert len(numbers) == 2 and None not in numbers
    assert submit_all.run(batch.pk, org_staff.pk) == 0  # again: nothing new


def test_a_refused_file_shows_why_on_its_batch_page(client, org_staff, org):
    columns = [c for c in batch_data.template().columns if c != "occupation"]
    data = batch_data.csv_bytes([batch_data.row(1)], columns=columns)
    client.force_login(org_staff)
    response = client.post(
        reverse("batches:new"),
        {
            "organization": str(org.code),
            "form": batch_data.template().key,
            "upload": io.BytesIO(data),
        },
        follow=True,
    )
    page = response.content.decode()
    assert 'id="batch-refusal"' in page and "occupation" in page
    assert "nothing was created" in page


def test_the_batch_page_costs_one_page_of_rows(
    client, org_staff, org, monkeypatch, django_assert_max_num_queries
):
    from batches import views

    monkeypatch.setattr(views, "ROWS_PER_PAGE", 2)
    rows = [batch_data.row(n) for n in range(1, 6)]
    batch = _upload(org_staff, org, batch_data.csv_bytes(rows))
    services.batch_confirm(batch=batch, actor=org_staff)
    client.force_login(org_staff)
    url = reverse("batches:batch", args=[batch.code])
    client.get(url)
    with django_assert_max_num_queries(32):  # 2 rows' worth, not 5
        page = client.get(url, {"page": 2})
    assert "Row 5" in page.content.decode() and "Row 3" not in page.content.decode()
