"""Object lookup for selectors: a missing or malformed key is a 404."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.db.models import Model, QuerySet
from django.http import Http404


def get_or_404[M: Model](queryset: QuerySet[M], **lookup: Any) -> M:
    """``queryset.get(**lookup)``, raising Http404 when there is no such row
    or the key cannot be parsed (a UUID or number typed into a URL)."""
    try:
        return queryset.get(**lookup)
    except (ObjectDoesNotExist, ValueError, ValidationError):
        raise Http404 from None
