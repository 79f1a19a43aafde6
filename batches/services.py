"""Writes of batch filing.  The batch's lifecycle:

    received → checking → ready → creating → confirmed
                       ↘ refused (the file as a whole cannot be used)

Each step moves by compare-and-swap on ``status`` (a second click, a second
worker, a retried task find the step taken and do nothing).  Drafts and
people are created only by ``applications.services`` — the same calls the
filing pages make — and only once the user confirmed."""

from __future__ import annotations

import hashlib
import logging
import uuid
from datetime import date, datetime, timedelta
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from accounts.models import Organization, User
from applications import eligibility, rules, selectors
from applications import services as filing
from applications.errors import DuplicatePerson, NotEligible
from applications.models import (
    Application,
    ApplicationType,
    ForeignNational,
    StatusOfResidence,
    StatusSubCategory,
)
from applications.workflow import Status as ApplicationStatus
from batches.checking import Checker
from batches.columns import Template, template_by_key
from batches.messages import (
    NOT_ALLOWED,
    NOT_CREATED,
    NOT_READY,
    NOTHING_TO_CREATE,
    ROW_RULES,
)
from batches.models import Batch, BatchRow
from batches.spreadsheet import read_file
from portal.audit.events import AuditAction
from portal.audit.services import audit_record
from portal.lib.errors import DomainError, message_for
from portal.lib.once import create_once
from portal.lib.tasks import enqueue_on_commit

logger = logging.getLogger(__name__)

# Files up to this size are checked while the user waits; bigger ones by a
# worker, with a progress bar.
INLINE_BYTES = 64 * 1024
# Batches up to this many valid rows get their drafts while the user waits.
INLINE_ROWS = 20
PROGRESS_EVERY = 25
Status = Batch.Status


def batch_upload(
    *,
    organization: Organization,
    template: Template,
    file_name: str,
    data: bytes,
    actor: User,
    language: str,
    start_token: uuid.UUID | None = None,
) -> tuple[Batch, bool]:
    """Keep an uploaded file as a new batch, to be checked (``batch_check``:
    at once for a small file, else queued).  The same bytes uploaded again
    for the organisation — or the same form sent twice — lead to the batch
    the first upload made (``created`` False) and create nothing.
    PermissionDenied unless the actor may file for the organisation."""
    rules.ensure_can_file_for(actor, organization.pk)
    digest = hashlib.sha256(data).hexdigest()
    existing = Batch.objects.filter(
        organization=organization, file_sha256=digest
    ).first()
    if existing is not None:
        return existing, False

    def create() -> Batch:
        batch = Batch.objects.create(
            organization=organization,
            application_type=ApplicationType.objects.get(
                code=template.application_type
            ),
            edition_key=template.key,
            created_by=actor,
            start_token=start_token,
            file_name=file_name[:200],
            file_sha256=digest,
            content=data,
            language=language,
        )
        audit_record(
            actor=actor,
            action=AuditAction.BATCH_UPLOAD,
            obj=batch,
            organization_code=organization.code,
            data={"form": template.key, "bytes": len(data)},
        )
        if len(data) > INLINE_BYTES:
            enqueue_on_commit("batches.tasks.check_batch", batch.pk)
        return batch

    try:
        with transaction.atomic():
            batch, created = create_once(
                Batch,
                token=start_token,
                create=create,
                owned=lambda found: found.created_by_id == actor.pk,
            )
    except IntegrityError:
        # The same file, uploaded at the same moment by someone else.
        found = Batch.objects.filter(
            organization=organization, file_sha256=digest
        ).first()
        if found is None:
            raise
        return found, False
    if created and len(data) <= INLINE_BYTES:
        batch_check(batch_id=batch.pk)
        batch.refresh_from_db()
    return batch, created


