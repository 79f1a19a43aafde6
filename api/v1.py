"""The API, version 1: ``/api/v1/``.  Every error is a problem document
(``api.problems``); the schema (``/api/v1/openapi.json``) is generated from
the code and committed as ``api/openapi.json`` (a test checks they agree)."""

from __future__ import annotations

import logging
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse

from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.openapi.schema import OpenAPISchema

from api import problems
from api.auth import KeyAuth
from applications.errors import NotDraft
from portal.lib.errors import DomainError, StaleEdit, message_for

logger = logging.getLogger(__name__)

DESCRIPTION = """\
File and follow applications for residence from your own systems.

Authenticate with an API key (create one under *API keys* in the portal,
signed in with two-step verification): `Authorization: Bearer zk_…`.
A key acts as its user for the organisations it was created for, with the
scopes chosen; it stops working when revoked or expired, when its user is
suspended, and for an organisation whose appointment ended.

Every error is `application/problem+json` (RFC 9457) with a stable `code`.
"""

# Statuses every operation may answer, besides its own.
COMMON_ERRORS = (400, 401, 403, 404, 409, 422, 429)


class ZairyuApi(NinjaAPI):
    def get_openapi_operation_id(self, operation: Any) -> str:
        return str(operation.view_func.__name__)

    def get_openapi_schema(
        self, *, path_prefix: str | None = None, path_params: Any = None
    ) -> OpenAPISchema:
        schema = super().get_openapi_schema(
            path_prefix=path_prefix, path_params=path_params
        )
        return _with_problem_responses(schema)


def _with_problem_responses(schema: OpenAPISchema) -> OpenAPISchema:
    """Errors are documented as ``application/problem+json`` Problem
    documents, and each operation lists the common error statuses."""
    components = schema.setdefault("components", {}).setdefault("schemas", {})
    components["Problem"] = PROBLEM_SCHEMA
    ref = {"$ref": "#/components/schemas/Problem"}
    for methods in schema.get("paths", {}).values():
        for operation in methods.values():
            responses = operation.setdefault("responses", {})
            for status in COMMON_ERRORS:
                responses.setdefault(status, {"description": "A problem"})
            body = operation.get("requestBody", {}).get("content", {})
            if "multipart/form-data" in body:
                responses.setdefault(413, {"description": "The file is too large"})
            for status, response in list(responses.items()):
                if int(status) >= 400:
                    response["content"] = {problems.MEDIA_TYPE: {"schema": ref}}
            operation["responses"] = dict(
                sorted(responses.items(), key=lambda item: int(item[0]))
            )
    return schema


PROBLEM_SCHEMA: dict[str, Any] = {
    "type": "object",
    "title": "Problem",
    "description": "RFC 9457 problem details.",
    "required": ["type", "title", "status", "detail", "code"],
    "properties": {
        "type": {"type": "string"},
        "title": {"type": "string"},
        "status": {"type": "integer"},
        "detail": {"type": "string"},
        "code": {"type": "string", "enum": sorted(problems.CODES)},
        "request_id": {"type": "string"},
        "errors": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["path", "code", "message"],
                "properties": {
                    "path": {"type": "string"},
                    "code": {"type": "string"},
                    "message": {"type": "string"},
                },
            },
        },
    },
}


api = ZairyuApi(
    title="Zairyu API",
    version="1.0.0",
    description=DESCRIPTION,
    auth=KeyAuth(),
    urls_namespace="api-v1",
    docs_url="/docs",
    openapi_url="/openapi.json",
)


@api.exception_handler(problems.Problem)
def _problem(request: HttpRequest, exc: problems.Problem) -> HttpResponse:
    return problems.response(exc)


@api.exception_handler(NinjaValidationError)
def _invalid(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
    return problems.response(problems.from_validation_errors(list(exc.errors)))


@api.exception_handler(AuthenticationError)
def _unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return problems.response(problems.Problem("key_missing"))


@api.exception_handler(HttpError)
def _http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    code = {
        400: "malformed_request",
        401: "key_invalid",
        403: "forbidden",
        404: "not_found",
        405: "method_not_allowed",
        429: "rate_limited",
    }.get(exc.status_code, "malformed_request")
    return problems.response(problems.Problem(code, str(exc.message)))


@api.exception_handler(Http404)
def _not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return problems.response(problems.Problem("not_found"))


@api.exception_handler(PermissionDenied)
def _forbidden(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
    return problems.response(problems.Problem("forbidden"))


@api.exception_handler(StaleEdit)
def _stale(request: HttpRequest, exc: StaleEdit) -> HttpResponse:
    return problems.response(problems.Problem("stale_edit", message_for(exc)))


@api.exception_handler(NotDraft)
def _not_draft(request: HttpRequest, exc: NotDraft) -> HttpResponse:
    return problems.response(problems.Problem("not_a_draft", message_for(exc)))


@api.exception_handler(DomainError)
def _refused(request: HttpRequest, exc: DomainError) -> HttpResponse:
    return problems.response(
        problems.Problem("refused", message_for(exc), extra={"reason": exc.code})
    )


@api.exception_handler(ValidationError)
def _django_invalid(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    return problems.response(problems.upload_problem(exc))


@api.exception_handler(Exception)
def _server_error(request: HttpRequest, exc: Exception) -> HttpResponse:
    logger.exception("API error on %s %s", request.method, request.path)
    return problems.response(problems.Problem("server_error"))


from api.endpoints import calendar, cases, drafts, files, people  # noqa: E402

api.add_router("/people", people.router, tags=["People"])
api.add_router("/drafts", drafts.router, tags=["Drafts"])
api.add_router("/cases", cases.router, tags=["Cases"])
api.add_router("/files", files.router, tags=["Files"])
api.add_router("/calendar", calendar.router, tags=["Calendar"])
