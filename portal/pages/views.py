from __future__ import annotations

import logging
import uuid

from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from portal.lib.dashboard import panels_for
from portal.lib.middleware import SESSION_LAST_SEEN, session_seconds_left
from portal.notifications import selectors as notification_selectors

logger = logging.getLogger(__name__)


def home(request: HttpRequest) -> HttpResponse:
    return render(request, "pages/home.html")


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    latest = list(notification_selectors.inbox_for_user(user=request.user)[:5])
    return render(
        request,
        "pages/dashboard.html",
        {"latest_notifications": latest, "panels": panels_for(request)},
    )


@never_cache
@require_GET
def session_status(request: HttpRequest) -> JsonResponse:
    """How long the session has left; does not count as activity."""
    if not request.user.is_authenticated:
        return JsonResponse({"authenticated": False, "seconds_left": 0})
    return JsonResponse(
        {"authenticated": True, "seconds_left": session_seconds_left(request)}
    )


@never_cache
@require_POST
def session_extend(request: HttpRequest) -> HttpResponse:
    """The "stay signed in" control: counts as activity now."""
    import time

    if request.user.is_authenticated:
        request.session[SESSION_LAST_SEEN] = time.time()
        return JsonResponse(
            {"authenticated": True, "seconds_left": session_seconds_left(request)}
        )
    return JsonResponse({"authenticated": False, "seconds_left": 0}, status=401)


@never_cache
def livez(request: HttpRequest) -> JsonResponse:
    """Liveness: the process serves requests.  Checks no dependency, so an
    orchestrator never restarts a web node for a database or Redis outage."""
    return JsonResponse({"status": "alive"})


@never_cache
def readyz(request: HttpRequest) -> JsonResponse:
    """Readiness: 503 without the database (the portal cannot serve then);
    200 with ``"status": "degraded"`` when only Redis (cache and broker) is
    down, because the portal is built to keep working then (sessions in the
    database, throttles per process, email and PDFs queued for the sweeps)."""
    checks: dict[str, str] = {}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        checks["database"] = "ok"
    except Exception:
        logger.exception("health check: database")
        checks["database"] = "error"
    try:
        # The cache degrades instead of raising (and answers at once while its
        # circuit breaker is open), so a failed round trip reads as a miss.
        key = f"healthz:{uuid.uuid4().hex}"
        cache.set(key, "1", 10)
        checks["cache"] = "ok" if cache.get(key) == "1" else "degraded"
        cache.delete(key)
    except Exception:
        logger.exception("health check: cache")
        checks["cache"] = "degraded"
    if checks["database"] != "ok":
        status, code = "error", 503
    elif checks["cache"] != "ok":
        status, code = "degraded", 200
    else:
        status, code = "ok", 200
    return JsonResponse({"status": status, **checks}, status=code)


# The historical name: the same readiness answer.
healthz = readyz
