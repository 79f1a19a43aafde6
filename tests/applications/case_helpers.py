"""Builders for tests of submitted applications (cases): a foreign national
who may extend now, drafts with companions and every required document, and
cases put straight into a status (for lists and the workflow walk)."""

from __future__ import annotations

import hashlib
import itertools
from datetime import timedelta
from typing import Any

from django.utils import timezone

from accounts.models import Organization, User
from applications import draft_form, services
from applications.application_forms import storage
from applications.application_forms.samples import sample_answers
from applications.models import (
    Application,
    ApplicationDocument,
    ApplicationType,
    ForeignNational,
    StatusOfResidence,
)
from applications.selectors import document_slots_for
from applications.workflow import Status
from portal.files.models import StoredFile
from portal.files.services import store_upload
from portal.lib.files import CleanedUpload, Kind
from tests.accounts.org_helpers import pdf_bytes

_serial = itertools.count(1)


def person(org: Organization, **fields: Any) -> ForeignNational:
    """An Engineer/Specialist in Humanities/International Services with one
    year of stay ending in 60 days: an extension may be filed today."""
    n = next(_serial)
    values: dict[str, Any] = {
        "organization": org,
        "family_name": f"NGUYEN{n}",
        "given_name": "VAN AN",
        "name_kanji": "",
        "sex": "M",
        "date_of_birth": "1995-04-01",
        "nationality": "VN",
        "passport_number": f"C{n:07d}",
        "residence_card_number": f"AB{n:08d}CD",
        "current_status": StatusOfResidence.objects.get(
            code="engineer_humanities_international"
        ),
        "current_period": "1y",
        "period_expiry": timezone.localdate() + timedelta(days=60),
        "address_in_japan": "東京都千代田区千代田1-1",
    }
    values.update(fields)
    return ForeignNational.objects.create(**values)


def app_type(code: str) -> ApplicationType:
    return ApplicationType.objects.get(code=code)


def draft(
    org: Organization,
    user: User,
    *,
    type_code: str = "extension",
    companions: tuple[str, ...] = ("reentry",),
    fn: ForeignNational | None = None,
    **fields: Any,
) -> Application:
    """A complete draft (what the filing flow would leave before submitting)."""
    fn = fn or person(org)
    values: dict[str, Any] = {
        "application_type": app_type(type_code),
        "organization": org,
        "foreign_national": fn,
        "created_by": user,
        "requested_period": "3y" if type_code in ("extension", "change") else "",
        "answers": {"saved": ["person", "application"]},
    }
    values.update(fields)
    main = Application.objects.create(**values)
    edition = draft_form.draft_edition(main)
    if edition is not None and "form" not in main.answers:
        # Every page of the 申請書 answered.
        raw = sample_answers(edition, today=timezone.localdate())
        main.answers = {**main.answers, "form": storage.envelope(edition, raw=raw)}
        Application.objects.filter(pk=main.pk).update(answers=main.answers)
    for code in companions:
        extra: dict[str, Any] = {}
        if code == "reentry":
            extra = {
                "reentry_variant": "multiple",
                "reentry_until": (fn.period_expiry or timezone.localdate())
                - timedelta(days=1),
            }
        elif code == "other_activity":
            extra = {
                "other_activity_kind": "comprehensive",
                "other_activity_details": "Part-time teaching",
            }
        Application.objects.create(
            application_type=app_type(code),
            main=main,
            organization=org,
            foreign_national=fn,
            created_by=user,
            **extra,
        )
    return main


def stored_pdf(
    name: str = "document.pdf", purpose: str = "application_document"
) -> StoredFile:
    content = pdf_bytes()
    return store_upload(
        cleaned=CleanedUpload(
            content=content,
            kind=Kind.PDF,
            content_type="application/pdf",
            extension="pdf",
            size=len(content),
            sha256=hashlib.sha256(content).hexdigest(),
            original_name=name,
        ),
        uploaded_by=None,
        purpose=purpose,
    )


def attach_required_documents(
    application: Application, *, extra: int = 0
) -> list[ApplicationDocument]:
    """One PDF for every required slot (plus ``extra`` more in the first)."""
    slots = document_slots_for(
        application_type=application.application_type,
        status=application.target_status or application.foreign_national.current_status,
        org_category=application.organization.category,
    )
    documents = []
    for slot in slots:
        if slot.required:
            documents.append(
                ApplicationDocument.objects.create(
                    application=application,
                    slot=slot,
                    file=stored_pdf(f"{slot.code}.pdf"),
                )
            )
    for i in range(extra):
        documents.append(
            ApplicationDocument.objects.create(
                application=application,
                slot=slots[0],
                file=stored_pdf(f"extra-{i}.pdf"),
            )
        )
    return documents


def submitted(org: Organization, user: User, **fields: Any) -> Application:
    """A draft with its documents, submitted through the service."""
    application = draft(org, user, **fields)
    attach_required_documents(application)
    return services.application_submit(application=application, actor=user)


def case(
    org: Organization,
    user: User,
    *,
    status: str = Status.SUBMITTED,
    submitted_at: Any = None,
    receipt_number: str | None = None,
    **fields: Any,
) -> Application:
    """A case put straight into ``status`` (no eligibility, no events): for
    lists and queries, where only the rows matter."""
    application = draft(org, user, **fields)
    at = submitted_at or timezone.now()
    n = next(_serial)
    number = receipt_number or f"TKY-{at.year}-{n:07d}"
    Application.objects.filter(pk=application.pk).update(
        status=status,
        submitted_at=at,
        received_on=timezone.localdate(at),
        receipt_number=number,
        submitted_by=user,
        office=org.office,
    )
    for i, companion in enumerate(application.companions.all(), start=1):
        Application.objects.filter(pk=companion.pk).update(
            status=status,
            submitted_at=at,
            received_on=timezone.localdate(at),
            receipt_number=f"{number}-{i}",
            submitted_by=user,
            office=org.office,
        )
    application.refresh_from_db()
    return application
