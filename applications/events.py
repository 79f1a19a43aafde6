"""Case events: the steps of a case that systems outside the portal follow
(an HR system, a scrivener's case-management software), as one closed list.

The services emit an event at the step, inside their transaction, with one
call: ``emit(application, CaseEvent.DECIDED, outcome="granted")``.  Other
apps subscribe in ``AppConfig.ready`` (``webhooks`` writes its delivery rows
there), so applications knows nothing of who listens and a rolled-back step
leaves nothing behind.  A subscriber must only write rows and queue work
after commit (``portal.lib.tasks.enqueue_on_commit``): it runs inside the
step's transaction and must never wait on the network.

An event carries opaque codes only — the case's code and receipt number, the
organisation's code, the event's own id and time, and small facts of the
step (an outcome, a due date, a dispatch method).  Never a person's name,
passport or residence card number, date of birth or tracking number: the
receiver fetches what it may see through the API with the case code.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from applications.models import Application


class CaseEvent(models.TextChoices):
    RECEIVED = "case.received", _("Case received")
    DOCUMENTS_REQUESTED = "case.documents_requested", _("Documents requested")
    DECIDED = "case.decided", _("Decision made")
    ISSUED = "case.issued", _("Card or certificate issued")
    DISPATCHED = "case.dispatched", _("Card or certificate sent")


@dataclass(frozen=True)
class CaseEventData:
    """One event as subscribers receive it (no model instances: only codes)."""

    id: str
    type: str
    occurred_at: datetime
    organization_id: int
    organization_code: str
    case_code: str
    receipt_number: str
    application_type: str
    status: str
    companions: list[dict[str, str]] = field(default_factory=list)
    facts: dict[str, str | int | bool] = field(default_factory=dict)


Subscriber = Callable[[CaseEventData], object]
_subscribers: list[Subscriber] = []


def subscribe(subscriber: Subscriber) -> None:
    """Call ``subscriber`` for every event (once, however often ``ready``
    runs).  It runs in the emitting transaction."""
    if subscriber not in _subscribers:
        _subscribers.append(subscriber)


def emit(application: Application, event: CaseEvent, **facts: Any) -> CaseEventData:
    """Tell every subscriber that ``event`` happened to ``application`` (the
    main application, locked by the caller); ``facts`` are small non-personal
    values of the step.  Call inside the step's transaction, after the
    transition."""
    companions = [
        {"case": str(c.code), "receipt_number": c.receipt_number or ""}
        for c in application.companions.order_by("pk").only("code", "receipt_number")
    ]
    data = CaseEventData(
        id=f"msg_{uuid.uuid4().hex}",
        type=CaseEvent(event).value,
        occurred_at=timezone.now(),
        organization_id=application.organization_id,
        organization_code=str(application.organization.code),
        case_code=str(application.code),
        receipt_number=application.receipt_number or "",
        application_type=application.application_type.code,
        status=application.status,
        companions=companions,
        facts=dict(facts),
    )
    for subscriber in _subscribers:
        subscriber(data)
    return data
