"""The one way to write an audit record: ``audit_record`` at once, or
``audit_recorded_with`` in the round trip of a page's reads."""

from __future__ import annotations

from collections.abc import Sequence
from contextlib import AbstractContextManager
from typing import Any

from django.db import models
from django.db.models.sql import InsertQuery

from portal.audit.events import AuditAction
from portal.audit.models import AuditEvent
from portal.lib.compiled import CompiledQuery, fetched_together
from portal.lib.middleware import current_client_address, current_request_id


def audit_record(
    *,
    actor: Any | None,
    action: AuditAction | str,
    obj: models.Model | None = None,
    organization_code: Any | None = None,
    data: dict[str, str | int | bool | None] | None = None,
) -> AuditEvent:
    """Append an audit event in the caller's transaction.

    ``obj`` is named by its model label and its opaque ``code`` (or pk when it
    has none).  ``data`` is for non-personal facts only (status names, counts,
    reasons chosen from a list) — callers must not put names or numbers of
    people here.
    """
    event = _event(actor, action, obj, organization_code, data)
    event.save(force_insert=True)
    return event


def audit_recorded_with(
    reads: Sequence[tuple[CompiledQuery, tuple[Any, ...]]],
    *,
    actor: Any | None,
    action: AuditAction | str,
    obj: models.Model | None = None,
    organization_code: Any | None = None,
    data: dict[str, str | int | bool | None] | None = None,
) -> AbstractContextManager[None]:
    """Run a page's compiled ``reads`` and append the event ``audit_record``
    would write, in one round trip (``portal.lib.compiled.fetched_together``:
    the case pages record every view and are the busiest pages that do)."""
    event = _event(actor, action, obj, organization_code, data)
    return fetched_together(*reads, writes=[_insert_statement(event)])


def _insert_statement(event: AuditEvent) -> tuple[str, list[Any]]:
    """``event``'s INSERT (SQL and parameters), as ``save`` would send it."""
    fields = [
        f
        for f in AuditEvent._meta.local_concrete_fields
        if f is not AuditEvent._meta.auto_field
    ]
    query = InsertQuery(AuditEvent)
    query.insert_values(fields, [event])
    ((sql, params),) = query.get_compiler(using="default").as_sql()
    return sql, list(params)


def _event(
    actor: Any | None,
    action: AuditAction | str,
    obj: models.Model | None,
    organization_code: Any | None,
    data: dict[str, str | int | bool | None] | None,
) -> AuditEvent:
    action = AuditAction(action)  # ValueError on a name missing from the list
    actor_obj = actor if actor is not None and getattr(actor, "pk", None) else None
    object_type = obj._meta.label_lower if obj is not None else ""
    object_code = (
        str(getattr(obj, "code", None) or getattr(obj, "pk", "")) if obj else ""
    )
    return AuditEvent(
        actor=actor_obj,
        actor_username=getattr(actor_obj, "username", "") if actor_obj else "",
        organization_code=organization_code,
        action=action,
        object_type=object_type,
        object_code=object_code,
        request_id=current_request_id(),
        client_address=current_client_address(),
        data=data or {},
    )
