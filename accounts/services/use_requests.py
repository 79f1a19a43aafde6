"""Requests for use: the draft (create, update, appointers, documents), the
one transition function every status change goes through, and submission."""

from __future__ import annotations

import secrets
import uuid
from collections.abc import Callable
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from accounts import permissions
from accounts.errors import RequestIncomplete
from accounts.models import (
    Office,
    OfficerRole,
    Organization,
    User,
    UseRequest,
    UseRequestAppointer,
    UseRequestDocument,
)
from accounts.selectors import (
    officers_of_office,
    use_request_documents_size,
    use_request_problems,
)
from accounts.workflow import EDITABLE_STATUSES, REQUEST_TRANSITIONS, RequestAction
from portal.audit.events import AuditAction
from portal.audit.services import audit_record
from portal.files.services import store_upload, stored_file_delete
from portal.lib.codes import allocate_unique
from portal.lib.errors import StaleEdit, next_state
from portal.lib.files import CleanedUpload, check_total_size
from portal.lib.once import create_once
from portal.notifications.kinds import NotificationKind
from portal.notifications.services import notify

# The audit action of each (kind, action); a periodic report's approval has
# its own, everything else reads as the request's.
_AUDIT_ACTIONS: dict[tuple[str, RequestAction], AuditAction] = {
    (kind, action): audit
    for kind in UseRequest.Kind.values
    for action, audit in (
        (RequestAction.SUBMIT, AuditAction.USE_REQUEST_SUBMIT),
        (RequestAction.APPROVE, AuditAction.USE_REQUEST_APPROVE),
        (RequestAction.RETURN, AuditAction.USE_REQUEST_RETURN),
        (RequestAction.REJECT, AuditAction.USE_REQUEST_REJECT),
    )
} | {
    (UseRequest.Kind.PERIODIC, RequestAction.APPROVE): (
        AuditAction.PERIODIC_REPORT_APPROVE
    ),
}

_DECISIONS = (RequestAction.APPROVE, RequestAction.RETURN, RequestAction.REJECT)


def use_request_transition(
    *,
    use_request: UseRequest,
    action: RequestAction,
    actor: User | None,
    expected_version: int | None = None,
    apply: Callable[[UseRequest], list[str]] | None = None,
    audit_data: dict[str, str | int | bool | None] | None = None,
    notify_kind: NotificationKind | None = None,
    notify_context: dict[str, Any] | None = None,
    email_context: dict[str, Any] | None = None,
) -> UseRequest:
    """The one place a request's status changes.

    In one transaction: lock the row; for a decision, check that ``actor``
    may decide it (``permissions.may_decide_use_request``, PermissionDenied);
    a second submit of a submitted request is a no-op; refuse a stale page
    (StaleEdit when ``expected_version`` is given and differs); look up the
    next status in REQUEST_TRANSITIONS (IllegalTransition); call
    ``apply(locked)``, which makes the action's own changes and returns the
    extra fields it set; save; write the audit row; and tell the requester
    (``notify_kind``): by email for a new request, else the user who filed
    the report.  ``email_context`` is added for the emailed requester only."""
    with transaction.atomic():
        locked = (
            UseRequest.objects.select_for_update(of=("self",))
            .select_related("office", "organization")
            .get(pk=use_request.pk)
        )
        if action in _DECISIONS and not permissions.may_decide_use_request(
            actor, locked
        ):
            raise PermissionDenied
        if (
            action == RequestAction.SUBMIT
            and locked.status == UseRequest.Status.SUBMITTED
        ):
            return locked
        if expected_version is not None and locked.version != expected_version:
            raise StaleEdit
        new_status = next_state(REQUEST_TRANSITIONS, locked.status, action)
        fields: list[str] = list(apply(locked)) if apply is not None else []
        locked.status = new_status
        locked.version += 1
        locked.save(update_fields=["status", "version", "updated_at", *fields])
        audit_record(
            actor=actor,
            action=_AUDIT_ACTIONS[(locked.kind, action)],
            obj=locked,
            organization_code=locked.organization.code if locked.organization else None,
            data=audit_data,
        )
        if notify_kind is not None:
            context = {
                "reference_number": locked.reference_number,
                "kind": locked.kind,
                **(notify_context or {}),
            }
            _notify_requester(locked, notify_kind, context, email_context)
    return locked


def _notify_requester(
    use_request: UseRequest,
    kind: NotificationKind,
    context: dict[str, Any],
    email_context: dict[str, Any] | None,
) -> None:
    """Email the requester of a new request (no account yet); for a periodic
    report, notify the user who filed it."""
    if use_request.kind == UseRequest.Kind.NEW:
        notify(
            to_email=use_request.email,
            language=use_request.language,
            kind=kind,
            context={**context, **(email_context or {})},
        )
    elif use_request.filed_by is not None:
        notify(recipient=use_request.filed_by, kind=kind, context=context)


# --- Drafts ------------------------------------------------------------------------------


