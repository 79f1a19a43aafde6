"""Certificates and notices as PDFs, and the public check of an electronic
Certificate of Eligibility.

Rendering: ``certificates_render`` makes the Japanese and English PDF of
every ``Certificate`` row of an application that lacks one, in a Celery task
(``review.tasks.render_certificates``, queued on commit by the issuance
services; a periodic sweep catches lost tasks) — never inside a request
(QUALITY.md item 27).  Files are private ``StoredFile`` rows of purpose
``certificate``; ``certificate_file_access`` (registered in ReviewConfig.ready)
lets the application's organisation users download them and the officers of
the office view them inline.  Each language is stored and recorded by
compare-and-swap in one transaction, so two workers racing leave one file.

Verification (``coe_verify``): a code of 12 characters from an alphabet
without look-alikes (no 0/O, 1/I/L), about 59 bits, answers "valid until X",
"expired on X" or "unknown".  What a valid or expired answer shows is the
documented minimum a visa or landing officer needs to match the paper to the
passport in front of them: the kind of document, the status of residence,
the date of issue and of expiry, and the holder's name masked to initials
(``mask_name``: "NGUYEN VAN AN" → "N*** V*** A***").  Never the date of
birth, nationality, passport number, address or the organisation.
"""

from __future__ import annotations

import hashlib
import logging
import unicodedata
from dataclasses import dataclass
from datetime import date
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from accounts.permissions import case_office_ids
from applications.models import Application, StatusOfResidence
from applications.selectors import application_in_scope
from portal.files.access import Access
from portal.files.services import store_upload
from portal.lib.files import CleanedUpload, Kind
from portal.lib.pdf import render_pdf
from review.models import Certificate, Decision, ResidenceCard

logger = logging.getLogger(__name__)

PURPOSE = "certificate"
LANGUAGES = ("ja", "en")
TOKYO = ZoneInfo("Asia/Tokyo")
TEMPLATES: dict[str, str] = {
    Certificate.Kind.DECISION_NOTICE: "pdf/decision_notice.html",
    Certificate.Kind.COE: "pdf/coe.html",
    Certificate.Kind.AUTHORIZED_EMPLOYMENT: "pdf/authorized_employment.html",
    Certificate.Kind.OTHER_ACTIVITY: "pdf/other_activity.html",
    Certificate.Kind.REENTRY: "pdf/reentry.html",
    Certificate.Kind.DOCUMENT_REQUEST: "pdf/document_request.html",
}
FILE_STEM: dict[str, str] = {
    Certificate.Kind.DECISION_NOTICE: "decision-notice",
    Certificate.Kind.COE: "certificate-of-eligibility",
    Certificate.Kind.AUTHORIZED_EMPLOYMENT: "certificate-of-authorized-employment",
    Certificate.Kind.OTHER_ACTIVITY: "permission-for-other-activity",
    Certificate.Kind.REENTRY: "reentry-permit",
    Certificate.Kind.DOCUMENT_REQUEST: "request-for-documents",
}


# --- Rendering --------------------------------------------------------------------------


def format_verification_code(code: str | None) -> str:
    """``ABCD2345EFGH`` → ``ABCD-2345-EFGH`` (as printed)."""
    if not code:
        return ""
    return "-".join(code[i : i + 4] for i in range(0, len(code), 4))


def certificate_context(certificate: Certificate) -> dict[str, Any]:
    """What the certificate templates show."""
    application = Application.objects.select_related(
        "application_type",
        "foreign_national",
        "organization",
        "office",
        "target_status",
        "foreign_national__current_status",
    ).get(pk=certificate.application_id)
    decision = (
        Decision.objects.filter(application=application, state=Decision.State.APPROVED)
        .select_related("granted_status")
        .first()
    )
    companions = list(
        Application.objects.filter(main=application)
        .select_related("application_type")
        .order_by("application_type__sort_order", "id")
    )
    card = (
        ResidenceCard.objects.filter(application=application)
        .select_related("status")
        .first()
    )
    status: StatusOfResidence | None = (
        (decision.granted_status if decision and decision.granted_status else None)
        or application.target_status
        or application.foreign_national.current_status
    )
    reentry = next(
        (c for c in companions if c.application_type.code == "reentry"), None
    )
    other = next(
        (c for c in companions if c.application_type.code == "other_activity"), None
    )
    issued_at = timezone.localtime(certificate.created_at, TOKYO)
    decided_at = (
        timezone.localtime(application.decided_at, TOKYO)
        if application.decided_at
        else None
    )
    document_request = certificate.document_request
    return {
        "certificate": certificate,
        "document_request": document_request,
        "items": list(document_request.items.order_by("sort_order", "id"))
        if document_request is not None
        else [],
        "requested_on": timezone.localtime(document_request.created_at, TOKYO).date()
        if document_request is not None
        else None,
        "application": application,
        "person": application.foreign_national,
        "organization": application.organization,
        "office": application.office,
        "decision": decision,
        "granted": bool(decision and decision.outcome == Decision.Outcome.GRANT),
        "status": status,
        "companions": companions,
        "reentry": reentry,
        "other_activity": other,
        "card": card,
        "issued_on": issued_at.date(),
        "decided_on": decided_at.date() if decided_at else None,
        "verification_code": format_verification_code(certificate.verification_code),
        "verify_url": settings.PORTAL_BASE_URL.rstrip("/")
        + reverse("review:verify_coe"),
    }


