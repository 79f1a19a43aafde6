"""Reads for officers.  Every case URL goes through ``case_get_for_officer``:
a case of another office is a 404; a role that may see but not act is 403."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from applications.models import Application
from review.permissions import case_office_ids, has_role


def case_get_for_officer(*, user: Any, code: Any, role: str | None = None) -> Application:
    """The main application ``code`` if it was filed at one of the officer's
    offices (404 otherwise); with ``role``, the officer must hold that role
    at the case's office (403 otherwise)."""
    try:
        application = (
            Application.objects.select_related(
                "application_type", "foreign_national", "organization", "office",
                "target_status", "target_subcategory",
            )
            .exclude(status="draft")
            .get(code=code, main__isnull=True, office_id__in=case_office_ids(user))
        )
    except (Application.DoesNotExist, ValueError, ValidationError):
        raise Http404 from None
    if role is not None and not has_role(user, role, application.office_id):
        raise PermissionDenied
    return application
