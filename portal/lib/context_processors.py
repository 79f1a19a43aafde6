from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest


def portal(request: HttpRequest) -> dict[str, Any]:
    """Values the base layout needs on every page."""
    user = getattr(request, "user", None)
    context: dict[str, Any] = {"DEBUG": settings.DEBUG}
    if user is not None and user.is_authenticated:
        context["session_idle_seconds"] = settings.SESSION_IDLE_TIMEOUT
        context["session_warning_seconds"] = settings.SESSION_WARNING_BEFORE
    return context
