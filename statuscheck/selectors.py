"""Reads of the status check.  The one lookup asks for the receipt number
and the date of birth together, so an unknown number and a wrong date of
birth are the same query with the same empty answer (no timing oracle from
a query skipped on one of them)."""

from __future__ import annotations

from datetime import date, datetime

from applications.models import Application, StatusEvent
from applications.workflow import Status


def application_for_status_check(
    *, receipt_number: str, date_of_birth: date
) -> Application | None:
    """The submitted application with this receipt number whose person was
    born on ``date_of_birth``; None when either does not match.  Loads only
    what the public answer shows (status, dates, receiving office): never the
    person's name, nationality or numbers."""
    rows = list(
        Application.objects.filter(
            receipt_number=receipt_number,
            foreign_national__date_of_birth=date_of_birth,
        )
        .exclude(status=Status.DRAFT)
        .select_related("office")
        .only(
            "id",
            "code",
            "status",
            "submitted_at",
            "office__name_ja",
            "office__name_en",
        )[:1]
    )
    return rows[0] if rows else None


def status_history(application: Application) -> list[tuple[str, datetime]]:
    """The application's transitions as (status reached, when), oldest first."""
    return list(
        StatusEvent.objects.filter(application=application)
        .order_by("at", "id")
        .values_list("to_status", "at")
    )
