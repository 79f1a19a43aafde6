"""``Idempotency-Key``: the first request with a key runs; a retry with the
same key and the same body gets the first answer again (nothing runs
twice); the same key with another body is refused.  A placeholder row is
written first (the unique constraint decides between concurrent retries),
so two concurrent requests never both run."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from typing import Any

from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse

from ninja import Status

from api.models import ApiKey, IdempotencyRecord
from api.problems import Problem

RUNNING = 0
MAX_KEY_LENGTH = 255


def _fingerprint(request: HttpRequest, operation: str) -> str:
    digest = hashlib.sha256()
    digest.update(operation.encode())
    digest.update(b"\0")
    digest.update(request.body or b"")
    return digest.hexdigest()


def _replay(record: IdempotencyRecord) -> HttpResponse:
    response = HttpResponse(
        json.dumps(record.body, ensure_ascii=False),
        status=record.status,
        content_type="application/json; charset=utf-8",
    )
    response["Idempotent-Replayed"] = "true"
    return response


def once(
    request: HttpRequest,
    *,
    api_key: ApiKey,
    key: str | None,
    operation: str,
    run: Callable[[], tuple[int, dict[str, Any]]],
) -> HttpResponse | Status:
    if not key:
        raise Problem(
            "idempotency_key_missing",
            "Send an Idempotency-Key header (for example a UUID) with each submit.",
        )
    if len(key) > MAX_KEY_LENGTH:
        raise Problem(
            "invalid_value",
            f"The Idempotency-Key is longer than {MAX_KEY_LENGTH} characters.",
            errors=[
                {
                    "path": "Idempotency-Key",
                    "code": "invalid_value",
                    "message": "At most 255 characters.",
                }
            ],
        )
    fingerprint = _fingerprint(request, operation)
    try:
        with transaction.atomic():
            record = IdempotencyRecord.objects.create(
                api_key=api_key,
                key=key,
                operation=operation,
                request_hash=fingerprint,
                status=RUNNING,
                body={},
            )
    except IntegrityError:
        existing = IdempotencyRecord.objects.get(api_key=api_key, key=key)
        if existing.request_hash != fingerprint:
            raise Problem(
                "idempotency_key_reused",
                "This Idempotency-Key was sent before with another request; "
                "use a new key for a new request.",
            ) from None
        if existing.status == RUNNING:
            raise Problem(
                "idempotency_in_progress",
                "The first request with this Idempotency-Key is still running.",
                headers={"Retry-After": "1"},
            ) from None
        return _replay(existing)
    try:
        status, body = run()
    except BaseException:
        # Refusals are not remembered: the same request may succeed once
        # the draft is fixed.
        record.delete()
        raise
    IdempotencyRecord.objects.filter(pk=record.pk).update(status=status, body=body)
    return Status(status, body)
