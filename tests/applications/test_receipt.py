"""The receipt PDF (申請受付票): rendered in Japanese and English in the
background after submission, stored privately, rendered once, and served
only to the application's organisation as an attachment."""

from __future__ import annotations

import io
import re
from pathlib import Path

from django.urls import reverse

import pytest
from pypdf import PdfReader

from applications import documents
from applications.models import GeneratedDocument
from applications.tasks import render_receipt
from applications.workflow import Status
from portal.audit.models import AuditEvent
from portal.celery import app as celery_app
from portal.files.models import StoredFile
from tests.factories import (
    ApplicationFactory,
    OrganizationFactory,
    attach_required_documents,
    staff,
    stored_pdf,
)
from tests.portal.test_pdf import assert_cjk_font_embedded

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path: Path) -> Path:
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
def celery_eager():
    """Queued tasks run at once, in this process (set on the Celery app: see
    tests/portal/test_pdf.py)."""
    before = {
        "task_always_eager": celery_app.conf.task_always_eager,
        "task_eager_propagates": celery_app.conf.task_eager_propagates,
    }
    celery_app.conf.update(task_always_eager=True, task_eager_propagates=True)
    yield
    celery_app.conf.update(**before)


@pytest.fixture
def alice(org):
    return staff(org)


@pytest.fixture
def application(org, alice, monkeypatch):
    """A submitted extension with a multiple re-entry companion; the on-commit
    queueing is not run (pytest-django's transaction never commits)."""
    return ApplicationFactory(
        submitted=True, organization=org, created_by=alice, companions=("reentry",)
    )


def pdf_text(data: bytes) -> str:
    reader = PdfReader(io.BytesIO(data))
    return re.sub(r"\s+", " ", " ".join(page.extract_text() for page in reader.pages))


def receipt_bytes(application, language: str, media_root: Path) -> bytes:
    receipt = GeneratedDocument.objects.select_related("file").get(
        application=application, kind="receipt", language=language
    )
    return (media_root / receipt.file.name).read_bytes()


# --- Rendering -----------------------------------------------------------------------


def test_renders_and_stores_japanese_and_english(application, media_root, tmp_path):
    assert documents.receipt_render(application_id=application.pk) is True
    receipts = GeneratedDocument.objects.filter(application=application).select_related(
        "file"
    )
    assert {r.language for r in receipts} == {"ja", "en"}
    for receipt in receipts:
        stored = receipt.file
        assert stored.purpose == "application_receipt"
        assert stored.kind == "pdf" and stored.content_type == "application/pdf"
        assert stored.name.startswith("private/")
        assert (
            application.receipt_number not in stored.name
        )  # nothing of the case in the path
        assert (
            stored.original_name
            == f"receipt-{application.receipt_number}-{receipt.language}.pdf"
        )
        data = (media_root / stored.name).read_bytes()
        assert data.startswith(b"%PDF-") and stored.size == len(data)


def test_japanese_receipt_embeds_a_cjk_font_and_says_what_was_received(
    application, media_root, tmp_path
):
    documents.receipt_render(application_id=application.pk)
    data = receipt_bytes(application, "ja", media_root)
    path = tmp_path / "receipt-ja.pdf"
    path.write_bytes(data)
    assert_cjk_font_embedded(path)
    text = pdf_text(data)
    assert application.receipt_number in text
    assert application.companions.get().receipt_number in text
    assert "在留期間更新許可申請" in text
    assert "再入国許可申請" in text
    person = application.foreign_national
    assert person.family_name in text
    assert "ベトナム" in text
    assert person.passport_number not in text
    assert person.residence_card_number not in text


def test_english_receipt_has_the_fees_due_on_grant(application, media_root, org):
    documents.receipt_render(application_id=application.pk)
    text = pdf_text(receipt_bytes(application, "en", media_root))
    assert "Receipt of application" in text
    assert "Extension of Period of Stay" in text
    assert "Re-entry Permit" in text
    assert "Viet Nam" in text or "Vietnam" in text
    assert org.name_en in text
    assert application.office.name_en in text
    # Online fees for applications received from 2025-04-01: 5,500 + 6,500.
    assert "¥5,500" in text and "¥6,500" in text and "¥12,000" in text
    assert "Japan time" in text


