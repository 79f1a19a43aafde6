"""Public pages (no sign-in): the check of an electronic Certificate of
Eligibility and the processing times; and the officers' processing-times
page.

The verification page answers POSTs only (a code never lands in a URL or an
access log) and is rate-limited per client address with a counter in the
shared cache (``portal.lib.ratelimit``: ``VERIFY_LIMIT`` lookups per
``VERIFY_WINDOW`` seconds; 429
beyond): with 31^12 possible codes and this limit, guessing a valid code is
hopeless."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import URLPattern, path
from django.views.decorators.http import require_GET, require_http_methods

from accounts.models import Office
from applications.models import ApplicationType
from portal.audit.events import AuditAction
from portal.audit.services import audit_record
from portal.lib.ratelimit import client_ip, hit
from review import messages
from review.certificates import coe_verify
from review.forms import VerifyForm
from review.permissions import case_office_ids
from review.presenters import processing_time_trend_chart
from review.processing_times import MIN_CASES, processing_times_with_trend

VERIFY_LIMIT = 20
VERIFY_WINDOW = 600


def verify_rate_limited(request: HttpRequest) -> bool:
    """Count one lookup for the client address; True once over the limit."""
    return not hit(
        f"review:verify-coe:{client_ip(request)}",
        limit=VERIFY_LIMIT,
        window=VERIFY_WINDOW,
    )


@require_http_methods(["GET", "POST"])
def verify_coe(request: HttpRequest) -> HttpResponse:
    result = None
    form = VerifyForm(request.POST if request.method == "POST" else None)
    if request.method == "POST":
        if verify_rate_limited(request):
            return render(
                request,
                "review/public/verify_coe.html",
                {
                    "form": VerifyForm(),
                    "rate_limited": True,
                    "rate_message": messages.VERIFY_RATE_LIMITED,
                },
                status=429,
            )
        if form.is_valid():
            result = coe_verify(code=form.cleaned_data["code"])
            if result.certificate is not None:
                # A view of (masked) personal data by an anonymous visitor.
                audit_record(
                    actor=None,
                    action=AuditAction.CERTIFICATE_VERIFY,
                    obj=result.certificate,
                    data={"state": result.state},
                )
    return render(
        request,
        "review/public/verify_coe.html",
        {"form": form, "result": result},
        status=400 if form.errors else 200,
    )


def _types() -> list[ApplicationType]:
    return list(
        ApplicationType.objects.filter(is_companion=False).order_by(
            "sort_order", "number"
        )
    )


def _figures_context(
    request: HttpRequest,
    offices: list[Office],
    *,
    all_offices: bool,
    min_cases: int = MIN_CASES,
) -> dict[str, Any]:
    """The figures and the trend by month for the page's filters, read from
    the worker's summaries (never computed here)."""
    office_code = request.GET.get("office", "")
    type_code = request.GET.get("type", "")
    office = next((o for o in offices if o.code == office_code), None)
    types = _types()
    chosen_type = next((t for t in types if t.code == type_code), None)
    rows, trend = processing_times_with_trend(
        office_id=office.pk if office else None,
        office_ids={o.pk for o in offices}
        if office is None and not all_offices
        else None,
        type_code=chosen_type.code if chosen_type else None,
        min_cases=min_cases,
    )
    trend_office = office or (
        offices[0] if not all_offices and len(offices) == 1 else None
    )
    trend_chart = (
        processing_time_trend_chart(
            trend, office=trend_office, application_type=chosen_type
        )
        if trend
        else None
    )
    return {
        "rows": rows,
        "offices": offices,
        "types": types,
        "chosen_office": office.code if office else "",
        "chosen_type": chosen_type.code if chosen_type else "",
        "min_cases": min_cases,
        "trend": trend,
        "trend_chart": trend_chart,
        "trend_needs_office": trend is None and office is None and not all_offices,
    }


@require_GET
def public_processing_times(request: HttpRequest) -> HttpResponse:
    offices = list(Office.objects.order_by("sort_order", "code"))
    return render(
        request,
        "review/public/processing_times.html",
        _figures_context(request, offices, all_offices=True),
    )


@login_required
@require_GET
def office_processing_times(request: HttpRequest) -> HttpResponse:
    """Officers: the figures of their offices, including groups too small to
    publish (marked as such)."""
    office_ids = case_office_ids(request.user)
    if not office_ids:
        raise PermissionDenied
    offices = list(
        Office.objects.filter(pk__in=office_ids).order_by("sort_order", "code")
    )
    return render(
        request,
        "review/public/processing_times.html",
        {
            **_figures_context(request, offices, all_offices=False, min_cases=1),
            "officer_view": True,
        },
    )


urlpatterns: list[URLPattern] = [
    path("verify/", verify_coe, name="verify_coe"),
    path("processing-times/", public_processing_times, name="processing_times"),
    path(
        "office/processing-times/",
        office_processing_times,
        name="office_processing_times",
    ),
]
