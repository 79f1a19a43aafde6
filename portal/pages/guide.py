"""``/guide.pdf``: the service guide as a PDF, in the visitor's language.

The PDF is made by a background task and stored; this view only serves it.
Until it exists the view queues the task (once, not per visitor) and answers
202 with a short "being prepared" page.  No PDF is rendered in a request.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.cache import cache
from django.core.files.storage import default_storage
from django.http import FileResponse, HttpRequest, HttpResponseBase
from django.shortcuts import render
from django.urls import path
from django.utils import translation
from django.utils.cache import patch_vary_headers
from django.views.decorators.http import require_GET

from portal.lib.tasks import enqueue
from portal.pages import services

logger = logging.getLogger(__name__)

# While a render is queued, later visitors do not queue another one.
QUEUE_LOCK_SECONDS = 120


def _request_language() -> str:
    try:
        return translation.get_supported_language_variant(
            translation.get_language() or settings.LANGUAGE_CODE
        )
    except LookupError:
        return settings.LANGUAGE_CODE


def _queue_render(*, language: str, name: str) -> None:
    lock = f"pages:service-guide-queued:{name}"
    if not cache.add(lock, "1", timeout=QUEUE_LOCK_SECONDS):
        return
    # Bounded by the web-side Redis timeout and circuit breaker (never raises).
    if not enqueue("portal.pages.tasks.render_service_guide", language):
        # Broker down: the page still answers; a later visit queues again.
        cache.delete(lock)


@require_GET
def service_guide_pdf(request: HttpRequest) -> HttpResponseBase:
    language = _request_language()
    name = services.service_guide_storage_name(language=language)
    if default_storage.exists(name):
        pdf = FileResponse(
            default_storage.open(name, "rb"),
            content_type="application/pdf",
            filename=f"zairyu-service-guide-{language}.pdf",
        )
        pdf["Content-Language"] = language
        pdf["Cache-Control"] = "private, max-age=600"
        patch_vary_headers(pdf, ["Accept-Language", "Cookie"])
        return pdf
    _queue_render(language=language, name=name)
    response = render(request, "pages/guide_preparing.html", status=202)
    response["Retry-After"] = "5"
    response["Cache-Control"] = "no-store"
    return response


urlpatterns = [
    path("guide.pdf", service_guide_pdf, name="service_guide_pdf"),
]
