from __future__ import annotations

from django.conf import settings
from django.contrib import admin
from django.http import HttpRequest, HttpResponse
from django.urls import include, path

from portal.pages import views as pages

urlpatterns = [
    path("", pages.home, name="home"),
    path("dashboard/", pages.dashboard, name="dashboard"),
    path("healthz", pages.healthz, name="healthz"),
    path("livez", pages.livez, name="livez"),
    path("readyz", pages.readyz, name="readyz"),
    path("session/status/", pages.session_status, name="session_status"),
    path("session/extend/", pages.session_extend, name="session_extend"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("accounts/", include("allauth.urls")),
    path("", include("portal.notifications.urls")),
    path("", include("portal.files.urls")),
    path("", include("portal.pages.guide")),
    path("", include("accounts.urls")),
    path("applications/", include("applications.urls")),
    path("", include("review.urls")),
    path("batches/", include("batches.urls")),
    path("", include("statuscheck.urls")),
    path("", include("webhooks.urls")),
    path("desk/", include("desk.urls")),
    path("api/v1/", include("api.urls_v1")),
    path("", include("api.urls")),
    path("admin/", admin.site.urls),
]


if settings.BENCH_HELLO:
    # The benchmark's bare view: the whole middleware stack, no session, no
    # database, no template (``make bench`` compares every page with it).
    def _bench_hello(request: HttpRequest) -> HttpResponse:
        return HttpResponse("ok", content_type="text/plain")

    urlpatterns.append(path("bench/hello/", _bench_hello))

handler500 = "portal.lib.errors.server_error"
# allauth's rate limits answer through this (audited).
handler429 = "portal.audit.throttling.too_many_requests"
