"""Requests for additional documents (資料提出通知): the examiner asks
(``document_request_create``) and gives more time
(``document_request_extend``); the organisation uploads files
(``document_request_attach`` / ``document_request_file_remove``) and sends
its answer once (``document_request_answer``); a daily job reminds it
(``document_request_send_reminders``).

``DocumentRequest.state`` moves OPEN → ANSWERED only inside the
RESPOND_DOCUMENTS transition of the application (see
``review.models.SUB_STATE_TRANSITIONS``).

Lock order: the application row first (``lock_case``), then the request, in
every service that locks both — so an examiner extending the due date and
the organisation sending its answer at the same moment queue on the case
instead of deadlocking (``tests/review/test_concurrency.py``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Q, Sum
from django.utils import timezone

from accounts.models import OfficerRole, User
from applications.events import CaseEvent, emit
from applications.models import Application, ApplicationDocument
from applications.rules import ensure_can_file_for
from applications.services import (
    application_transition,
    lock_case,
    notify_organization,
)
from applications.workflow import Action, Status
from portal.audit.events import AuditAction
from portal.audit.services import audit_record
from portal.files.models import StoredFile
from portal.files.services import store_upload, stored_file_delete
from portal.lib.errors import StaleEdit, next_state
from portal.lib.files import CleanedUpload, check_total_size
from portal.lib.tasks import enqueue_on_commit
from portal.notifications.kinds import NotificationKind
from review.errors import ExaminationError
from review.models import (
    Assignment,
    Certificate,
    DocumentRequest,
    DocumentRequestFile,
    DocumentRequestItem,
)
from review.rules import CaseAction
from review.services.common import (
    documents_request_path,
    expect_status,
    notify_officers,
    office_users,
    require_case,
)
from review.workflow import DOCUMENT_REQUEST_TRANSITIONS

Role = OfficerRole.Role

# Purpose of the files sent in answer to a request (access: review.apps).
RESPONSE_PURPOSE = "document_response"
# How far ahead a due date may be set, and the default.
MAX_DUE_DAYS = 90
DEFAULT_DUE_DAYS = 14
# Reminders: this many days before the due date, once each.
REMINDER_DAYS = (7, 1)


@dataclass(frozen=True)
class RequestedItem:
    text: str
    document_type: str = ""


def _check_due_date(due_date: date, today: date) -> None:
    if due_date <= today:
        raise ExaminationError("due_date_past")
    if due_date > today + timedelta(days=MAX_DUE_DAYS):
        raise ExaminationError("due_date_too_far", days=MAX_DUE_DAYS)


def document_request_create(
    *,
    application: Application,
    actor: User,
    items: Sequence[RequestedItem],
    due_date: date,
    message: str = "",
    expected_status: str | None = Status.EXAMINING,
) -> DocumentRequest:
    """The examiner of the case asks the organisation for more documents:
    one request with its items and due date; the case waits for documents
    (REQUEST_DOCUMENTS) and the organisation's users are notified with a link
    to answer.  StaleEdit when the case changed since the page was shown;
    ExaminationError for no items or a due date not within the next
    ``MAX_DUE_DAYS`` days."""
    items = [RequestedItem(i.text.strip(), i.document_type.strip()) for i in items]
    items = [i for i in items if i.text]
    if not items:
        raise ExaminationError("items_required")
    _check_due_date(due_date, timezone.localdate())
    with transaction.atomic():
        locked = lock_case(application)
        expect_status(locked, expected_status)
        require_case(actor, locked, CaseAction.REQUEST_DOCUMENTS)
        document_request = DocumentRequest.objects.create(
            application=locked,
            due_date=due_date,
            message=message.strip(),
            created_by=actor,
        )
        DocumentRequestItem.objects.bulk_create(
            DocumentRequestItem(
                request=document_request,
                text=item.text,
                document_type=item.document_type[:100],
                sort_order=number,
            )
            for number, item in enumerate(items, start=1)
        )
        # The 資料提出通知 (ja, en) kept with the case like the other
        # notices: rendered by the worker after commit (swept if lost).
        Certificate.objects.create(
            application=locked,
            kind=Certificate.Kind.DOCUMENT_REQUEST,
            document_request=document_request,
        )
        enqueue_on_commit("review.tasks.render_certificates", locked.pk)
        moved = application_transition(
            application=locked,
            action=Action.REQUEST_DOCUMENTS,
            actor=actor,
            expected_status=Status.EXAMINING,
            notify_kind=NotificationKind.DOCUMENT_REQUEST,
            notify_context={
                "due_date": due_date.isoformat(),
                "item_count": len(items),
                "respond_link": documents_request_path(locked),
            },
        )
        emit(moved, CaseEvent.DOCUMENTS_REQUESTED, due_date=due_date.isoformat())
    return document_request


def document_request_extend(
    *,
    document_request: DocumentRequest,
    actor: User,
    due_date: date,
    reason: str,
) -> DocumentRequest:
    """The examiner gives the organisation more time: a later due date with a
    reason, which the organisation's users are told.  Reminders start over
    for the new date.  ExaminationError when the request was answered, the
    new date is not later than the current one (nor within
    ``MAX_DUE_DAYS`` from today) or there is no reason."""
    reason = reason.strip()
    if not reason:
        raise ExaminationError("extension_reason_required")
    with transaction.atomic():
        # The case first, then the request (as document_request_answer does).
        application = lock_case(document_request.application)
        locked_request = DocumentRequest.objects.select_for_update().get(
            pk=document_request.pk
        )
        require_case(
            actor, application, CaseAction.EXTEND_DUE_DATE, open_request=locked_request
        )
        if due_date <= locked_request.due_date:
            raise ExaminationError(
                "due_date_not_later", date=locked_request.due_date.isoformat()
            )
        today = timezone.localdate()
        _check_due_date(due_date, today)
        old = locked_request.due_date
        locked_request.due_date = due_date
        locked_request.extension_reason = reason
        # A reminder already sent for the old date is due again for the new one.
        locked_request.reminded_7 = False
        locked_request.reminded_1 = False
        locked_request.save(
            update_fields=["due_date", "extension_reason", "reminded_7", "reminded_1"]
        )
        audit_record(
            actor=actor,
            action=AuditAction.DOCUMENT_REQUEST_EXTEND,
            obj=locked_request,
            organization_code=application.organization.code,
            data={"from": old.isoformat(), "to": due_date.isoformat()},
        )
        notify_organization(
            application,
            NotificationKind.DOCUMENT_REQUEST_EXTENDED,
            {
                "due_date": due_date.isoformat(),
                "previous_due_date": old.isoformat(),
                "reason": reason,
                "respond_link": documents_request_path(application),
            },
        )
    return locked_request


def document_request_attach(
    *,
    document_request: DocumentRequest,
    item: DocumentRequestItem,
    uploads: Sequence[CleanedUpload],
    actor: User,
) -> list[StoredFile]:
    """Store files the organisation sends for one item of an open request
    (validated uploads).  ExaminationError once the request is answered;
    PermissionDenied for users who may not file for the organisation;
    ValidationError (``too_large_total``, nothing stored) when the
    application's files — its documents and every file sent in answer to its
    requests — would pass the per-application total cap (checked under the
    request's row lock, so two tabs cannot pass it together)."""
    if item.request_id != document_request.pk:
        raise PermissionDenied
    application = document_request.application
    ensure_can_file_for(actor, application.organization_id)
    with transaction.atomic():
        locked = DocumentRequest.objects.select_for_update().get(pk=document_request.pk)
        if locked.state != DocumentRequest.State.OPEN:
            raise ExaminationError("request_not_open")
        check_total_size(
            current_bytes=_application_bytes(application),
            adding_bytes=sum(upload.size for upload in uploads),
        )
        stored = []
        for upload in uploads:
            stored_file = store_upload(
                cleaned=upload, uploaded_by=actor, purpose=RESPONSE_PURPOSE
            )
            DocumentRequestFile.objects.create(item=item, file=stored_file)
            stored.append(stored_file)
        audit_record(
            actor=actor,
            action=AuditAction.DOCUMENT_REQUEST_ATTACH,
            obj=locked,
            organization_code=application.organization.code,
            data={"files": len(stored)},
        )
    return stored


def _application_bytes(application: Application) -> int:
    """Bytes stored for the application: its documents and the files sent in
    answer to its requests for documents (one query)."""
    return (
        StoredFile.objects.filter(
            Q(
                pk__in=ApplicationDocument.objects.filter(
                    application=application
                ).values("file_id")
            )
            | Q(
                pk__in=DocumentRequestFile.objects.filter(
                    item__request__application=application
                ).values("file_id")
            )
        ).aggregate(total=Sum("size"))["total"]
        or 0
    )


def document_request_file_remove(
    *, document_request: DocumentRequest, file_code: Any, actor: User
) -> None:
    """Remove a file sent for an open request (before the answer goes out).
    404-like DocumentRequestFile.DoesNotExist for a file of another request."""
    application = document_request.application
    ensure_can_file_for(actor, application.organization_id)
    with transaction.atomic():
        locked = DocumentRequest.objects.select_for_update().get(pk=document_request.pk)
        if locked.state != DocumentRequest.State.OPEN:
            raise ExaminationError("request_not_open")
        link = DocumentRequestFile.objects.select_related("file").get(
            item__request=locked, file__code=file_code
        )
        stored_file = link.file
        link.delete()
        stored_file_delete(stored_file=stored_file, actor=actor)


def document_request_answer(
    *, document_request: DocumentRequest, actor: User
) -> DocumentRequest:
    """Send the organisation's answer (once): the request is answered, the
    case returns to examination (RESPOND_DOCUMENTS), the organisation's users
    and the examiner are told.  Items without files are allowed (the page
    warns first).  Answering an answered request again is a no-op (a double
    click)."""
    application = document_request.application
    ensure_can_file_for(actor, application.organization_id)
    with transaction.atomic():
        locked_app = lock_case(application)
        locked = DocumentRequest.objects.select_for_update().get(pk=document_request.pk)
        if locked.state != DocumentRequest.State.OPEN:
            return locked
        if locked_app.status != Status.AWAITING_DOCUMENTS:
            raise StaleEdit
        item_count = locked.items.count()
        answered = (
            DocumentRequestItem.objects.filter(request=locked, files__isnull=False)
            .distinct()
            .count()
        )
        locked.state = next_state(
            DOCUMENT_REQUEST_TRANSITIONS, locked.state, Action.RESPOND_DOCUMENTS
        )
        locked.answered_by = actor
        locked.answered_at = timezone.now()
        locked.save(update_fields=["state", "answered_by", "answered_at"])
        context = {"answered_items": answered, "item_count": item_count}
        application_transition(
            application=locked_app,
            action=Action.RESPOND_DOCUMENTS,
            actor=actor,
            expected_status=Status.AWAITING_DOCUMENTS,
        )
        # The colleagues hear of it; the user who sent it is not told what
        # they just did (issue 12: no echo).
        notify_organization(
            locked_app,
            NotificationKind.DOCUMENT_REQUEST_ANSWERED,
            {**context, "audience": "organization"},
            exclude=actor,
        )
        examiners = [
            a.examiner
            for a in Assignment.objects.filter(application=locked_app).select_related(
                "examiner"
            )
        ] or office_users(locked_app, Role.EXAMINER)
        notify_officers(
            locked_app,
            examiners,
            NotificationKind.DOCUMENT_REQUEST_ANSWERED,
            {**context, "audience": "office"},
        )
    return locked


def document_request_send_reminders(*, today: date | None = None) -> int:
    """Remind the organisation of open requests due in 7 days and in 1 day,
    once each (a compare-and-swap on the request's flag guards against a
    second run or a concurrent worker).  A request whose due date was
    already closer than 7 days when it was made gets no 7-day reminder.
    Returns how many reminders were queued."""
    today = today or timezone.localdate()
    sent = 0
    for days in REMINDER_DAYS:
        flag = f"reminded_{days}"
        candidates = DocumentRequest.objects.filter(
            state=DocumentRequest.State.OPEN,
            due_date__gte=today,
            due_date__lte=today + timedelta(days=days),
            **{flag: False},
        ).select_related(
            "application", "application__application_type", "application__organization"
        )
        for document_request in candidates:
            made_on = timezone.localdate(document_request.created_at)
            if days == 7 and (document_request.due_date - made_on).days <= 7:
                continue
            if days == 7 and (document_request.due_date - today).days <= 1:
                continue  # the 1-day reminder covers it
            with transaction.atomic():
                claimed = DocumentRequest.objects.filter(
                    pk=document_request.pk,
                    state=DocumentRequest.State.OPEN,
                    **{flag: False},
                ).update(**{flag: True})
                if not claimed:
                    continue
                application = document_request.application
                notify_organization(
                    application,
                    NotificationKind.DOCUMENT_REQUEST_REMINDER,
                    {
                        "due_date": document_request.due_date.isoformat(),
                        "days_left": (document_request.due_date - today).days,
                        "respond_link": documents_request_path(application),
                    },
                )
                sent += 1
    return sent
