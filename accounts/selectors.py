"""Reads for the accounts app."""

from __future__ import annotations

from django.db.models import QuerySet

from accounts.models import Office, Prefecture


def offices_taking_use_requests() -> QuerySet[Office]:
    """The offices a request for use may be sent to, in display order (airport
    district offices and other inspection-only offices excluded)."""
    return Office.objects.filter(accepts_use_requests=True).order_by(
        "sort_order", "code"
    )


def office_for_prefecture(*, prefecture: Prefecture | int) -> Office | None:
    """The office that takes requests for use from an organisation in
    ``prefecture`` (a Prefecture or its JIS code): the one whose jurisdiction
    covers it.  None when no such office is configured."""
    code = prefecture.pk if isinstance(prefecture, Prefecture) else prefecture
    return offices_taking_use_requests().filter(jurisdiction=code).first()
