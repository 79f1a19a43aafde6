"""The one way to write an audit record."""

from __future__ import annotations

from typing import Any

from django.db import models

from portal.audit.events import AuditAction
from portal.audit.models import AuditEvent
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
    action = AuditAction(action)  # ValueError on a name missing from the list
    actor_obj = actor if actor is not None and getattr(actor, "pk", None) else None
    object_type = obj._meta.label_lower if obj is not None else ""
    object_code = (
        str(getattr(obj, "code", None) or getattr(obj, "pk", "")) if obj else ""
    )
    return AuditEvent.objects.create(
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
