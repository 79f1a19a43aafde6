"""RFC 9457 problem details: every error the API answers is
``application/problem+json`` with ``type``, ``title``, ``status``,
``detail`` and a stable ``code`` (and ``errors``, each with its field
``path``, for invalid input).  The codes are listed in ``CODES``; a test
checks every code the API can answer is there."""

from __future__ import annotations

import json
from typing import Any

from django.http import HttpResponse

from portal.lib.middleware import current_request_id

MEDIA_TYPE = "application/problem+json"
TYPE_BASE = "urn:zairyu:api:problem:"

# code → (status, title).  Stable: clients branch on them.
CODES: dict[str, tuple[int, str]] = {
    # 400
    "malformed_request": (400, "The request could not be read"),
    # 401
    "key_missing": (401, "No API key"),
    "key_invalid": (401, "The API key is not valid"),
    "key_expired": (401, "The API key has expired"),
    "key_revoked": (401, "The API key was revoked"),
    "key_user_inactive": (401, "The key's user may no longer use the portal"),
    "key_no_organisation": (401, "The key serves no organisation any more"),
    # 403
    "scope_missing": (403, "The API key lacks the scope for this operation"),
    "forbidden": (403, "Not allowed"),
    # 404 / 405
    "not_found": (404, "Not found"),
    "method_not_allowed": (405, "Method not allowed"),
    # 409
    "stale_edit": (409, "Changed by someone else"),
    "not_a_draft": (409, "The application is no longer a draft"),
    "refused": (409, "Refused by a rule"),
    "idempotency_in_progress": (409, "A request with this Idempotency-Key is running"),
    # 413 / 415
    "upload_too_large": (413, "The file is too large"),
    "upload_too_large_total": (413, "The application's files are too large together"),
    # 422
    "unknown_field": (422, "Unknown fields"),
    "wrong_type": (422, "Wrong types"),
    "missing_field": (422, "Missing fields"),
    "invalid_value": (422, "Invalid values"),
    "form_invalid": (422, "The answers have problems"),
    "not_eligible": (422, "The application cannot be submitted"),
    "idempotency_key_reused": (
        422,
        "The Idempotency-Key was used with another request",
    ),
    "idempotency_key_missing": (422, "Submitting needs an Idempotency-Key header"),
    "upload_missing": (422, "No file"),
    "upload_rejected": (422, "The file was refused"),
    "upload_type_not_allowed": (422, "This type of file is not accepted"),
    "upload_hostile": (422, "The file looks unsafe"),
    "upload_pdf_broken": (422, "The PDF cannot be read"),
    "upload_image_broken": (422, "The image cannot be read"),
    # 429
    "rate_limited": (429, "Too many requests"),
    # 500
    "server_error": (500, "Something went wrong on our side"),
}


class Problem(Exception):
    """Answer with the problem ``code`` (a key of ``CODES``)."""

    def __init__(
        self,
        code: str,
        detail: str = "",
        *,
        errors: list[dict[str, Any]] | None = None,
        headers: dict[str, str] | None = None,
        extra: dict[str, Any] | None = None,
    ) -> None:
        if code not in CODES:
            raise ValueError(f"unknown problem code {code!r}")
        self.code = code
        self.status = CODES[code][0]
        self.detail = detail
        self.errors = errors
        self.headers = headers or {}
        self.extra = extra or {}
        super().__init__(code)


def body(problem: Problem) -> dict[str, Any]:
    data: dict[str, Any] = {
        "type": TYPE_BASE + problem.code,
        "title": CODES[problem.code][1],
        "status": problem.status,
        "detail": problem.detail or CODES[problem.code][1],
        "code": problem.code,
        "request_id": current_request_id(),
    }
    if problem.errors is not None:
        data["errors"] = problem.errors
    data.update(problem.extra)
    return data


def response(problem: Problem) -> HttpResponse:
    result = HttpResponse(
        json.dumps(body(problem), ensure_ascii=False, default=str),
        status=problem.status,
        content_type=MEDIA_TYPE,
    )
    for name, value in problem.headers.items():
        result[name] = value
    result["Cache-Control"] = "no-store"
    return result


# --- Invalid input (pydantic) -----------------------------------------------------

