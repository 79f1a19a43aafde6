"""PDF documents the portal makes for an application: the receipt (申請受付票)
and the application form (申請書) as sent, each in Japanese and English.

Rendered in a background task (``applications.tasks.render_receipt``, queued
by ``services.application_submit`` on commit), never inside a request
(QUALITY.md item 27), and stored as private ``StoredFile`` rows recorded in
``GeneratedDocument``.  Rendering is idempotent: a language already recorded
is skipped, and two workers racing leave one file.
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.db.models import Count, Q
from django.utils import timezone

from applications.models import Application, Fee, GeneratedDocument
from applications.selectors import fee_for
from applications.workflow import Status
from portal.files.services import store_upload
from portal.lib.files import CleanedUpload, Kind
from portal.lib.pdf import render_pdf

logger = logging.getLogger(__name__)

RECEIPT_TEMPLATE = "pdf/receipt.html"
RECEIPT_LANGUAGES = ("ja", "en")
# Purpose of the receipt files (access: ``selectors.application_file_access``).
RECEIPT_PURPOSE = "application_receipt"
TOKYO = ZoneInfo("Asia/Tokyo")


@dataclass(frozen=True)
class FeeLine:
    application: Application
    amount_yen: int | None  # None: the fee table has no row (a data error)

    @property
    def amount_text(self) -> str:
        return f"{self.amount_yen:,}" if self.amount_yen is not None else ""


def _fee_line(application: Application, received_on: date) -> FeeLine:
    try:
        amount = fee_for(
            application_type=application.application_type,
            variant=application.reentry_variant or "",
            channel=Fee.Channel.ONLINE,
            received_on=received_on,
        )
    except Fee.DoesNotExist:
        logger.error(
            "no fee row for application %s (%s, %r) received on %s",
            application.pk,
            application.application_type.code,
            application.reentry_variant,
            received_on,
        )
        amount = None
    return FeeLine(application=application, amount_yen=amount)


def receipt_context(application: Application) -> dict[str, Any]:
    """What ``pdf/receipt.html`` shows: the application, its companions, the
    person, organisation and office, the time received (Asia/Tokyo) and the
    fees that will be due if permission is granted (online channel, by the
    day received)."""
    companions = list(
        application.companions.select_related("application_type").order_by(
            "application_type__sort_order", "id"
        )
    )
    submitted_at = application.submitted_at
    received_at: datetime | None = (
        timezone.localtime(submitted_at, TOKYO) if submitted_at else None
    )
    received_on = application.received_on or (
        received_at.date() if received_at else timezone.localdate()
    )
    fees = [_fee_line(a, received_on) for a in (application, *companions)]
    known = [f.amount_yen for f in fees if f.amount_yen is not None]
    return {
        "application": application,
        "companions": companions,
        "person": application.foreign_national,
        "organization": application.organization,
        "office": application.office,
        "submitted_by": application.submitted_by,
        "received_at": received_at,
        "received_on": received_on,
        "fees": fees,
        "fee_total": f"{sum(known):,}",
        "fees_complete": len(known) == len(fees),
    }


def _pdf_upload(pdf: bytes, *, name: str) -> CleanedUpload:
    return CleanedUpload(
        content=pdf,
        kind=Kind.PDF,
        content_type="application/pdf",
        extension="pdf",
        size=len(pdf),
        sha256=hashlib.sha256(pdf).hexdigest(),
        original_name=name,
    )


def receipt_file_name(application: Application, language: str) -> str:
    return f"receipt-{application.receipt_number}-{language}.pdf"


def receipt_render(*, application_id: int) -> bool:
    """Render and store the receipt of a submitted main application in every
    language not rendered yet.  Returns True when it stored at least one.

    Drafts, companions (they are on their main application's receipt) and
    unknown ids are skipped with False.  Each language is stored and recorded
    in one transaction; when another worker recorded it first, this run's
    file is deleted again and the language counts as done."""
    application = (
        Application.objects.select_related(
            "application_type",
            "foreign_national",
            "organization",
            "office",
            "submitted_by",
            "target_status",
            "target_subcategory",
        )
        .filter(pk=application_id, main__isnull=True)
        .exclude(status=Status.DRAFT)
        .first()
    )
    if application is None:
        logger.warning(
            "no receipt for application %s: not a submitted main application",
            application_id,
        )
        return False
    done = set(
        GeneratedDocument.objects.filter(
            application=application, kind=GeneratedDocument.Kind.RECEIPT
        ).values_list("language", flat=True)
    )
    todo = [language for language in RECEIPT_LANGUAGES if language not in done]
    if not todo:
        return False
    context = receipt_context(application)
    stored_any = False
    for language in todo:
        pdf = render_pdf(RECEIPT_TEMPLATE, context, language=language)
        stored = None
        try:
            with transaction.atomic():
                stored = store_upload(
                    cleaned=_pdf_upload(
                        pdf, name=receipt_file_name(application, language)
                    ),
                    uploaded_by=None,
                    purpose=RECEIPT_PURPOSE,
                )
                GeneratedDocument.objects.create(
                    application=application,
                    kind=GeneratedDocument.Kind.RECEIPT,
                    language=language,
                    file=stored,
                )
        except IntegrityError:
            # Another worker recorded this language first; ours is surplus.
            # The savepoint rolled our row back, so only the bytes remain.
            if stored is not None:
                _delete_bytes(stored.name)
            continue
        stored_any = True
        logger.info("receipt rendered: application %s (%s)", application.pk, language)
    return stored_any


# --- The application form (申請書) ---------------------------------------------

FORM_TEMPLATE = "pdf/application_form.html"


def application_form_context(application: Application, language: str) -> dict[str, Any]:
    """What ``pdf/application_form.html`` shows: the answers as sent, section
    by section in ``language`` (``presenters.form_summary``), with the rows
    that differ from the person's record as sent marked."""
    from applications.application_forms import storage
    from applications.application_forms.presenters import form_summary
    from applications.check_answers import reference_labels
    from applications.models import ForeignNational

    edition, answers = storage.read(application.answers["form"])
    person = ForeignNational.from_snapshot(application.answers.get("person") or {})
    sections = form_summary(
        edition,
        answers,
        language=language,
        person=person,
        reference_labels=reference_labels(language),
    )
    parts = []
    for part in edition.parts():
        parts.append(
            {
                "part": part.value,
                "sections": [s for s in sections if s.part == part.value],
            }
        )
    return {
        "application": application,
        "edition": edition,
        "title": edition.title_en if language == "en" else edition.title_ja,
        "parts": parts,
        "office": application.office,
        "organization": application.organization,
        "received_on": application.received_on,
    }


def application_form_file_name(application: Application, language: str) -> str:
    return f"application-form-{application.receipt_number}-{language}.pdf"


def application_form_render(*, application_id: int) -> bool:
    """Render and store the 申請書 of a submitted main application (ja, and
    the en companion) in every language not rendered yet; True when it stored
    one.  Skips drafts, companions, unknown ids and applications sent without
    a form (before the form pages existed)."""
    application = (
        Application.objects.select_related(
            "application_type", "organization", "office", "foreign_national"
        )
        .filter(pk=application_id, main__isnull=True)
        .exclude(status=Status.DRAFT)
        .first()
    )
    if application is None or not (application.answers or {}).get("form"):
        return False
    return _render_missing(
        application,
        GeneratedDocument.Kind.APPLICATION_FORM,
        lambda language: render_pdf(
            FORM_TEMPLATE,
            application_form_context(application, language),
            language=language,
        ),
        lambda language: application_form_file_name(application, language),
    )


def _render_missing(
    application: Application,
    kind: str,
    render: Any,
    file_name: Any,
) -> bool:
    """Render and store ``kind`` in each language it lacks; a language
    another worker stored first is left to it (our bytes are deleted)."""
    done = set(
        GeneratedDocument.objects.filter(
            application=application, kind=kind
        ).values_list("language", flat=True)
    )
    stored_any = False
    for language in [lang for lang in RECEIPT_LANGUAGES if lang not in done]:
        pdf = render(language)
        stored = None
        try:
            with transaction.atomic():
                stored = store_upload(
                    cleaned=_pdf_upload(pdf, name=file_name(language)),
                    uploaded_by=None,
                    purpose=RECEIPT_PURPOSE,
                )
                GeneratedDocument.objects.create(
                    application=application, kind=kind, language=language, file=stored
                )
        except IntegrityError:
            if stored is not None:
                _delete_bytes(stored.name)
            continue
        stored_any = True
        logger.info("%s rendered: application %s (%s)", kind, application.pk, language)
    return stored_any


def application_forms_missing(*, limit: int = 100) -> list[int]:
    """Ids of recent submitted main applications with a form whose 申請書
    PDF is missing in some language (for the sweep), oldest first."""
    now = timezone.now()
    return list(
        Application.objects.filter(
            main__isnull=True,
            submitted_at__gte=now - SWEEP_WINDOW,
            submitted_at__lte=now - SWEEP_GRACE,
            answers__has_key="form",
        )
        .annotate(
            forms=Count(
                "generated_documents",
                filter=Q(
                    generated_documents__kind=GeneratedDocument.Kind.APPLICATION_FORM
                ),
            )
        )
        .filter(forms__lt=len(RECEIPT_LANGUAGES))
        .order_by("submitted_at", "id")
        .values_list("pk", flat=True)[:limit]
    )


def _delete_bytes(name: str) -> None:
    try:
        default_storage.delete(name)
    except Exception:
        logger.exception("could not delete surplus receipt %s", name)


# How far back the sweep looks for submissions whose receipt is missing (the
# broker was down at submission, or every retry failed).
SWEEP_WINDOW = timedelta(days=3)
# Younger submissions are left to the task queued on commit.
SWEEP_GRACE = timedelta(minutes=5)


def receipts_missing(*, limit: int = 100) -> list[int]:
    """Ids of submitted main applications of the last ``SWEEP_WINDOW`` (older
    than ``SWEEP_GRACE``) that lack a receipt in some language, oldest first."""
    now = timezone.now()
    return list(
        Application.objects.filter(
            main__isnull=True,
            submitted_at__gte=now - SWEEP_WINDOW,
            submitted_at__lte=now - SWEEP_GRACE,
        )
        .annotate(
            receipts=Count(
                "generated_documents",
                filter=Q(generated_documents__kind=GeneratedDocument.Kind.RECEIPT),
            )
        )
        .filter(receipts__lt=len(RECEIPT_LANGUAGES))
        .order_by("submitted_at", "id")
        .values_list("pk", flat=True)[:limit]
    )
