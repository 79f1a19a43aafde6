"""Cases (sent applications): the list with a keyset cursor and the case
list's filters, one case with its files, its timeline, and its requests for
documents (list, upload, answer) — through the pages' selectors and
``review``'s services."""

# No "from __future__ import annotations": django-ninja reads the
# parameter annotations at import time.
import uuid
from datetime import date, datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest

from ninja import File, Query, Router, Schema, Status
from ninja.files import UploadedFile

from accounts.models import Organization
from api.auth import principal
from api.endpoints.common import Page, operation
from api.problems import Problem, upload_problem
from api.scopes import Scope
from applications import selectors
from applications.forms.cases import MIN_SEARCH_LENGTH, normalize_search
from applications.models import Application, GeneratedDocument
from applications.workflow import Status as CaseStatus
from portal.audit.events import AuditAction
from portal.audit.services import audit_record
from portal.lib import keyset
from portal.lib.files import Kind, validate_upload
from review import selectors as review_selectors
from review.models import Certificate, DocumentRequest
from review.services.document_requests import (
    document_request_answer,
    document_request_attach,
)

router = Router()


class CompanionOut(Schema):
    code: uuid.UUID
    application_type: str
    status: str
    receipt_number: str | None


class CaseOut(Schema):
    code: uuid.UUID
    status: str
    application_type: str
    organization: uuid.UUID
    foreign_national: uuid.UUID
    receipt_number: str | None
    submitted_at: datetime | None
    companions: list[CompanionOut]


class FileOut(Schema):
    file: uuid.UUID
    kind: str
    name: str
    language: str
    application: uuid.UUID
    size: int
    content_type: str


class CaseDetail(CaseOut):
    office: str | None
    decided_at: datetime | None
    files: list[FileOut]


class CasesPage(Page):
    items: list[CaseOut]


class EventOut(Schema):
    at: datetime
    application: uuid.UUID
    action: str
    from_status: str
    to_status: str


class CaseFilters(Schema):
    organization: uuid.UUID | None = None
    application_type: str | None = None
    status: list[CaseStatus] | None = None
    q: str | None = None
    cursor: str | None = None
    limit: int = 50


class RequestItemOut(Schema):
    number: int
    text: str
    document_type: str
    files: list[dict[str, Any]]


class DocumentRequestOut(Schema):
    code: uuid.UUID
    state: str
    due_date: date
    message: str
    created_at: datetime
    answered_at: datetime | None
    items: list[RequestItemOut]


def case_out(application: Application) -> dict[str, Any]:
    return {
        "code": application.code,
        "status": application.status,
        "application_type": application.application_type.code,
        "organization": application.organization.code,
        "foreign_national": application.foreign_national.code,
        "receipt_number": application.receipt_number,
        "submitted_at": application.submitted_at,
        "companions": [
            {
                "code": c.code,
                "application_type": c.application_type.code,
                "status": c.status,
                "receipt_number": c.receipt_number,
            }
            for c in application.companions.all()
        ],
    }


def _case(request: HttpRequest, code: uuid.UUID, *, write: bool = False) -> Application:
    user = principal(request).user
    application = selectors.application_get_for_user(
        user=user, code=code, for_write=write
    )
    if application.submitted_at is None:
        raise Http404  # a draft is under /drafts
    return application


def _files(application: Application, companions: list[Application]) -> list[dict]:
    """Files of the case a user may download: what was sent with it, the
    receipts and forms the portal made, decision notices and certificates."""
    rows: list[dict[str, Any]] = []

    def add(stored: Any, kind: str, language: str, owner: Application) -> None:
        rows.append(
            {
                "file": stored.code,
                "kind": kind,
                "name": stored.original_name,
                "language": language,
                "application": owner.code,
                "size": stored.size,
                "content_type": stored.content_type,
            }
        )

    for owner in [application, *companions]:
        for document in selectors.case_documents(application=owner):
            add(document.file, f"document:{document.slot.code}", "", owner)
        for generated in GeneratedDocument.objects.filter(
            application=owner
        ).select_related("file"):
            add(generated.file, generated.kind, generated.language, owner)
        for certificate in (
            Certificate.objects.filter(application=owner)
            .select_related("file_ja", "file_en")
            .order_by("created_at", "id")
        ):
            for language, stored in (
                ("ja", certificate.file_ja),
                ("en", certificate.file_en),
            ):
                if stored is not None:
                    add(stored, certificate.kind, language, owner)
    return rows


@operation(router, "get", "", scope=Scope.READ_CASES, response=CasesPage)
def list_cases(request: HttpRequest, filters: Query[CaseFilters]) -> dict[str, Any]:
    """Sent applications of the key's organisations, newest first; follow
    ``next_cursor`` for the next page.  ``q``: the start of a receipt
    number, a residence card number, or words of the person's name (at
    least 3 characters)."""
    user = principal(request).user
    organization_id = None
    if filters.organization is not None:
        organization_id = (
            Organization.objects.filter(
                pk__in=principal(request).organization_ids, code=filters.organization
            )
            .values_list("pk", flat=True)
            .first()
        )
        if organization_id is None:
            raise Http404
    text = normalize_search(filters.q or "")
    if text and len(text) < MIN_SEARCH_LENGTH:
        raise Problem(
            "invalid_value",
            f"Search with at least {MIN_SEARCH_LENGTH} characters.",
            errors=[
                {
                    "path": "q",
                    "code": "invalid_value",
                    "message": f"At least {MIN_SEARCH_LENGTH} characters.",
                }
            ],
        )
    cases = selectors.cases_for_user(
        user=user,
        organization_id=organization_id,
        application_type=filters.application_type or None,
        statuses=[str(s) for s in filters.status] if filters.status else None,
        text=text or None,
    )
    decoded = keyset.decode(filters.cursor)
    after = decoded[1] if decoded and decoded[0] == keyset.AFTER else None
    size = max(1, min(filters.limit, 200))
    rows, more = selectors.cases_keyset_page(cases, after=after, size=size)
    last = rows[-1] if rows else None
    return {
        "items": [case_out(row) for row in rows],
        "next_cursor": keyset.encode(last.submitted_at, last.pk)
        if more and last is not None and last.submitted_at is not None
        else None,
    }