_WRONG_TYPE_SUFFIXES = ("_type", "_parsing")
_PRIORITY = ("unknown_field", "wrong_type", "missing_field", "invalid_value")


def error_code(pydantic_type: str) -> str:
    if pydantic_type == "extra_forbidden":
        return "unknown_field"
    if pydantic_type == "missing":
        return "missing_field"
    if pydantic_type.endswith(_WRONG_TYPE_SUFFIXES) or pydantic_type in (
        "model_attributes_type",
        "dict_type",
        "list_type",
        "json_invalid",
        "uuid_parsing",
        "date_from_datetime_parsing",
    ):
        return "wrong_type"
    return "invalid_value"


def path_of(loc: tuple[Any, ...] | list[Any]) -> str:
    """A field path like the form engine's: ``companions[0]``, ``form.x``.
    The first element (body/query/path/header) and ninja's parameter name
    of a body are dropped."""
    parts = list(loc)
    if parts and parts[0] in ("body", "query", "path", "header", "form", "file"):
        source = parts.pop(0)
        if source == "body" and parts and parts[0] == "payload":
            parts.pop(0)
    text = ""
    for part in parts:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text += f".{part}" if text else str(part)
    return text


def from_validation_errors(errors: list[dict[str, Any]]) -> Problem:
    items = []
    for error in errors:
        code = error_code(str(error.get("type", "")))
        path = path_of(error.get("loc", ()))
        message = str(error.get("msg", ""))
        if code == "unknown_field":
            message = f"Unknown field “{path}”."
        items.append({"path": path, "code": code, "message": message})
    if any(
        item["path"] == "Idempotency-Key" and item["code"] == "missing_field"
        for item in items
    ):
        return Problem(
            "idempotency_key_missing",
            "Send an Idempotency-Key header (for example a UUID) with each submit.",
            errors=items,
        )
    codes = {item["code"] for item in items}
    top = next((code for code in _PRIORITY if code in codes), "invalid_value")
    unknown = [item["path"] for item in items if item["code"] == "unknown_field"]
    detail = (
        "Unknown fields: " + ", ".join(unknown)
        if unknown
        else "The request has invalid fields."
    )
    return Problem(top, detail, errors=items)


# --- Uploads --------------------------------------------------------------------------

_UPLOAD_CODES = {
    "too_large": "upload_too_large",
    "too_large_total": "upload_too_large_total",
    "type_not_allowed": "upload_type_not_allowed",
    "pdf_broken": "upload_pdf_broken",
    "pdf_encrypted": "upload_pdf_broken",
    "pdf_too_complex": "upload_pdf_broken",
    "pdfs_too_complex_together": "upload_pdf_broken",
    "image_broken": "upload_image_broken",
    "empty": "upload_missing",
    "image_too_many_pixels": "upload_too_large",
    "images_too_many_pixels_together": "upload_too_large",
}


def upload_problem(exc: Any) -> Problem:
    """A refused upload (``portal.lib.files`` ValidationError codes): too
    large (413), not an allowed type, broken, or hostile (an executable,
    script, archive, polyglot, active PDF content...) — each its own code."""
    messages = []
    code = "upload_rejected"
    for error in exc.error_list if hasattr(exc, "error_list") else [exc]:
        text = error.message % error.params if error.params else error.message
        messages.append(str(text))
        raw = error.code or ""
        code = _UPLOAD_CODES.get(raw, "upload_hostile" if raw else "upload_rejected")
        break
    return Problem(
        code,
        " ".join(messages),
        errors=[{"path": "file", "code": code, "message": m} for m in messages],
    )


def from_form(form: Any, prefix: str = "") -> Problem:
    """A Django form's errors (the page's own wording), each at its field
    (``__all__`` becomes the prefix itself)."""
    items = []
    for field, errors in form.errors.as_data().items():
        name = "" if field == "__all__" else field
        path = ".".join(part for part in (prefix, name) if part)
        for error in errors:
            text = error.message % error.params if error.params else error.message
            items.append(
                {"path": path, "code": error.code or "invalid", "message": str(text)}
            )
    return Problem("form_invalid", "The request has invalid values.", errors=items)