def batch_check(*, batch_id: int) -> Batch:
    """Read and check every row of the batch's file (the preview); nothing
    else is written.  A file that cannot be used as a whole leaves the batch
    refused with the reason.  Safe to run again (a retried task)."""
    claimed = Batch.objects.filter(
        pk=batch_id, status__in=[Status.RECEIVED, Status.CHECKING]
    ).update(status=Status.CHECKING, rows_done=0, updated_at=timezone.now())
    batch = Batch.objects.select_related("organization", "created_by").get(pk=batch_id)
    if not claimed:
        return batch
    BatchRow.objects.filter(batch=batch).delete()
    template = template_by_key(batch.edition_key)
    if template is None:  # pragma: no cover - a form withdrawn meanwhile
        return _refuse(batch, DomainError(NOT_READY))
    try:
        rows = read_file(bytes(batch.content), template)
    except DomainError as exc:
        return _refuse(batch, exc)
    Batch.objects.filter(pk=batch.pk).update(rows_total=len(rows))
    checker = Checker(
        template=template,
        organization=batch.organization,
        actor=batch.created_by,
        language=batch.language,
    )
    pending: list[BatchRow] = []
    for done, row in enumerate(rows, start=1):
        result = checker.check(row)
        pending.append(
            BatchRow(
                batch=batch,
                line=result.line,
                label=result.label,
                problems=result.problems,
                payload=result.payload,
            )
        )
        if done % PROGRESS_EVERY == 0:
            BatchRow.objects.bulk_create(pending)
            pending = []
            Batch.objects.filter(pk=batch.pk).update(
                rows_done=done, updated_at=timezone.now()
            )
    BatchRow.objects.bulk_create(pending)
    Batch.objects.filter(pk=batch.pk, status=Status.CHECKING).update(
        status=Status.READY, rows_done=len(rows), content=b"", updated_at=timezone.now()
    )
    batch.refresh_from_db()
    return batch


def _refuse(batch: Batch, exc: DomainError) -> Batch:
    Batch.objects.filter(pk=batch.pk).update(
        status=Status.REFUSED,
        refusal_code=exc.code,
        refusal_params={k: str(v) for k, v in exc.params.items()},
        content=b"",
        updated_at=timezone.now(),
    )
    batch.refresh_from_db()
    return batch


def batch_confirm(*, batch: Batch, actor: User) -> Batch:
    """The user confirmed the preview: every valid row becomes a draft (at
    once for a small batch, else by a worker).  A second confirmation (a
    double click) does nothing.  PermissionDenied unless the actor may file
    for the organisation; DomainError when the batch is not ready or has no
    valid row."""
    rules.ensure_can_file_for(actor, batch.organization_id)
    with transaction.atomic():
        # The row lock makes a double click wait for the first, then no-op.
        locked = Batch.objects.select_for_update().get(pk=batch.pk)
        if locked.status in (Status.CREATING, Status.CONFIRMED):
            return locked
        if locked.status != Status.READY:
            raise DomainError(NOT_READY)
        valid = BatchRow.objects.filter(batch=locked, problems=[]).count()
        if not valid:
            raise DomainError(NOTHING_TO_CREATE)
        Batch.objects.filter(pk=batch.pk).update(
            status=Status.CREATING,
            confirmed_by=actor,
            rows_done=0,
            rows_total=valid,
            updated_at=timezone.now(),
        )
        audit_record(
            actor=actor,
            action=AuditAction.BATCH_CONFIRM,
            obj=batch,
            organization_code=batch.organization.code,
            data={"rows": valid},
        )
        if valid > INLINE_ROWS:
            enqueue_on_commit("batches.tasks.create_drafts", batch.pk)
    if valid <= INLINE_ROWS:
        batch_create_drafts(batch_id=batch.pk)
    batch.refresh_from_db()
    return batch