@operation(router, "get", "/{case_code}", scope=Scope.READ_CASES, response=CaseDetail)
def get_case(request: HttpRequest, case_code: uuid.UUID) -> dict[str, Any]:
    """One case with its companions and every file that can be downloaded
    (``GET /files/{file_code}``)."""
    application = _case(request, case_code)
    companions = selectors.case_companions(application=application)
    audit_record(
        actor=principal(request).user,
        action=AuditAction.APPLICATION_VIEW,
        obj=application,
        organization_code=application.organization.code,
    )
    return {
        **case_out(application),
        "office": application.office.code if application.office else None,
        "decided_at": application.decided_at,
        "files": _files(application, companions),
    }


@operation(
    router,
    "get",
    "/{case_code}/timeline",
    scope=Scope.READ_CASES,
    response=list[EventOut],
)
def case_timeline(request: HttpRequest, case_code: uuid.UUID) -> list[dict[str, Any]]:
    """The status changes of the case and its companions, oldest first."""
    application = _case(request, case_code)
    events = []
    for owner in [application, *selectors.case_companions(application=application)]:
        for event in selectors.case_events(application=owner):
            events.append(
                {
                    "at": event.at,
                    "application": owner.code,
                    "action": event.action,
                    "from_status": event.from_status,
                    "to_status": event.to_status,
                }
            )
    return sorted(events, key=lambda e: e["at"])


@operation(
    router,
    "get",
    "/{case_code}/document-requests",
    scope=Scope.READ_CASES,
    response=list[DocumentRequestOut],
)
def list_document_requests(
    request: HttpRequest, case_code: uuid.UUID
) -> list[dict[str, Any]]:
    """The case's requests for documents, newest first, with each item
    (``number``) and the files sent for it."""
    application = _case(request, case_code)
    views = review_selectors.document_requests_for_case(application=application)
    if views:
        audit_record(
            actor=principal(request).user,
            action=AuditAction.DOCUMENT_REQUEST_VIEW,
            obj=views[0].request,
            organization_code=application.organization.code,
        )
    return [_request_out(view) for view in views]


def _request_out(view: Any) -> dict[str, Any]:
    return {
        "code": view.request.code,
        "state": view.request.state,
        "due_date": view.request.due_date,
        "message": view.request.message,
        "created_at": view.request.created_at,
        "answered_at": view.request.answered_at,
        "items": [
            {
                "number": item.sort_order,
                "text": item.text,
                "document_type": item.document_type,
                "files": [{**f, "code": str(f["code"])} for f in item.files_sent],
            }
            for item in view.items
        ],
    }


def _open_request(
    request: HttpRequest, case_code: uuid.UUID
) -> tuple[Application, DocumentRequest]:
    application, document_request = review_selectors.document_request_get_for_user(
        user=principal(request).user, code=case_code, for_write=True
    )
    if document_request.state != DocumentRequest.State.OPEN:
        raise Problem("refused", "The request for documents was already answered.")
    return application, document_request


@operation(
    router,
    "post",
    "/{case_code}/document-requests/current/items/{item_number}/files",
    scope=Scope.ANSWER_REQUESTS,
    response={201: list[dict[str, Any]]},
)
def upload_requested_document(
    request: HttpRequest,
    case_code: uuid.UUID,
    item_number: int,
    file: File[UploadedFile],
) -> Status:
    """Add a file (PDF, JPEG or PNG) for one item of the open request; it
    goes to the office with the answer."""
    _application, document_request = _open_request(request, case_code)
    item = document_request.items.filter(sort_order=item_number).first()
    if item is None:
        raise Http404
    try:
        cleaned = validate_upload(file, allowed={Kind.PDF, Kind.JPEG, Kind.PNG})
        stored = document_request_attach(
            document_request=document_request,
            item=item,
            uploads=[cleaned],
            actor=principal(request).user,
        )
    except ValidationError as exc:
        raise upload_problem(exc) from None
    return Status(
        201,
        [
            {"code": str(s.code), "name": s.original_name, "size": s.size}
            for s in stored
        ],
    )


@operation(
    router,
    "post",
    "/{case_code}/document-requests/current/answer",
    scope=Scope.ANSWER_REQUESTS,
    response=DocumentRequestOut,
)
def answer_document_request(
    request: HttpRequest, case_code: uuid.UUID
) -> dict[str, Any]:
    """Send the answer to the open request (once; the examination goes on)."""
    application, document_request = _open_request(request, case_code)
    document_request_answer(
        document_request=document_request, actor=principal(request).user
    )
    for view in review_selectors.document_requests_for_case(application=application):
        if view.request.pk == document_request.pk:
            return _request_out(view)
    raise Http404  # pragma: no cover
