"""The foreign national's own status check (issue 13 item 3): a public page,
no sign-in.

- POST only for a lookup, so a receipt number and a date of birth never land
  in a URL or an access log; CSRF as everywhere; the answer is never cached
  (``Cache-Control: no-store``).
- An unknown receipt number and a wrong date of birth are one query
  (``selectors.application_for_status_check``) and the same page.
- Rate-limited per client address and per receipt number
  (``portal.lib.ratelimit``); every lookup, and every refused one, is
  audited with its outcome and a keyed hash of the receipt number (never
  the date of birth).
- In five languages (``statuscheck.languages``): the page renders inside
  ``translation.override``; the rest of the portal keeps Japanese and English.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import translation
from django.utils.crypto import salted_hmac
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from applications.models import Application
from portal.audit.events import AuditAction
from portal.audit.services import audit_record
from portal.lib.middleware import mfa_exempt
from portal.lib.ratelimit import client_ip, hit
from statuscheck import messages, presenters, selectors
from statuscheck.forms import StatusCheckForm
from statuscheck.languages import LANGUAGES, page_language

TEMPLATE = "statuscheck/check.html"
# Lookups per client address per window: enough for a family checking a few
# applications with typos, far too few to walk receipt numbers.
CLIENT_LIMIT = 20
CLIENT_WINDOW = 600
# Lookups per receipt number per window, from any number of addresses: a
# person mistyping their date of birth a few times, never a search of the
# ~20,000 plausible dates of birth.
RECEIPT_LIMIT = 5
RECEIPT_WINDOW = 3600

FOUND = "found"
NOT_FOUND = "not_found"
LIMITED_CLIENT = "rate_limited_client"
LIMITED_RECEIPT = "rate_limited_receipt"


def receipt_key(receipt_number: str) -> str:
    """A keyed hash of a receipt number (for the rate limit and the audit):
    repeated lookups of one number can be told apart from others, but the
    number cannot be recovered by hashing every possible one."""
    return salted_hmac(
        "statuscheck.receipt", receipt_number, algorithm="sha256"
    ).hexdigest()[:32]


def _audit(
    outcome: str, *, receipt: str | None, application: Application | None
) -> None:
    audit_record(
        actor=None,
        action=AuditAction.STATUS_CHECK,
        obj=application,
        data={"outcome": outcome, "receipt": receipt_key(receipt) if receipt else None},
    )


def _page(
    request: HttpRequest, language: str, status: int = 200, **context: Any
) -> HttpResponse:
    languages = [
        {"code": code, "name": name, "current": code == language}
        for code, name in LANGUAGES
    ]
    return render(
        request,
        TEMPLATE,
        {"languages": languages, "page_language": language, **context},
        status=status,
    )


def _as_typed(request: HttpRequest) -> dict[str, str]:
    """What the visitor typed, to show again on a refused lookup."""
    return {name: request.POST.get(name, "") for name in StatusCheckForm.base_fields}


def _answer(request: HttpRequest, language: str) -> HttpResponse:
    if request.method != "POST":
        return _page(request, language, form=StatusCheckForm())
    form = StatusCheckForm(request.POST)
    if not hit(
        f"statuscheck:client:{client_ip(request)}",
        limit=CLIENT_LIMIT,
        window=CLIENT_WINDOW,
    ):
        _audit(LIMITED_CLIENT, receipt=None, application=None)
        return _page(
            request,
            language,
            429,
            form=StatusCheckForm(initial=_as_typed(request)),
            limited=messages.CLIENT_LIMITED,
        )
    if not form.is_valid():
        return _page(request, language, 400, form=form)
    receipt = form.cleaned_data["receipt_number"]
    if not hit(
        f"statuscheck:receipt:{receipt_key(receipt)}",
        limit=RECEIPT_LIMIT,
        window=RECEIPT_WINDOW,
    ):
        _audit(LIMITED_RECEIPT, receipt=receipt, application=None)
        return _page(
            request,
            language,
            429,
            form=StatusCheckForm(initial=_as_typed(request)),
            limited=messages.RECEIPT_LIMITED,
        )
    application = selectors.application_for_status_check(
        receipt_number=receipt, date_of_birth=form.cleaned_data["date_of_birth"]
    )
    if application is None:
        _audit(NOT_FOUND, receipt=receipt, application=None)
        return _page(request, language, form=form, not_found=True)
    _audit(FOUND, receipt=receipt, application=application)
    result = presenters.public_status(
        application, selectors.status_history(application)
    )
    return _page(
        request,
        language,
        form=StatusCheckForm(),
        result=result,
        receipt_number=receipt,
    )


@mfa_exempt
@never_cache
@require_http_methods(["GET", "POST"])
def status_check(request: HttpRequest) -> HttpResponse:
    language = page_language(request)
    with translation.override(language):
        response = _answer(request, language)
    # LocaleMiddleware would name the portal's language, not the page's.
    response["Content-Language"] = language
    return response
