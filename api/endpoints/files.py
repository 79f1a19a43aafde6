"""Downloading a file of a case (documents, receipts, decision notices,
certificates, files sent for requests): the portal's file access rules
decide, as for the download page (404 for anyone else's)."""

# No "from __future__ import annotations": django-ninja reads the
# parameter annotations at import time.
import logging
import uuid

from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, HttpRequest

from ninja import Router

from api.auth import principal
from api.endpoints.common import operation
from api.scopes import Scope
from portal.audit.events import AuditAction
from portal.audit.services import audit_record
from portal.files.selectors import stored_file_get_for_user

router = Router()
logger = logging.getLogger(__name__)


@operation(
    router,
    "get",
    "/{file_code}",
    scope=Scope.READ_CASES,
    response={200: bytes},
    openapi_extra={
        "responses": {
            200: {
                "description": "The file",
                "content": {
                    "application/octet-stream": {
                        "schema": {"type": "string", "format": "binary"}
                    }
                },
            }
        }
    },
)
def download_file(request: HttpRequest, file_code: uuid.UUID) -> FileResponse:
    user = principal(request).user
    stored_file, _access = stored_file_get_for_user(user=user, code=file_code)
    try:
        handle = default_storage.open(stored_file.name, "rb")
    except FileNotFoundError as exc:
        logger.error("stored file %s has no bytes in storage", stored_file.code)
        raise Http404 from exc
    audit_record(
        actor=user,
        action=AuditAction.FILE_DOWNLOAD,
        obj=stored_file,
        data={"inline": False, "api": True},
    )
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=stored_file.original_name,
        content_type=stored_file.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "no-store, private"
    return response
