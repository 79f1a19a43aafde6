"""The dashboard's way to the API keys (organisation-side users)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from accounts.permissions import is_portal_user


def api_panel(request: HttpRequest) -> tuple[str, dict[str, Any]] | None:
    """Registered in ApiConfig.ready; no query."""
    if not is_portal_user(request.user):
        return None
    return "api/_dashboard_panel.html", {}
