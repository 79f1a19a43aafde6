"""The requester's check-answers page, submission and confirmation (part
three of the request for use).  The summary is ``presenters.use_request_sections``,
the same builder reception reads.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseBadRequest,
)
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from accounts import selectors, services
from accounts.errors import RequestIncomplete
from accounts.forms.request import (
    SubmitForm,
)
from accounts.models import UseRequest
from accounts.presenters import (
    SECTION_URLS,
    office_name,
    use_request_sections,
)
from accounts.views.request_access import (
    editable_request,
    submitted_request,
)
from accounts.views.request_wizard import base_context, stale_errors
from portal.lib.errors import StaleEdit

# --- Check answers, submit, confirmation ---------------------------------------------------


def _problem_errors(
    use_request: UseRequest, problems: list[tuple[str, Any]]
) -> list[dict[str, str]]:
    return [
        {
            "href": reverse(SECTION_URLS[item], args=[use_request.code])
            if item in SECTION_URLS
            else "",
            "message": str(message),
        }
        for item, message in problems
    ]


@never_cache
@require_http_methods(["GET", "POST"])
def check(request: HttpRequest, code: uuid.UUID) -> HttpResponse:
    """Check answers, then submit.  A second submit (double click, retried
    POST) lands on the same confirmation; it never creates a second reference."""
    try:
        use_request, actor = editable_request(request, code)
    except Http404:
        submitted = submitted_request(request, code)
        if (
            request.method == "POST"
            and submitted is not None
            and (submitted.status == UseRequest.Status.SUBMITTED)
        ):
            return redirect("accounts:request_done", submitted.code)
        raise
    status = 200
    stale = False
    if request.method == "POST":
        form = SubmitForm(request.POST, use_request=use_request)
        if not form.is_valid():
            return HttpResponseBadRequest()
        try:
            services.use_request_submit(
                use_request=use_request,
                actor=actor,
                expected_version=form.cleaned_data["version"],
            )
        except StaleEdit:
            stale = True
            status = 409
            use_request.refresh_from_db()
        except RequestIncomplete:
            status = 200  # the problems are shown below, from the fresh state
        else:
            return redirect("accounts:request_done", use_request.code)
    problems = selectors.use_request_problems(use_request)
    page_errors = stale_errors() if stale else []
    page_errors += _problem_errors(use_request, problems)
    ctx = base_context(
        use_request,
        "check",
        form=SubmitForm(use_request=use_request),
        page_errors=page_errors,
        has_errors=bool(page_errors),
        sections=use_request_sections(use_request, audience="requester"),
        problems=problems,
        roster_count=len(use_request.roster or []),
    )
    return render(request, "accounts/request/check.html", ctx, status=status)


@never_cache
@require_GET
def done(request: HttpRequest, code: uuid.UUID) -> HttpResponse:
    use_request = submitted_request(request, code)
    if use_request is None:
        raise Http404
    return render(
        request,
        "accounts/request/done.html",
        {"use_request": use_request, "office_name": office_name(use_request.office)},
    )


urlpatterns: list[URLPattern] = [
    path("request/<uuid:code>/check/", check, name="request_check"),
    path("request/<uuid:code>/done/", done, name="request_done"),
]