def test_receipt_time_is_japan_time(application, org, alice):
    from zoneinfo import ZoneInfo

    context = documents.receipt_context(application)
    assert context["received_at"].tzinfo == ZoneInfo("Asia/Tokyo")
    assert context["received_at"] == application.submitted_at


def test_a_free_type_says_no_fee(org, alice, media_root):
    coe = ApplicationFactory(
        shortcut=True,
        organization=org,
        created_by=alice,
        type_code="coe",
        companions=(),
        status=Status.SUBMITTED,
    )
    context = documents.receipt_context(coe)
    assert [line.amount_yen for line in context["fees"]] == [0]
    assert context["fee_total"] == "0"


def test_second_run_does_nothing(application, monkeypatch):
    assert documents.receipt_render(application_id=application.pk) is True
    files = StoredFile.objects.count()

    def must_not_render(*args, **kwargs):
        raise AssertionError("rendered twice")

    monkeypatch.setattr(documents, "render_pdf", must_not_render)
    assert documents.receipt_render(application_id=application.pk) is False
    assert render_receipt.run(application.pk) is False
    assert StoredFile.objects.count() == files
    assert GeneratedDocument.objects.filter(application=application).count() == 2


def test_only_missing_languages_are_rendered(application, monkeypatch):
    GeneratedDocument.objects.create(
        application=application,
        kind="receipt",
        language="ja",
        file=stored_pdf(purpose="application_receipt"),
    )
    rendered: list[str] = []
    real = documents.render_pdf

    def spy(template, context, *, language):
        rendered.append(language)
        return real(template, context, language=language)

    monkeypatch.setattr(documents, "render_pdf", spy)
    assert documents.receipt_render(application_id=application.pk) is True
    assert rendered == ["en"]


def test_a_worker_that_loses_the_race_leaves_one_file(
    application, media_root, monkeypatch
):
    """Another worker records the language between our check and our write:
    our row is refused by the unique constraint and our bytes are deleted."""
    real = documents.render_pdf
    winners = {}

    def rival_finishes_first(template, context, *, language):
        pdf = real(template, context, language=language)
        winners[language] = GeneratedDocument.objects.create(
            application=application,
            kind="receipt",
            language=language,
            file=stored_pdf(f"rival-{language}.pdf", purpose="application_receipt"),
        )
        return pdf

    monkeypatch.setattr(documents, "render_pdf", rival_finishes_first)
    assert documents.receipt_render(application_id=application.pk) is False
    receipts = GeneratedDocument.objects.filter(application=application)
    assert {r.file_id for r in receipts} == {w.file_id for w in winners.values()}
    stored_names = set(StoredFile.objects.values_list("name", flat=True))
    on_disk = {
        str(p.relative_to(media_root)) for p in media_root.rglob("*") if p.is_file()
    }
    assert on_disk == stored_names


@pytest.mark.parametrize("what", ["draft", "companion", "unknown"])
def test_drafts_companions_and_unknown_ids_are_skipped(org, alice, what):
    if what == "draft":
        target = ApplicationFactory(organization=org, created_by=alice).pk
    elif what == "companion":
        target = (
            ApplicationFactory(submitted=True, organization=org, created_by=alice)
            .companions.get()
            .pk
        )
    else:
        target = 999_999
    assert documents.receipt_render(application_id=target) is False
    assert not GeneratedDocument.objects.exists()


def test_submission_renders_the_receipts_on_commit(
    org, alice, celery_eager, django_capture_on_commit_callbacks
):
    from applications import services

    application = ApplicationFactory(organization=org, created_by=alice)
    attach_required_documents(application)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        services.application_submit(application=application, actor=alice)
    assert callbacks
    assert set(
        GeneratedDocument.objects.filter(application=application).values_list(
            "language", flat=True
        )
    ) == {"ja", "en"}