def use_request_create(
    *,
    email: str,
    language: str,
    channel: str = UseRequest.Channel.ONLINE,
    registered_by: User | None = None,
    office: Office | None = None,
    start_token: uuid.UUID | None = None,
) -> UseRequest:
    """Start a draft request owned by ``email`` (proven, or registered at the
    counter by ``registered_by``).  With the start form's ``start_token``, the
    same form sent again (a double click) returns the draft the first created."""

    def create() -> UseRequest:
        with transaction.atomic():
            use_request = UseRequest.objects.create(
                email=email.strip(),
                language=language,
                channel=channel,
                registered_by=registered_by,
                office=office,
                start_token=start_token,
            )
            audit_record(
                actor=registered_by,
                action=AuditAction.USE_REQUEST_CREATE,
                obj=use_request,
                data={"channel": channel},
            )
        return use_request

    use_request, _created = create_once(
        UseRequest,
        token=start_token,
        create=create,
        owned=lambda existing: (
            existing.email.lower() == email.strip().lower()
            and existing.registered_by_id
            == (registered_by.pk if registered_by else None)
        ),
    )
    return use_request


_NOT_EDITABLE_FIELDS = {
    "id",
    "code",
    "reference_number",
    "kind",
    "status",
    "channel",
    "email",
    "return_comments",
    "decision_reason",
    "version",
    "created_at",
    "updated_at",
    "submitted_at",
    "decided_at",
    "decided_by",
    "registered_by",
    "filed_by",
    "resulting_user",
}


def use_request_update(
    *,
    use_request: UseRequest,
    fields: dict[str, Any],
    expected_version: int,
    actor: User | None = None,
) -> UseRequest:
    """Save one step of a draft.  Refuses (StaleEdit) when the draft changed
    since ``expected_version`` was read — never a silent overwrite."""
    allowed = {f.name for f in UseRequest._meta.concrete_fields} - _NOT_EDITABLE_FIELDS
    unknown = set(fields) - allowed
    if unknown:
        raise ValueError(f"not editable: {sorted(unknown)}")
    with transaction.atomic():
        locked = _lock_editable(use_request, expected_version)
        for name, value in fields.items():
            setattr(locked, name, value)
        locked.version += 1
        locked.save(update_fields=[*fields, "version", "updated_at"])
        audit_record(
            actor=actor,
            action=AuditAction.USE_REQUEST_UPDATE,
            obj=locked,
            data={"fields": ",".join(sorted(fields))},
        )
    return locked


def _lock_editable(use_request: UseRequest, expected_version: int) -> UseRequest:
    """Lock the draft and check it is still the version the page showed
    (the same rule as use_request_update)."""
    locked = UseRequest.objects.select_for_update().get(pk=use_request.pk)
    if locked.status not in EDITABLE_STATUSES or locked.version != expected_version:
        raise StaleEdit
    return locked


def _bump_version(locked: UseRequest) -> None:
    locked.version += 1
    locked.save(update_fields=["version", "updated_at"])


def use_request_appointer_add(
    *,
    use_request: UseRequest,
    name_ja: str,
    corporate_number: str,
    organization: Organization,
    expected_version: int,
    actor: User | None = None,
) -> UseRequestAppointer:
    """Add an appointing organisation that already uses the portal (the form
    matched it by corporate number).  Raises StaleEdit."""
    with transaction.atomic():
        locked = _lock_editable(use_request, expected_version)
        appointer = UseRequestAppointer.objects.create(
            use_request=locked,
            name_ja=name_ja,
            corporate_number=corporate_number,
            organization=organization,
        )
        _bump_version(locked)
        audit_record(
            actor=actor,
            action=AuditAction.USE_REQUEST_APPOINTER_ADD,
            obj=locked,
            organization_code=organization.code,
        )
    return appointer


def use_request_appointer_remove(
    *,
    use_request: UseRequest,
    appointer_id: int,
    expected_version: int,
    actor: User | None = None,
) -> None:
    """Remove one of the request's appointing organisations; removing one that
    is already gone is a no-op (apart from the version check)."""
    with transaction.atomic():
        locked = _lock_editable(use_request, expected_version)
        deleted, _rows = UseRequestAppointer.objects.filter(
            use_request=locked, pk=appointer_id
        ).delete()
        if deleted:
            _bump_version(locked)
            audit_record(
                actor=actor, action=AuditAction.USE_REQUEST_APPOINTER_REMOVE, obj=locked
            )


def use_request_documents_add(
    *,
    use_request: UseRequest,
    slot: str,
    uploads: list[CleanedUpload],
    expected_version: int,
    actor: User | None = None,
) -> list[UseRequestDocument]:
    """Store validated files in one document slot.  All or nothing: raises
    StaleEdit, or ValidationError (code ``too_large_total``) when the request's
    files together would exceed UPLOAD_MAX_TOTAL_BYTES — then nothing is kept."""
    UseRequestDocument.Slot(slot)  # ValueError for an unknown slot
    with transaction.atomic():
        locked = _lock_editable(use_request, expected_version)
        documents = attach_documents(locked, slot, uploads, actor)
        _bump_version(locked)
    return documents