def batch_create_drafts(*, batch_id: int) -> Batch:
    """Create the draft of every valid row not created yet, each in its own
    savepoint through ``applications.services``; a row refused now (a
    person added meanwhile with the same passport) keeps the reason as its
    problem.  Safe to run again."""
    batch = Batch.objects.select_related("organization", "confirmed_by").get(
        pk=batch_id
    )
    if batch.status != Status.CREATING or batch.confirmed_by is None:
        return batch
    actor = batch.confirmed_by
    template = template_by_key(batch.edition_key)
    application_type = batch.application_type
    rows = BatchRow.objects.filter(batch=batch, problems=[], application=None)
    done = (
        BatchRow.objects.filter(batch=batch, problems=[])
        .exclude(application=None)
        .count()
    )
    pending = list(rows.order_by("line"))
    _STATUS_ROWS.clear()  # reference data may have been edited in the admin
    # One commit per PROGRESS_EVERY rows (a savepoint each), not per row.
    for start in range(0, len(pending), PROGRESS_EVERY):
        with transaction.atomic():
            for row in pending[start : start + PROGRESS_EVERY]:
                _create_row(
                    row=row,
                    batch=batch,
                    actor=actor,
                    application_type=application_type,
                    template=template,
                )
                done += 1
            Batch.objects.filter(pk=batch.pk).update(
                rows_done=done, updated_at=timezone.now()
            )
    Batch.objects.filter(pk=batch.pk, status=Status.CREATING).update(
        status=Status.CONFIRMED, rows_done=done, updated_at=timezone.now()
    )
    batch.refresh_from_db()
    return batch


def _create_row(
    *,
    row: BatchRow,
    batch: Batch,
    actor: User,
    application_type: ApplicationType,
    template: Template | None,
) -> None:
    """One row's draft, in its own savepoint; a refusal is kept as the
    row's problem."""
    try:
        with transaction.atomic():
            application = _create_draft(
                row=row,
                batch=batch,
                actor=actor,
                application_type=application_type,
                template=template,
            )
            row.application = application
            row.payload = {}
            row.save(update_fields=["application", "payload"])
    except (DomainError, DuplicatePerson, PermissionDenied) as exc:
        reason = message_for(exc) if isinstance(exc, DomainError) else str(NOT_ALLOWED)
        row.problems = [
            {
                "column": "",
                "label": "",
                "value": "",
                "rule": str(ROW_RULES[NOT_CREATED]) % {"reason": reason},
            }
        ]
        row.payload = {}
        row.save(update_fields=["problems", "payload"])


_DATE_FIELDS = frozenset(
    {"date_of_birth", "passport_expiry", "period_expiry", "event_date"}
)


def _status(model: Any, pk: Any) -> Any:
    """A status or category row by id (reference data: looked up once)."""
    if not pk:
        return None
    cache: dict[tuple[Any, Any], Any] = _STATUS_ROWS.setdefault("rows", {})
    key = (model, pk)
    if key not in cache:
        cache[key] = model.objects.get(pk=pk)
    return cache[key]


_STATUS_ROWS: dict[str, dict[tuple[Any, Any], Any]] = {}


def _model_values(values: dict[str, Any]) -> dict[str, Any]:
    """The payload's JSON values as the services take them."""
    out: dict[str, Any] = {}
    for name, value in values.items():
        if name in _DATE_FIELDS:
            value = date.fromisoformat(value) if value else None
        elif name in ("current_status", "target_status"):
            value = _status(StatusOfResidence, value)
        elif name in ("current_subcategory", "target_subcategory"):
            value = _status(StatusSubCategory, value)
        out[name] = value
    return out


