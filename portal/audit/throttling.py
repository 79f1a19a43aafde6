"""Throttled attempts leave an audit record (review L1): the sign-in refused
by allauth's per-account/per-address limit, and every 429 allauth answers
(sign-in, password reset, re-authentication).

A flood of refused attempts must not flood the trail: at most
``RECORDS_PER_MINUTE`` records per client address per minute are written;
the rest are counted by the throttle itself, not recorded."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import Resolver404, resolve

from portal.audit.events import AuditAction
from portal.audit.services import audit_record
from portal.lib.ratelimit import client_ip, hashed, hit

RECORDS_PER_MINUTE = 30


def record_throttled(
    request: HttpRequest | None, *, action: AuditAction, actor: Any = None
) -> None:
    """Audit one refused attempt (within the per-address budget).  Only the
    URL name is recorded, never what was typed."""
    address = client_ip(request) if request is not None else "unknown"
    if not hit(
        f"audit-throttled:{hashed(address)}", limit=RECORDS_PER_MINUTE, window=60
    ):
        return
    url_name = ""
    if request is not None:
        try:
            url_name = resolve(request.path_info).url_name or ""
        except Resolver404:
            url_name = ""
    audit_record(actor=actor, action=action, data={"url_name": url_name})


def too_many_requests(request: HttpRequest) -> HttpResponse:
    """``handler429`` (allauth's rate limits answer through it)."""
    user = getattr(request, "user", None)
    record_throttled(
        request,
        action=AuditAction.AUTH_THROTTLED,
        actor=user if user is not None and user.is_authenticated else None,
    )
    return render(request, "429.html", status=429)
