"""Builders for the filing tests: a person of an organisation, drafts, files
that pass (or fail) the upload checks, and a draft completed up to the
declaration."""

from __future__ import annotations

import io
from datetime import date, timedelta
from typing import Any

from django.utils import timezone

from pypdf import PdfWriter

from accounts.models import Organization, User
from applications import draft_form, services
from applications.models import (
    Application,
    ApplicationType,
    ForeignNational,
    StatusOfResidence,
)
from applications.selectors import document_slots_for
from portal.lib.files import CleanedUpload, Kind, validate_upload

EHI = "engineer_humanities_international"


def person(org: Organization, **fields: Any) -> ForeignNational:
    """An Engineer/Specialist with a 1-year period ending in 60 days (inside
    the extension window), residence card and passport."""
    today = timezone.localdate()
    values: dict[str, Any] = {
        "family_name": "NGUYEN",
        "given_name": "VAN AN",
        "sex": "M",
        "date_of_birth": date(1995, 4, 1),
        "nationality": "VN",
        "passport_number": "C1234567",
        "passport_expiry": today + timedelta(days=2000),
        "residence_card_number": "AB12345678CD",
        "current_status": StatusOfResidence.objects.get(code=EHI),
        "current_period": "1y",
        "period_expiry": today + timedelta(days=60),
        "address_in_japan": "東京都千代田区千代田1-1",
    }
    values.update(fields)
    return ForeignNational.objects.create(organization=org, **values)


def draft(
    user: User,
    fn: ForeignNational,
    type_code: str = "extension",
    companions: tuple[str, ...] = (),
) -> Application:
    return services.application_create(
        foreign_national=fn,
        application_type=ApplicationType.objects.get(code=type_code),
        companions=[ApplicationType.objects.get(code=c) for c in companions],
        actor=user,
    )


def person_post(application: Application, **overrides: str) -> dict[str, str]:
    """The person page's POST for the draft's person as recorded now."""
    fn = application.foreign_national
    fn.refresh_from_db()
    data = {
        "version": str(application.version),
        "loaded_at": fn.updated_at.isoformat(),
        "family_name": fn.family_name,
        "given_name": fn.given_name,
        "name_kanji": fn.name_kanji,
        "sex": fn.sex,
        "date_of_birth": fn.date_of_birth.isoformat(),
        "nationality": fn.nationality,
        "passport_number": fn.passport_number,
        "passport_expiry": fn.passport_expiry.isoformat() if fn.passport_expiry else "",
        "residence_card_number": fn.residence_card_number,
        "current_status": str(fn.current_status_id or ""),
        "current_subcategory": str(fn.current_subcategory_id or ""),
        "current_period": fn.current_period,
        "period_expiry": fn.period_expiry.isoformat() if fn.period_expiry else "",
        "address_in_japan": fn.address_in_japan,
    }
    data.update(overrides)
    return data


def pdf_bytes(
    pages: int = 1, *, password: str | None = None, padding: int = 0
) -> bytes:
    """A valid PDF; ``padding`` bytes of metadata make it bigger."""
    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=595, height=842)
    if padding:
        writer.add_metadata({"/Subject": "x" * padding})
    if password:
        writer.encrypt(password)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def image_bytes(width: int = 300, height: int = 400, fmt: str = "PNG") -> bytes:
    """A picture with something on it (a head and shoulders on a plain
    background), so the photo's blank check passes."""
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (width, height), (200, 210, 230))
    draw = ImageDraw.Draw(image)
    draw.ellipse(
        (width * 0.3, height * 0.15, width * 0.7, height * 0.6), fill=(90, 60, 40)
    )
    draw.rectangle(
        (width * 0.15, height * 0.65, width * 0.85, height), fill=(20, 30, 60)
    )
    out = io.BytesIO()
    image.save(out, format=fmt)
    return out.getvalue()


def text_pdf_bytes(*, blank_second_page: bool = False) -> bytes:
    """A born-digital PDF: a page with a line of text (no scan warnings),
    optionally followed by a blank page."""
    from pypdf.generic import DecodedStreamObject, DictionaryObject, NameObject

    writer = PdfWriter()
    page = writer.add_blank_page(width=595, height=842)
    font = DictionaryObject(
        {
            NameObject("/Type"): NameObject("/Font"),
            NameObject("/Subtype"): NameObject("/Type1"),
            NameObject("/BaseFont"): NameObject("/Helvetica"),
        }
    )
    page[NameObject("/Resources")] = DictionaryObject(
        {
            NameObject("/Font"): DictionaryObject(
                {NameObject("/F1"): writer._add_object(font)}
            )
        }
    )
    stream = DecodedStreamObject()
    stream.set_data(b"BT /F1 12 Tf 72 720 Td (Certificate of tax paid) Tj ET")
    page[NameObject("/Contents")] = writer._add_object(stream)
    if blank_second_page:
        writer.add_blank_page(width=595, height=842)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def blank_image_bytes(width: int = 300, height: int = 400, fmt: str = "PNG") -> bytes:
    """One colour with faint noise, as a photo of a wall or a lens cap gives."""
    import random

    from PIL import Image

    image = Image.new("L", (width, height), 235)
    noise = random.Random(7)
    pixels = image.load()
    assert pixels is not None
    for _ in range(width * height // 20):
        x, y = noise.randrange(width), noise.randrange(height)
        pixels[x, y] = 235 + noise.randint(-10, 10)
    out = io.BytesIO()
    image.convert("RGB").save(out, format=fmt)
    return out.getvalue()


def cleaned(data: bytes, name: str) -> CleanedUpload:
    from django.core.files.uploadedfile import SimpleUploadedFile

    return validate_upload(SimpleUploadedFile(name, data), allowed=frozenset(Kind))


def upload_required_documents(application: Application, user: User) -> None:
    """One valid file in every required slot (a PNG photo, PDFs elsewhere)."""
    slots = document_slots_for(
        application_type=application.application_type,
        status=application.target_status or application.foreign_national.current_status,
        org_category=application.organization.category,
    )
    for slot in slots:
        if not slot.required:
            continue
        application.refresh_from_db()
        data = image_bytes() if slot.photo else pdf_bytes()
        name = "photo.png" if slot.photo else f"{slot.code}.pdf"
        services.application_documents_add(
            application=application,
            slot=slot,
            uploads=[cleaned(data, name)],
            expected_version=application.version,
            actor=user,
        )
    application.refresh_from_db()


def ready_extension(
    user: User, fn: ForeignNational, *, reentry_until: date | None = None
) -> Application:
    """An extension (with a re-entry companion when ``reentry_until`` is
    given) that passes every eligibility rule."""
    companions = ("reentry",) if reentry_until else ()
    application = draft(user, fn, "extension", companions)
    services.application_update(
        application=application,
        expected_version=application.version,
        actor=user,
        fields={"requested_period": "1y"},
        section="application",
    )
    application.refresh_from_db()
    if reentry_until:
        services.application_companions_set(
            application=application,
            wanted={
                "reentry": {
                    "reentry_variant": "multiple",
                    "reentry_until": reentry_until,
                }
            },
            expected_version=application.version,
            actor=user,
        )
        application.refresh_from_db()
    upload_required_documents(application, user)
    return complete_form(application, user)


def complete_form(application: Application, user: User) -> Application:
    """Every page of the draft's 申請書 answered (pre-fill where valid)."""
    draft_form.fill_with_samples(application, actor=user)
    application.refresh_from_db()
    return application
