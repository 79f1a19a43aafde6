"""The periodic report (定期報告): a UseRequest of kind PERIODIC that an
organisation's user files to renew everyone's approval; reception decides it
like a request for use (``use_request_decisions``)."""

from __future__ import annotations

from django.db import transaction

from accounts import messages, permissions
from accounts.errors import Problem, RequestIncomplete
from accounts.models import (
    Organization,
    RosterEntry,
    User,
    UseRequest,
    UseRequestDocument,
)
from accounts.selectors import use_request_problems
from accounts.services.roster import ROSTER_FIELDS
from accounts.services.use_requests import (
    attach_documents,
    detach_document,
    use_request_submit,
)
from accounts.workflow import EDITABLE_STATUSES
from portal.audit.events import AuditAction
from portal.audit.services import audit_record
from portal.lib.errors import StaleEdit
from portal.lib.files import CleanedUpload

OPEN_REPORT_STATUSES = (
    UseRequest.Status.DRAFT,
    UseRequest.Status.SUBMITTED,
    UseRequest.Status.RETURNED,
)


def periodic_report_start(*, organization: Organization, actor: User) -> UseRequest:
    """The organisation's open periodic report (draft, submitted or returned),
    or a new draft filed by ``actor``.  One open report per organisation: the
    organisation row is locked so two users starting at once get the same
    draft.  The draft copies the organisation's details for reception.
    Raises PermissionDenied unless ``permissions.may_file_periodic_report``."""
    permissions.ensure(permissions.may_file_periodic_report(actor, organization))
    with transaction.atomic():
        org = Organization.objects.select_for_update().get(pk=organization.pk)
        existing = (
            UseRequest.objects.filter(
                organization=org,
                kind=UseRequest.Kind.PERIODIC,
                status__in=OPEN_REPORT_STATUSES,
            )
            .order_by("-created_at")
            .first()
        )
        if existing is not None:
            return existing
        report = UseRequest.objects.create(
            kind=UseRequest.Kind.PERIODIC,
            organization=org,
            office=org.office,
            filed_by=actor,
            email=actor.email,
            language=actor.language,
            user_category=actor.user_category,
            org_name_ja=org.name_ja,
            org_name_en=org.name_en,
            org_is_corporation=org.is_corporation,
            org_corporate_number=org.corporate_number or "",
            org_postal_code=org.postal_code,
            org_prefecture=org.prefecture,
            org_address=org.address,
            org_representative=org.representative,
            org_phone=org.phone,
            org_category=org.category,
            full_name=actor.full_name,
            full_name_kana=actor.full_name_kana,
            phone=actor.phone,
            position=actor.position,
            affiliation=actor.affiliation,
        )
        audit_record(
            actor=actor,
            action=AuditAction.PERIODIC_REPORT_CREATE,
            obj=report,
            organization_code=org.code,
        )
    return report


def _lock_editable_report(report: UseRequest, actor: User) -> UseRequest:
    locked = UseRequest.objects.select_for_update().get(pk=report.pk)
    _ensure_may_file(locked, actor)
    if (
        locked.kind != UseRequest.Kind.PERIODIC
        or locked.status not in EDITABLE_STATUSES
    ):
        raise StaleEdit
    return locked


def periodic_report_document_add(
    *, report: UseRequest, slot: str, cleaned: CleanedUpload, actor: User
) -> UseRequestDocument:
    """Store a validated upload in one of the report's document slots (same
    size cap as a request).  Raises StaleEdit once the report is no longer
    editable."""
    if slot not in (
        UseRequestDocument.Slot.CATEGORY,
        UseRequestDocument.Slot.USER_LIST,
    ):
        raise ValueError(f"not a periodic report slot: {slot}")
    with transaction.atomic():
        locked = _lock_editable_report(report, actor)
        (document,) = attach_documents(locked, slot, [cleaned], actor)
    return document


def periodic_report_document_remove(
    *, document: UseRequestDocument, actor: User
) -> None:
    """Take a file out of an editable report (and delete its bytes)."""
    with transaction.atomic():
        locked = _lock_editable_report(document.use_request, actor)
        detach_document(locked, document, actor)


def periodic_report_submit(
    *, report: UseRequest, actor: User, users_confirmed: bool, roster_confirmed: bool
) -> UseRequest:
    """Submit a periodic report.  The filer must have confirmed, now, that the
    list of portal users and the roster are correct; the roster as confirmed is
    kept on the report for reception.  The submitting user becomes the filer
    (they get the result).  Raises RequestIncomplete; a second submit is a
    no-op (see use_request_submit)."""
    problems: list[Problem] = []
    if not users_confirmed:
        problems.append(("users", str(messages.PERIODIC_CONFIRM_USERS)))
    if not roster_confirmed:
        problems.append(("roster", str(messages.PERIODIC_CONFIRM_ROSTER)))
    with transaction.atomic():
        locked = UseRequest.objects.select_for_update().get(pk=report.pk)
        if locked.kind != UseRequest.Kind.PERIODIC:
            raise ValueError("not a periodic report")
        _ensure_may_file(locked, actor)
        if locked.status == UseRequest.Status.SUBMITTED:
            return locked
        if problems:
            raise RequestIncomplete(problems + use_request_problems(locked))
        if locked.organization is None:
            raise ValueError("a periodic report belongs to an organisation")
        locked.filed_by = actor
        locked.email = actor.email or locked.email
        locked.language = actor.language
        locked.roster = list(
            RosterEntry.objects.filter(organization=locked.organization)
            .order_by("family_name", "given_name", "date_of_birth", "id")
            .values(*ROSTER_FIELDS)
        )
        for row in locked.roster:
            for name in ("date_of_birth", "period_expiry"):
                row[name] = row[name].isoformat() if row[name] else None
        locked.save(
            update_fields=["filed_by", "email", "language", "roster", "updated_at"]
        )
        return use_request_submit(use_request=locked, actor=actor)


def _ensure_may_file(report: UseRequest, actor: User) -> None:
    permissions.ensure(
        report.organization is not None
        and permissions.may_file_periodic_report(actor, report.organization)
    )
