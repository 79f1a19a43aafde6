"""What the batch page shows for each row: its status (problems, valid,
draft created with the documents still missing, ready to send, sent with its
receipt number) and, for a draft, the document slots still missing with an
upload form each (the filing pages' own form and checks)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from applications import eligibility, selectors
from applications.forms import DocumentUploadForm
from applications.presenters import draft_slots, slot_name
from applications.workflow import Status as ApplicationStatus
from batches.models import Batch, BatchRow

ERROR = "error"
VALID = "valid"
MISSING_DOCUMENTS = "missing_documents"
NEEDS_ATTENTION = "needs_attention"
READY = "ready"
SUBMITTED = "submitted"
REMOVED = "removed"


@dataclass
class MissingSlot:
    code: str
    name: str
    form: DocumentUploadForm


@dataclass
class RowView:
    row: BatchRow
    state: str
    missing: list[MissingSlot] = field(default_factory=list)
    messages: list[str] = field(default_factory=list)

    @property
    def receipt_number(self) -> str:
        application = self.row.application
        return (application.receipt_number or "") if application else ""


def row_view(
    row: BatchRow,
    *,
    batch: Batch,
    user: Any,
    language: str,
    bound: DocumentUploadForm | None = None,
) -> RowView:
    if row.problems:
        return RowView(row, ERROR)
    application = row.application
    if application is None:
        return RowView(
            row, VALID if batch.status != Batch.Status.CONFIRMED else REMOVED
        )
    if application.status != ApplicationStatus.DRAFT:
        return RowView(row, SUBMITTED)
    failures = eligibility.check(selectors.filing_facts(application, user=user))
    present = {
        d.slot.code for d in selectors.application_documents(application=application)
    }
    missing = []
    for slot in draft_slots(application):
        if not slot.required or slot.code in present:
            continue
        form = (
            bound
            if bound is not None
            and bound.application.pk == application.pk
            and bound.slot.code == slot.code
            else DocumentUploadForm(
                application=application,
                slot=slot,
                auto_id=f"id_r{row.line}_%s",
            )
        )
        missing.append(MissingSlot(slot.code, slot_name(slot, language), form))
    others = [str(f.message) for f in failures if f.field != "documents"]
    if missing:
        return RowView(row, MISSING_DOCUMENTS, missing, others)
    if failures:
        return RowView(row, NEEDS_ATTENTION, [], [str(f.message) for f in failures])
    return RowView(row, READY)


def counts(views: list[RowView]) -> dict[str, int]:
    found: dict[str, int] = {}
    for view in views:
        found[view.state] = found.get(view.state, 0) + 1
    return found