def use_request_document_remove(
    *,
    use_request: UseRequest,
    file_code: Any,
    expected_version: int,
    actor: User | None = None,
) -> None:
    """Remove one file from the request (row now, bytes after commit)."""
    with transaction.atomic():
        locked = _lock_editable(use_request, expected_version)
        document = (
            UseRequestDocument.objects.select_related("file")
            .filter(use_request=locked, file__code=file_code)
            .first()
        )
        if document is None:
            return
        detach_document(locked, document, actor)
        _bump_version(locked)


def attach_documents(
    locked: UseRequest, slot: str, uploads: list[CleanedUpload], actor: User | None
) -> list[UseRequestDocument]:
    """Store ``uploads`` in ``slot`` of a locked, editable request or report,
    under the per-request size cap (ValidationError ``too_large_total``)."""
    check_total_size(
        current_bytes=use_request_documents_size(locked),
        adding_bytes=sum(u.size for u in uploads),
    )
    documents = [
        UseRequestDocument.objects.create(
            use_request=locked,
            slot=slot,
            file=store_upload(
                cleaned=cleaned, uploaded_by=actor, purpose="use_request"
            ),
        )
        for cleaned in uploads
    ]
    audit_record(
        actor=actor,
        action=AuditAction.USE_REQUEST_DOCUMENTS_ADD,
        obj=locked,
        organization_code=locked.organization.code if locked.organization else None,
        data={"slot": slot, "count": len(documents)},
    )
    return documents


def detach_document(
    locked: UseRequest, document: UseRequestDocument, actor: User | None
) -> None:
    """Take a file out of a locked request or report (bytes deleted on commit)."""
    stored = document.file
    UseRequestDocument.objects.filter(pk=document.pk).delete()
    stored_file_delete(stored_file=stored, actor=actor)
    audit_record(
        actor=actor,
        action=AuditAction.USE_REQUEST_DOCUMENT_REMOVE,
        obj=locked,
        organization_code=locked.organization.code if locked.organization else None,
        data={"slot": document.slot},
    )


# --- Submission ----------------------------------------------------------------------------


def reference_number_candidate(prefix: str, office_code: str) -> str:
    year = timezone.localdate().year
    return f"{prefix}{office_code}-{year}-{secrets.randbelow(10**6):06d}"


def _assign_reference_number(locked: UseRequest, office: Office) -> None:
    """Give the request a unique reference number: each candidate is written
    in a savepoint and the unique constraint judges (no check-then-insert)."""
    prefix = "R" if locked.kind == UseRequest.Kind.NEW else "P"

    def write(candidate: str) -> str:
        UseRequest.objects.filter(pk=locked.pk).update(reference_number=candidate)
        return candidate

    locked.reference_number = allocate_unique(
        lambda: reference_number_candidate(prefix, office.code),
        write,
        label="use request reference number",
    )


def use_request_submit(
    *,
    use_request: UseRequest,
    actor: User | None = None,
    expected_version: int | None = None,
) -> UseRequest:
    """Submit (or resubmit after correction).  Assigns the reference number on
    first submission, confirms to the requester and tells the office's
    reception.  Raises RequestIncomplete, StaleEdit or IllegalTransition; a
    second submit of a submitted request is a no-op."""
    facts: dict[str, Office] = {}
    audit: dict[str, str | int | bool | None] = {}

    def apply(locked: UseRequest) -> list[str]:
        problems = use_request_problems(locked)
        office = locked.office
        if problems or office is None:  # no office is one of the problems
            raise RequestIncomplete(problems)
        audit["resubmission"] = locked.status == UseRequest.Status.RETURNED
        audit["kind"] = locked.kind
        facts["office"] = office
        locked.submitted_at = timezone.now()
        if not locked.reference_number:
            _assign_reference_number(locked, office)
        return ["submitted_at", "reference_number"]

    with transaction.atomic():
        submitted = use_request_transition(
            use_request=use_request,
            action=RequestAction.SUBMIT,
            actor=actor,
            expected_version=expected_version,
            apply=apply,
            audit_data=audit,
        )
        office = facts.get("office")
        if office is None:  # already submitted: the no-op
            return submitted
        context = {
            "reference_number": submitted.reference_number,
            "kind": submitted.kind,
            "office_ja": office.name_ja,
            "office_en": office.name_en,
        }
        _notify_requester(
            submitted, NotificationKind.USE_REQUEST_SUBMITTED, context, None
        )
        for officer in officers_of_office(
            office_id=office.pk, roles=[OfficerRole.Role.RECEPTION]
        ):
            notify(
                recipient=officer,
                kind=NotificationKind.USE_REQUEST_RECEIVED,
                context=context,
                link=reverse("accounts:reception_detail", args=[submitted.code]),
            )
    return submitted
