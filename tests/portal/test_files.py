from __future__ import annotations

import io
import re
import uuid
import zipfile
from datetime import timedelta
from pathlib import Path

from django import forms
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction
from django.utils.datastructures import MultiValueDict

import pytest
from PIL import Image
from pypdf import PdfWriter

from portal.audit.models import AuditEvent
from portal.files import access
from portal.files.models import StoredFile
from portal.files.services import (
    store_upload,
    stored_file_delete,
    stored_file_set_purpose,
    stored_files_sweep_orphans,
)
from portal.lib.files import (
    CleanedUpload,
    Kind,
    PrivateFileField,
    UploadBatch,
    check_total_size,
    sanitize_display_name,
    validate_upload,
)
from tests.factories import UserFactory

ALL = {Kind.PDF, Kind.JPEG, Kind.PNG}


# --- fixtures: files made here, storage in a temporary folder ------------------


@pytest.fixture
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


def stored_paths(root: Path) -> list[Path]:
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def make_pdf(pages: int = 1) -> bytes:
    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=595, height=842)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def make_encrypted_pdf() -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    writer.encrypt(user_password="secret", owner_password="owner", algorithm="AES-256")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def make_zip(members: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return out.getvalue()


def make_docx() -> bytes:
    return make_zip(
        {
            "[Content_Types].xml": b'<?xml version="1.0"?><Types xmlns="http://schemas.'
            b'openxmlformats.org/package/2006/content-types"/>',
            "_rels/.rels": b"<Relationships/>",
            "word/document.xml": b"<w:document/>",
        }
    )


def exif_with_secrets() -> Image.Exif:
    exif = Image.Exif()
    exif[0x0112] = 6  # orientation: rotate 90° clockwise to display
    exif[0x010F] = "Canon"
    exif[0x013B] = "Yamada Taro"  # Artist
    exif[0x8825] = {1: "N", 2: (35.0, 41.0, 0.0)}  # GPS
    return exif


def make_jpeg(*, exif: bool = False, size: tuple[int, int] = (40, 20)) -> bytes:
    out = io.BytesIO()
    options = (
        {"exif": exif_with_secrets(), "comment": b"secret comment"} if exif else {}
    )
    Image.new("RGB", size, "red").save(out, "JPEG", **options)
    return out.getvalue()


def make_png(*, exif: bool = False, size: tuple[int, int] = (40, 20)) -> bytes:
    from PIL.PngImagePlugin import PngInfo

    out = io.BytesIO()
    options = {}
    if exif:
        info = PngInfo()
        info.add_text("Author", "Yamada Taro")
        options = {"exif": exif_with_secrets(), "pnginfo": info}
    Image.new("RGBA", size, (0, 0, 255, 128)).save(out, "PNG", **options)
    return out.getvalue()


def upload(
    data: bytes, name: str = "document.pdf", content_type: str = "application/pdf"
):
    return SimpleUploadedFile(name, data, content_type=content_type)


def rejection_code(data: bytes, name: str = "document.pdf", **kwargs) -> str:
    with pytest.raises(ValidationError) as excinfo:
        validate_upload(
            upload(data, name), allowed=kwargs.pop("allowed", ALL), **kwargs
        )
    return excinfo.value.code


def rejection_message(data: bytes, name: str = "document.pdf", **kwargs) -> str:
    with pytest.raises(ValidationError) as excinfo:
        validate_upload(
            upload(data, name), allowed=kwargs.pop("allowed", ALL), **kwargs
        )
    return excinfo.value.messages[0]


# --- validate_upload: what is accepted --------------------------------------------


def test_valid_pdf_is_accepted_unchanged():
    data = make_pdf(pages=2)
    cleaned = validate_upload(upload(data, "申請書.pdf"), allowed=ALL)
    assert cleaned.kind == Kind.PDF
    assert cleaned.content == data
    assert cleaned.content_type == "application/pdf"
    assert cleaned.extension == "pdf"
    assert cleaned.size == len(data)
    assert re.fullmatch(r"[0-9a-f]{64}", cleaned.sha256)
    assert cleaned.original_name == "申請書.pdf"


def test_type_is_decided_by_content_not_by_name_or_browser_type():
    cleaned = validate_upload(
        SimpleUploadedFile("scan.pdf", make_png(), content_type="application/pdf"),
        allowed=ALL,
    )
    assert cleaned.kind == Kind.PNG
    assert cleaned.content_type == "image/png"
    assert cleaned.extension == "png"
    assert cleaned.original_name == "scan.pdf.png"  # the suffix tells the truth


def test_weasyprint_pdf_is_accepted():
    import weasyprint

    data = weasyprint.HTML(string="<p>在留</p>").write_pdf()
    assert validate_upload(upload(data), allowed={Kind.PDF}).kind == Kind.PDF


# --- validate_upload: each kind of bad file, with its own code ----------------------


def _truncated_pdf() -> bytes:
    data = make_pdf(pages=3)
    return data[: len(data) // 2]


def _jpeg_cut_short() -> bytes:
    out = io.BytesIO()
    Image.effect_noise((200, 200), 64).convert("RGB").save(out, "JPEG")
    data = out.getvalue()
    return data[: len(data) // 2]


BAD_FILES = {
    "empty": (b"", "empty"),
    "renamed exe": (
        b"MZ\x90\x00\x03" + b"\x00" * 200 + b"This program cannot be run",
        "executable",
    ),
    "elf": (b"\x7fELF\x02\x01\x01" + b"\x00" * 100, "executable"),
    "shell script": (b"#!/bin/sh\nrm -rf /\n", "executable"),
    "svg": (
        b'<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
        "svg",
    ),
    "bare svg": (b"<svg onload=alert(1)>", "svg"),
    "html": (
        b"<!DOCTYPE html><html><body><script>alert(1)</script></body></html>",
        "html",
    ),
    "utf-16 html": ("\ufeff<html><script>x</script></html>".encode("utf-16"), "html"),
    "php": (b"<?php system($_GET['c']); ?>", "html"),
    "zip": (make_zip({"a.pdf": make_pdf()}), "archive"),
    "gzip": (b"\x1f\x8b\x08\x00" + b"\x00" * 50, "archive"),
    "7z": (b"7z\xbc\xaf\x27\x1c" + b"\x00" * 50, "archive"),
    "docx": (make_docx(), "office_document"),
    "old .doc": (
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 500,
        "office_document",
    ),
    "plain text": (b"just some text, not a document\n", "type_not_allowed"),
    "gif": (b"GIF89a\x01\x00\x01\x00\x00\x00\x00;", "type_not_allowed"),
    "encrypted pdf": (make_encrypted_pdf(), "pdf_encrypted"),
    "truncated pdf": (_truncated_pdf(), "pdf_broken"),
    "pdf header only": (b"%PDF-1.7\nnot really a pdf\n%%EOF\n", "pdf_broken"),
    "pdf with html": (
        make_pdf().replace(b"%%EOF", b"<html><script>alert(1)</script></html>\n%%EOF"),
        "polyglot",
    ),
    "pdf with trailing zip": (
        make_pdf() + make_zip({"x.html": b"<b>hi</b>"}),
        "polyglot",
    ),
    "jpeg with trailing zip": (
        make_jpeg() + make_zip({"x.js": b"alert(1)"}),
        "polyglot",
    ),
    "jpeg with trailing html": (make_jpeg() + b"<script>alert(1)</script>", "polyglot"),
    "png with html in a chunk": (
        make_png().replace(b"IEND", b"<html><body>IEND"),
        "polyglot",
    ),
    "jpeg cut short": (_jpeg_cut_short(), "image_broken"),
    "jpeg header only": (b"\xff\xd8\xff\xe0" + b"\x00" * 100, "image_broken"),
    "png garbage": (b"\x89PNG\r\n\x1a\n" + b"\x00" * 100, "image_broken"),
}


def test_truncated_images_are_refused_even_after_weasyprint_is_loaded():
    # WeasyPrint switches Pillow's process-wide LOAD_TRUNCATED_IMAGES on.
    import weasyprint  # noqa: F401
    from PIL import ImageFile

    assert ImageFile.LOAD_TRUNCATED_IMAGES
    assert rejection_code(_jpeg_cut_short(), "a.jpg") == "image_broken"
    png = make_png(size=(300, 300))
    assert rejection_code(png[: len(png) - 30], "a.png") == "image_broken"


@pytest.mark.parametrize("case", BAD_FILES, ids=list(BAD_FILES))
def test_bad_file_is_rejected_with_its_own_code(case):
    data, code = BAD_FILES[case]
    assert rejection_code(data, "evidence.pdf") == code


def test_rejection_names_the_file_and_what_to_do():
    message = rejection_message(make_encrypted_pdf(), "契約書.pdf")
    assert "契約書.pdf" in message
    assert "password-protected; remove the password and upload it again" in message
    assert "Save it as a PDF" in rejection_message(make_docx(), "letter.docx")


def test_a_30_mb_file_is_refused_against_the_10_mb_cap(settings):
    settings.UPLOAD_MAX_FILE_BYTES = 10 * 1024 * 1024
    data = b"%PDF-1.7\n" + b"0" * (30 * 1024 * 1024)
    with pytest.raises(ValidationError) as excinfo:
        validate_upload(upload(data, "big.pdf"), allowed=ALL)
    assert excinfo.value.code == "too_large"
    message = excinfo.value.messages[0]
    assert "10 MB" in message
    assert "30 MB" in message


def test_size_is_counted_from_the_bytes_when_the_declared_size_lies():
    class Liar(io.BytesIO):
        name = "small.pdf"
        size = 10

    with pytest.raises(ValidationError) as excinfo:
        validate_upload(Liar(make_pdf() + b"\n" * 5000), allowed=ALL, max_bytes=1000)
    assert excinfo.value.code == "too_large"


def test_kind_outside_allowed_is_refused_naming_the_allowed_types():
    with pytest.raises(ValidationError) as excinfo:
        validate_upload(upload(make_pdf(), "photo.pdf"), allowed={Kind.JPEG, Kind.PNG})
    assert excinfo.value.code == "type_not_allowed"
    assert "JPEG, PNG" in excinfo.value.messages[0]


def test_image_with_too_many_pixels_is_refused_before_decoding(settings):
    settings.UPLOAD_MAX_IMAGE_PIXELS = 100
    assert (
        rejection_code(make_png(size=(20, 20)), "photo.png") == "image_too_many_pixels"
    )


# --- images are re-encoded without metadata ------------------------------------------


def test_jpeg_comes_back_without_exif_and_upright():
    original = make_jpeg(exif=True)
    assert b"Yamada Taro" in original
    cleaned = validate_upload(upload(original, "photo.JPG", "image/jpeg"), allowed=ALL)
    assert cleaned.kind == Kind.JPEG
    assert cleaned.original_name == "photo.JPG"
    assert b"Yamada Taro" not in cleaned.content
    assert b"secret comment" not in cleaned.content
    assert b"Canon" not in cleaned.content
    image = Image.open(io.BytesIO(cleaned.content))
    assert image.format == "JPEG"
    assert dict(image.getexif()) == {}
    assert "comment" not in image.info
    assert image.size == (20, 40)  # orientation 6 applied, then dropped


def test_png_comes_back_without_exif_or_text_and_keeps_transparency():
    original = make_png(exif=True)
    assert b"Yamada Taro" in original
    cleaned = validate_upload(upload(original, "photo.png", "image/png"), allowed=ALL)
    assert cleaned.kind == Kind.PNG
    assert b"Yamada Taro" not in cleaned.content
    image = Image.open(io.BytesIO(cleaned.content))
    image.load()
    assert image.format == "PNG"
    assert dict(image.getexif()) == {}
    assert "Author" not in image.info
    assert image.mode == "RGBA"
    assert image.size == (20, 40)


# --- names and totals -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("given", "kind", "expected"),
    [
        ("../../etc/passwd", Kind.PDF, "passwd.pdf"),
        ("C:\\Users\\yamada\\在留カード.PDF", Kind.PDF, "在留カード.PDF"),
        ("invoice\u202egpj.exe", Kind.JPEG, "invoicegpj.exe.jpg"),  # bidi override gone
        ("...hidden.png", Kind.PNG, "hidden.png"),
        ("", Kind.PDF, "file.pdf"),
        ("a\x00b\nc.pdf", Kind.PDF, "abc.pdf"),
        ("x" * 400 + ".pdf", Kind.PDF, "x" * 146 + ".pdf"),
    ],
)
def test_display_name_is_sanitised(given, kind, expected):
    assert sanitize_display_name(given, kind) == expected


def test_running_total_over_the_cap_is_refused(settings):
    settings.UPLOAD_MAX_TOTAL_BYTES = 25 * 1024 * 1024
    assert check_total_size(current_bytes=20 * 1024 * 1024, adding_bytes=1024) > 0
    with pytest.raises(ValidationError) as excinfo:
        check_total_size(current_bytes=20 * 1024 * 1024, adding_bytes=6 * 1024 * 1024)
    assert excinfo.value.code == "too_large_total"
    assert "26 MB" in excinfo.value.messages[0]
    assert "25 MB" in excinfo.value.messages[0]


# --- the form field ---------------------------------------------------------------------


class OneFileForm(forms.Form):
    document = PrivateFileField(allowed={Kind.PDF})


class ManyFilesForm(forms.Form):
    documents = PrivateFileField(multiple=True, required=False, max_files=3)


def test_form_field_gives_a_cleaned_upload():
    form = OneFileForm(files=MultiValueDict({"document": [upload(make_pdf())]}))
    assert form.is_valid(), form.errors
    assert isinstance(form.cleaned_data["document"], CleanedUpload)


def test_form_field_reports_the_specific_error():
    form = OneFileForm(
        files=MultiValueDict({"document": [upload(make_encrypted_pdf())]})
    )
    assert not form.is_valid()
    assert form.errors.as_data()["document"][0].code == "pdf_encrypted"


def test_form_field_required_by_default():
    form = OneFileForm(files=MultiValueDict())
    assert not form.is_valid()
    assert form.errors.as_data()["document"][0].code == "required"


def test_multiple_field_cleans_every_file_and_reports_every_error():
    good = ManyFilesForm(
        files=MultiValueDict(
            {"documents": [upload(make_pdf()), upload(make_png(), "a.png")]}
        )
    )
    assert good.is_valid(), good.errors
    assert [c.kind for c in good.cleaned_data["documents"]] == [Kind.PDF, Kind.PNG]

    bad = ManyFilesForm(
        files=MultiValueDict(
            {
                "documents": [
                    upload(make_docx(), "a.docx"),
                    upload(make_pdf()),
                    upload(b"", "b.pdf"),
                ]
            }
        )
    )
    assert not bad.is_valid()
    assert [e.code for e in bad.errors.as_data()["documents"]] == [
        "office_document",
        "empty",
    ]


class PartialFilesForm(forms.Form):
    documents = PrivateFileField(multiple=True, partial=True)


def test_partial_field_keeps_the_good_files_and_names_each_bad_one():
    form = PartialFilesForm(
        files=MultiValueDict(
            {
                "documents": [
                    upload(make_docx(), "a.docx"),
                    upload(make_pdf(), "good.pdf"),
                    upload(b"", "b.pdf"),
                ]
            }
        )
    )
    assert form.is_valid(), form.errors
    batch = form.cleaned_data["documents"]
    assert isinstance(batch, UploadBatch)
    assert [c.original_name for c in batch.accepted] == ["good.pdf"]
    assert [e.code for e in batch.rejected] == ["office_document", "empty"]
    assert "“a.docx”" in batch.rejected[0].messages[0]


def test_partial_field_with_no_good_file_is_an_error():
    form = PartialFilesForm(files=MultiValueDict({"documents": [upload(b"", "b.pdf")]}))
    assert not form.is_valid()
    assert [e.code for e in form.errors.as_data()["documents"]] == ["empty"]


def test_multiple_field_limits_count_and_renders_multiple_input():
    form = ManyFilesForm(
        files=MultiValueDict({"documents": [upload(make_pdf()) for _ in range(4)]})
    )
    assert not form.is_valid()
    assert form.errors.as_data()["documents"][0].code == "too_many_files"
    html = str(ManyFilesForm()["documents"])
    assert "multiple" in html
    assert 'accept="application/pdf' in html


def test_multiple_field_checks_the_total(settings):
    settings.UPLOAD_MAX_TOTAL_BYTES = len(make_pdf()) + 10
    form = ManyFilesForm(
        files=MultiValueDict({"documents": [upload(make_pdf()), upload(make_pdf())]})
    )
    assert not form.is_valid()
    assert form.errors.as_data()["documents"][0].code == "too_large_total"


# --- storing ----------------------------------------------------------------------------


@pytest.mark.django_db
def test_store_upload_writes_bytes_under_a_generated_name(media_root):
    user = UserFactory()
    cleaned = validate_upload(
        upload(make_pdf(), "山田太郎 パスポート.pdf"), allowed=ALL
    )
    stored = store_upload(cleaned=cleaned, uploaded_by=user, purpose="draft")
    assert re.fullmatch(r"private/\d{4}/\d{2}/[0-9a-f]{32}\.pdf", stored.name)
    assert "山田" not in stored.name
    assert stored.original_name == "山田太郎 パスポート.pdf"
    assert (stored.kind, stored.size, stored.sha256) == (
        Kind.PDF,
        cleaned.size,
        cleaned.sha256,
    )
    assert stored.uploaded_by == user
    assert (media_root / stored.name).read_bytes() == cleaned.content
    event = AuditEvent.objects.get(action="file.upload")
    assert event.object_code == str(stored.code)
    assert "山田" not in str(event.data)


@pytest.mark.django_db
def test_failed_row_write_leaves_no_bytes_behind(media_root):
    cleaned = validate_upload(upload(make_pdf()), allowed=ALL)
    # A row the database refuses (sha256 must be 64 hex digits).
    broken = CleanedUpload(**{**cleaned.__dict__, "sha256": "not-a-hash"})
    with pytest.raises(IntegrityError):
        store_upload(cleaned=broken, uploaded_by=None, purpose="draft")
    assert stored_paths(media_root) == []
    assert not StoredFile.objects.exists()


@pytest.mark.django_db
def test_malformed_purpose_stores_nothing(media_root):
    cleaned = validate_upload(upload(make_pdf()), allowed=ALL)
    with pytest.raises(ImproperlyConfigured):
        store_upload(cleaned=cleaned, uploaded_by=None, purpose="../etc")
    assert stored_paths(media_root) == []


@pytest.mark.django_db
def test_rolled_back_caller_leaves_an_orphan_that_the_sweep_removes(media_root):
    cleaned = validate_upload(upload(make_pdf()), allowed=ALL)
    with pytest.raises(RuntimeError), transaction.atomic():
        store_upload(cleaned=cleaned, uploaded_by=None, purpose="draft")
        raise RuntimeError("the caller's later step failed")
    assert not StoredFile.objects.exists()
    assert len(stored_paths(media_root)) == 1
    kept = store_upload(cleaned=cleaned, uploaded_by=None, purpose="draft")

    assert stored_files_sweep_orphans() == 0  # too young: may still be committing
    assert stored_files_sweep_orphans(grace=timedelta(0)) == 1
    assert stored_paths(media_root) == [media_root / kept.name]


@pytest.mark.django_db
def test_delete_removes_row_then_bytes_on_commit(
    media_root, django_capture_on_commit_callbacks
):
    cleaned = validate_upload(upload(make_pdf()), allowed=ALL)
    stored = store_upload(cleaned=cleaned, uploaded_by=None, purpose="draft")
    with django_capture_on_commit_callbacks(execute=True):
        stored_file_delete(stored_file=stored, actor=None)
    assert not StoredFile.objects.exists()
    assert stored_paths(media_root) == []
    assert AuditEvent.objects.filter(
        action="file.delete", object_code=str(stored.code)
    ).exists()


@pytest.mark.django_db
def test_delete_rolled_back_keeps_the_bytes(
    media_root, django_capture_on_commit_callbacks
):
    cleaned = validate_upload(upload(make_pdf()), allowed=ALL)
    stored = store_upload(cleaned=cleaned, uploaded_by=None, purpose="draft")
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        stored_file_delete(stored_file=stored, actor=None)
        raise RuntimeError
    assert callbacks == []
    assert StoredFile.objects.filter(pk=stored.pk).exists()
    assert (media_root / stored.name).exists()


# --- access registry ----------------------------------------------------------------------


def test_registering_a_second_checker_for_a_purpose_is_refused(monkeypatch):
    monkeypatch.setattr(access, "_registry", dict(access._registry))

    def first(user, stored_file):
        return "view"

    access.register_file_access("test.one", first)
    access.register_file_access("test.one", first)  # idempotent
    with pytest.raises(ImproperlyConfigured):
        access.register_file_access("test.one", lambda user, stored_file: "none")
    with pytest.raises(ImproperlyConfigured):
        access.register_file_access("Not A Purpose", first)


# --- the download view ----------------------------------------------------------------------


@pytest.fixture
def registry(monkeypatch):
    """A private copy of the registry for one test."""
    monkeypatch.setattr(access, "_registry", dict(access._registry))
    return access


def stored_pdf(
    user, *, purpose: str = "draft", name: str = "在留カード申請書.pdf"
) -> StoredFile:
    cleaned = validate_upload(upload(make_pdf(), name), allowed=ALL)
    return store_upload(cleaned=cleaned, uploaded_by=user, purpose=purpose)


def signed_in(client, user):
    client.force_login(user)
    return client


@pytest.mark.django_db
def test_uploader_downloads_a_draft_with_safe_headers(client, media_root):
    user = UserFactory(mfa=True)
    stored = stored_pdf(user)
    response = signed_in(client, user).get(f"/files/{stored.code}/")
    assert response.status_code == 200
    assert (
        b"".join(response.streaming_content) == (media_root / stored.name).read_bytes()
    )
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == (
        "attachment; filename*=utf-8''"
        "%E5%9C%A8%E7%95%99%E3%82%AB%E3%83%BC%E3%83%89%E7%94%B3%E8%AB%8B%E6%9B%B8.pdf"
    )
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cache-Control"] == "no-store, private"
    assert response["Content-Security-Policy"] == "sandbox"
    event = AuditEvent.objects.get(action="file.download")
    assert event.actor == user
    assert event.object_code == str(stored.code)


@pytest.mark.django_db
def test_stranger_gets_404_and_no_audit_of_a_download(client, media_root):
    stored = stored_pdf(UserFactory())
    response = signed_in(client, UserFactory(mfa=True)).get(f"/files/{stored.code}/")
    assert response.status_code == 404
    assert not AuditEvent.objects.filter(action="file.download").exists()


@pytest.mark.django_db
def test_unknown_code_and_unregistered_purpose_look_the_same(client, media_root):
    user = UserFactory(mfa=True)
    orphaned = stored_pdf(user, purpose="nobody.registered")
    signed_in(client, user)
    assert client.get(f"/files/{orphaned.code}/").status_code == 404
    assert client.get(f"/files/{uuid.uuid4()}/").status_code == 404


@pytest.mark.django_db
def test_anonymous_is_sent_to_sign_in(client, media_root):
    stored = stored_pdf(UserFactory())
    response = client.get(f"/files/{stored.code}/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


@pytest.mark.django_db
def test_attached_draft_is_decided_by_its_new_checker(client, media_root, registry):
    uploader, officer = UserFactory(mfa=True), UserFactory(mfa=True)
    registry.register_file_access(
        "test.case", lambda user, f: "view_inline" if user == officer else "none"
    )
    stored = stored_pdf(uploader)
    stored_file_set_purpose(stored_file=stored, purpose="test.case")
    assert signed_in(client, uploader).get(f"/files/{stored.code}/").status_code == 404
    response = signed_in(client, officer).get(f"/files/{stored.code}/?inline=1")
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("inline;")
    assert AuditEvent.objects.get(action="file.download").data == {"inline": True}


@pytest.mark.django_db
def test_an_image_preview_is_inline_for_whoever_may_download_it(
    client, media_root, registry
):
    uploader = UserFactory(mfa=True)
    cleaned = validate_upload(upload(make_png(), "me.png"), allowed=ALL)
    image = store_upload(cleaned=cleaned, uploaded_by=uploader, purpose="draft")
    response = signed_in(client, uploader).get(f"/files/{image.code}/?preview=1")
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("inline;")
    assert response["Content-Security-Policy"] == "sandbox"
    assert AuditEvent.objects.get(action="file.download").data == {
        "inline": True,
        "preview": True,
    }
    # A PDF is never previewed this way: it stays an attachment.
    pdf = stored_pdf(uploader)
    response = client.get(f"/files/{pdf.code}/?preview=1")
    assert response["Content-Disposition"].startswith("attachment;")
    # A stranger gets the same 404 as for a download.
    other = UserFactory(mfa=True)
    assert (
        signed_in(client, other).get(f"/files/{image.code}/?preview=1").status_code
        == 404
    )


@pytest.mark.django_db
def test_inline_needs_the_inline_grant(client, media_root, registry):
    user = UserFactory(mfa=True)
    registry.register_file_access("test.view", lambda u, f: "view")
    stored = stored_pdf(user, purpose="test.view")
    response = signed_in(client, user).get(f"/files/{stored.code}/?inline=1")
    assert response["Content-Disposition"].startswith("attachment;")


@pytest.mark.django_db
def test_checker_answer_outside_the_vocabulary_means_no_access(
    client, media_root, registry
):
    user = UserFactory(mfa=True)
    registry.register_file_access("test.sloppy", lambda u, f: True)
    stored = stored_pdf(user, purpose="test.sloppy")
    assert signed_in(client, user).get(f"/files/{stored.code}/").status_code == 404


@pytest.mark.django_db
def test_missing_bytes_give_404_not_500(client, media_root):
    user = UserFactory(mfa=True)
    stored = stored_pdf(user)
    default_storage.delete(stored.name)
    assert signed_in(client, user).get(f"/files/{stored.code}/").status_code == 404


@pytest.mark.django_db
def test_download_is_get_only(client, media_root):
    user = UserFactory(mfa=True)
    stored = stored_pdf(user)
    assert signed_in(client, user).post(f"/files/{stored.code}/").status_code == 405


@pytest.mark.django_db
def test_admin_lists_files_read_only(client, media_root):
    admin = UserFactory(mfa=True, is_staff=True, is_superuser=True)
    stored = stored_pdf(admin)
    signed_in(client, admin)
    listing = client.get("/admin/files/storedfile/")
    assert listing.status_code == 200
    assert str(stored.code) in listing.content.decode()
    assert client.get("/admin/files/storedfile/add/").status_code == 403
    detail = client.get(f"/admin/files/storedfile/{stored.pk}/change/")
    assert detail.status_code == 200
    assert 'name="purpose"' not in detail.content.decode()  # nothing editable
