"""Reads of batch filing; object access in one place (404 for a batch of an
organisation the user does not serve)."""

from __future__ import annotations

import uuid
from typing import Any

from django.db.models import QuerySet

from accounts.selectors import organizations_for_user
from batches.models import Batch, BatchRow
from portal.lib.access import get_or_404


def batches_for_user(*, user: Any) -> QuerySet[Batch]:
    """The batches of every organisation the user serves (member or
    appointee), newest first."""
    return (
        Batch.objects.filter(organization__in=organizations_for_user(user=user))
        .select_related("organization", "application_type")
        .order_by("-created_at", "-pk")
    )


def batch_get_for_user(*, user: Any, code: uuid.UUID) -> Batch:
    """The batch ``code`` if the user serves its organisation, else 404."""
    return get_or_404(
        batches_for_user(user=user).select_related("organization"), code=code
    )


def batch_rows(*, batch: Batch) -> QuerySet[BatchRow]:
    return BatchRow.objects.filter(batch=batch).select_related(
        "application",
        "application__application_type",
        "application__organization",
        "application__foreign_national",
        "application__foreign_national__current_status",
        "application__target_status",
    )


def batch_row_get(*, batch: Batch, line: int) -> BatchRow:
    return get_or_404(batch_rows(batch=batch), line=line)