def _upload(pdf: bytes, name: str) -> CleanedUpload:
    return CleanedUpload(
        content=pdf,
        kind=Kind.PDF,
        content_type="application/pdf",
        extension="pdf",
        size=len(pdf),
        sha256=hashlib.sha256(pdf).hexdigest(),
        original_name=name,
    )


def file_name(
    certificate: Certificate, receipt_number: str | None, language: str
) -> str:
    stem = FILE_STEM.get(certificate.kind, certificate.kind)
    if certificate.document_request_id is not None:
        # A case may get several requests: each notice names its own.
        stem = f"{stem}-{certificate.pk}"
    return f"{stem}-{receipt_number}-{language}.pdf"


class _Lost(Exception):
    """Another worker recorded the file first."""


def certificates_render(*, application_id: int) -> int:
    """Render and store every missing language of every certificate of the
    application that has a template.  Returns how many files it stored;
    0 when everything was done (or the id is unknown)."""
    certificates = list(
        Certificate.objects.filter(application_id=application_id)
        .filter(Q(file_ja__isnull=True) | Q(file_en__isnull=True))
        .select_related("application", "document_request")
        .order_by("id")
    )
    stored_count = 0
    for certificate in certificates:
        template = TEMPLATES.get(certificate.kind)
        if template is None:
            continue  # a kind without a PDF
        context = certificate_context(certificate)
        for language in LANGUAGES:
            column = f"file_{language}"
            if getattr(certificate, f"{column}_id") is not None:
                continue
            pdf = render_pdf(template, context, language=language)
            stored = None
            try:
                with transaction.atomic():
                    stored = store_upload(
                        cleaned=_upload(
                            pdf,
                            file_name(
                                certificate,
                                certificate.application.receipt_number,
                                language,
                            ),
                        ),
                        uploaded_by=None,
                        purpose=PURPOSE,
                    )
                    won = Certificate.objects.filter(
                        pk=certificate.pk, **{f"{column}__isnull": True}
                    ).update(**{column: stored})
                    if not won:
                        raise _Lost
            except (_Lost, IntegrityError):
                if stored is not None:
                    _delete_bytes(stored.name)
                continue
            stored_count += 1
            logger.info(
                "certificate %s (%s) rendered for application %s",
                certificate.kind,
                language,
                application_id,
            )
    return stored_count


def _delete_bytes(name: str) -> None:
    try:
        default_storage.delete(name)
    except Exception:
        logger.exception("could not delete surplus certificate %s", name)


# --- Access to the files ---------------------------------------------------------------------


def certificate_file_access(user: Any, stored_file: Any) -> Access:
    """File-access checker for purpose "certificate": the users of the
    application's organisation may download (suspended and expired ones
    too — read access); examiners, supervisors and clerks of the
    application's office may view inline; everybody else: none."""
    facts = (
        Certificate.objects.filter(
            Q(file_ja_id=stored_file.pk) | Q(file_en_id=stored_file.pk)
        )
        .values("application_id", "application__office_id")
        .first()
    )
    if facts is None:
        return "none"
    if application_in_scope(user=user, application_id=facts["application_id"]):
        return "view"
    if facts["application__office_id"] in case_office_ids(user):
        return "view_inline"
    return "none"


# --- Public verification of an electronic COE ----------------------------------------------


def normalize_verification_code(value: str) -> str | None:
    """Upper-case the code, drop hyphens and spaces (full-width too); None
    unless 12 characters of the code alphabet remain."""
    from review.services.issuance import VERIFICATION_ALPHABET, VERIFICATION_LENGTH

    text = unicodedata.normalize("NFKC", value or "").upper()
    text = "".join(ch for ch in text if ch not in " -‐−ー\t")
    if len(text) != VERIFICATION_LENGTH or any(
        ch not in VERIFICATION_ALPHABET for ch in text
    ):
        return None
    return text


def mask_name(*parts: str) -> str:
    """Initials with a fixed mask per word (the length of a name is not
    revealed): ``mask_name("NGUYEN", "VAN AN")`` → ``"N*** V*** A***"``."""
    words = [w for part in parts for w in (part or "").split()]
    return " ".join(f"{w[0].upper()}***" for w in words if w)


@dataclass(frozen=True)
class Verification:
    """``state`` is "valid", "expired" or "unknown"; the other fields are
    empty for "unknown"."""

    state: str
    certificate: Certificate | None = None
    valid_until: date | None = None
    issued_on: date | None = None
    status: StatusOfResidence | None = None
    holder: str = ""


def coe_verify(*, code: str, today: date | None = None) -> Verification:
    """Look up an electronic COE by its verification code (already
    normalised).  A certificate whose application was not dispatched yet is
    not public: it answers "unknown" like a code that does not exist."""
    today = today or timezone.localdate()
    certificate = (
        Certificate.objects.filter(
            kind=Certificate.Kind.COE,
            verification_code=code,
            application__dispatch__isnull=False,
        )
        .select_related("application__foreign_national", "application__target_status")
        .first()
    )
    if certificate is None or certificate.valid_until is None:
        return Verification(state="unknown")
    application = certificate.application
    decision = (
        Decision.objects.filter(application=application, state=Decision.State.APPROVED)
        .select_related("granted_status")
        .first()
    )
    status = (
        decision.granted_status if decision else None
    ) or application.target_status
    person = application.foreign_national
    return Verification(
        state="valid" if today <= certificate.valid_until else "expired",
        certificate=certificate,
        valid_until=certificate.valid_until,
        issued_on=timezone.localtime(certificate.created_at, TOKYO).date(),
        status=status,
        holder=mask_name(person.family_name, person.given_name),
    )