def test_submission_succeeds_when_the_broker_is_down(
    org, alice, django_capture_on_commit_callbacks, monkeypatch
):
    from applications import services

    def broker_down(*args, **kwargs):
        raise ConnectionError("broker unreachable")

    from applications.tasks import render_application_form

    monkeypatch.setattr(render_receipt, "apply_async", broker_down)
    monkeypatch.setattr(render_application_form, "apply_async", broker_down)
    application = ApplicationFactory(organization=org, created_by=alice)
    attach_required_documents(application)
    with django_capture_on_commit_callbacks(execute=True):
        submitted = services.application_submit(application=application, actor=alice)
    assert submitted.status == Status.SUBMITTED
    assert not GeneratedDocument.objects.exists()


def test_the_sweep_renders_receipts_the_queue_missed(org, alice, celery_eager):
    from datetime import timedelta

    from django.utils import timezone

    from applications.models import Application
    from applications.tasks import render_missing_receipts

    missed = ApplicationFactory(submitted=True, organization=org, created_by=alice)
    fresh = ApplicationFactory(submitted=True, organization=org, created_by=alice)
    old = ApplicationFactory(submitted=True, organization=org, created_by=alice)
    draft = ApplicationFactory(organization=org, created_by=alice)
    now = timezone.now()
    Application.objects.filter(pk=missed.pk).update(
        submitted_at=now - timedelta(hours=1)
    )
    Application.objects.filter(pk=old.pk).update(submitted_at=now - timedelta(days=30))
    assert documents.receipts_missing() == [missed.pk]
    # The same sweep queues the missing 申請書 PDFs too.
    assert render_missing_receipts.run() == 2
    rendered = GeneratedDocument.objects.filter(application=missed)
    assert rendered.filter(kind=GeneratedDocument.Kind.RECEIPT).count() == 2
    assert rendered.filter(kind=GeneratedDocument.Kind.APPLICATION_FORM).count() == 2
    assert not GeneratedDocument.objects.filter(
        application__in=[fresh, old, draft]
    ).exists()
    assert documents.receipts_missing() == []


# --- Download ------------------------------------------------------------------------


def receipt_url(application, language: str) -> str:
    return reverse("applications:receipt", args=[application.code, language])


def test_download_is_an_audited_attachment(client, application, alice, media_root):
    documents.receipt_render(application_id=application.pk)
    client.force_login(alice)
    response = client.get(receipt_url(application, "en"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment")
    assert (
        f"receipt-{application.receipt_number}-en.pdf"
        in response["Content-Disposition"]
    )
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "no-store" in response["Cache-Control"]
    assert b"".join(response.streaming_content) == receipt_bytes(
        application, "en", media_root
    )
    event = AuditEvent.objects.get(action="application.download")
    assert event.object_code == str(application.code)
    assert event.data == {"document": "receipt", "language": "en"}


def test_download_is_404_until_rendered_and_for_other_languages(
    client, application, alice
):
    client.force_login(alice)
    assert client.get(receipt_url(application, "ja")).status_code == 404
    documents.receipt_render(application_id=application.pk)
    assert client.get(receipt_url(application, "ja")).status_code == 200
    assert client.get(receipt_url(application, "fr")).status_code == 404


def test_download_is_404_for_another_organisation(client, application):
    documents.receipt_render(application_id=application.pk)
    stranger = staff(OrganizationFactory())
    client.force_login(stranger)
    for language in ("ja", "en"):
        assert client.get(receipt_url(application, language)).status_code == 404
    for receipt in GeneratedDocument.objects.select_related("file"):
        url = reverse("files:download", args=[receipt.file.code])
        assert client.get(url).status_code == 404
    assert not AuditEvent.objects.filter(action="application.download").exists()


def test_read_only_users_may_download(client, application, org):
    from accounts.models import User

    documents.receipt_render(application_id=application.pk)
    client.force_login(staff(org, status=User.Status.SUSPENDED))
    assert client.get(receipt_url(application, "ja")).status_code == 200