def _create_draft(
    *,
    row: BatchRow,
    batch: Batch,
    actor: User,
    application_type: ApplicationType,
    template: Template | None,
) -> Application:
    payload = row.payload
    person_values = _model_values(payload["person"])
    existing = None
    if payload.get("person_id"):
        existing = ForeignNational.objects.get(
            pk=payload["person_id"], organization=batch.organization
        )
    if existing is None:
        person = filing.foreign_national_save(
            organization=batch.organization, values=person_values, actor=actor
        )
    else:
        person = existing
    application = filing.application_create(
        foreign_national=person,
        application_type=application_type,
        companions=[],
        actor=actor,
    )
    application = filing.application_update(
        application=application,
        expected_version=application.version,
        actor=actor,
        fields=_model_values(payload["fields"]),
        # An existing person's record takes the file's values, as the
        # draft's person page would write them.
        person=person_values if existing is not None else None,
        section="application",
    )
    if template is not None and payload.get("form"):
        application = filing.application_form_save(
            application=application,
            expected_version=application.version,
            actor=actor,
            edition=template.edition,
            # Every page of the form at once (the pages' states come from
            # the validator, not from which page was saved).
            section=template.edition.sections[0].key,
            answers=payload["form"],
        )
    return application


def row_failures(application: Application, actor: User) -> list[eligibility.Failure]:
    """What stops a row's draft being sent (the check-answers rules)."""
    return eligibility.check(selectors.filing_facts(application, user=actor))


SUBMIT_INLINE = 20


def batch_submit_all_start(
    *, batch: Batch, actor: User
) -> tuple[list[Application], int] | None:
    """Submit the batch's complete drafts now (a few) or queue it for a
    worker (many; None is returned and the batch page shows each row's
    status as it changes).  PermissionDenied unless the actor may file for
    the organisation."""
    rules.ensure_can_file_for(actor, batch.organization_id)
    drafts = BatchRow.objects.filter(
        batch=batch, application__status=ApplicationStatus.DRAFT
    ).count()
    if drafts <= SUBMIT_INLINE:
        return batch_submit_all(batch=batch, actor=actor)
    enqueue_on_commit("batches.tasks.submit_all", batch.pk, actor.pk)
    return None


def batch_submit_all(*, batch: Batch, actor: User) -> tuple[list[Application], int]:
    """Submit every complete draft of the batch, each through the same
    submission as the check-answers page (each gets its own receipt
    number).  Drafts that are not complete are left as they are.  Returns
    the submitted applications and how many were left."""
    rules.ensure_can_file_for(actor, batch.organization_id)
    submitted: list[Application] = []
    left = 0
    rows = (
        BatchRow.objects.filter(batch=batch)
        .exclude(application=None)
        .select_related("application")
    )
    for row in rows:
        application = row.application
        if application is None or application.status != ApplicationStatus.DRAFT:
            continue
        if not rules.may_edit_draft(actor, application) or row_failures(
            application, actor
        ):
            left += 1
            continue
        try:
            submitted.append(
                filing.application_submit(application=application, actor=actor)
            )
        except NotEligible:
            left += 1
    audit_record(
        actor=actor,
        action=AuditAction.BATCH_SUBMIT_ALL,
        obj=batch,
        organization_code=batch.organization.code,
        data={"submitted": len(submitted), "left": left},
    )
    return submitted, left


# A queued step whose message was lost (broker down) or whose worker died.
QUEUED_GRACE = timedelta(minutes=2)
STALLED_AFTER = timedelta(minutes=5)


def batches_to_resume(*, now: datetime | None = None) -> list[tuple[str, int]]:
    """``(task path, batch id)`` for every batch step that should be running
    but shows no progress: the sweep queues them again (each step is safe to
    run again)."""
    now = now or timezone.now()
    waiting = Batch.objects.filter(
        Q(status=Status.RECEIVED, updated_at__lt=now - QUEUED_GRACE)
        | Q(status=Status.CHECKING, updated_at__lt=now - STALLED_AFTER)
    ).values_list("pk", flat=True)
    creating = Batch.objects.filter(
        status=Status.CREATING, updated_at__lt=now - STALLED_AFTER
    ).values_list("pk", flat=True)
    return [("batches.tasks.check_batch", pk) for pk in waiting] + [
        ("batches.tasks.create_drafts", pk) for pk in creating
    ]
