"""The requester's side of the request for use (利用申出), part one: who the
visitor is.  A requester without an account proves their email address with
a single-use link (rate-limited per address and per client); the proven
address is kept in the session and owns their drafts.  ``editable_request``
and ``submitted_request`` are the wizard's only ways to a request
(``selectors.use_request_get_for_visitor``); everyone else gets 404.  No
personal data goes into a URL: requests and files are addressed by UUIDs.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
)
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts import selectors, services
from accounts.errors import TokenError
from accounts.forms.request import (
    DECLARATIONS,
    USER_CATEGORY_HINTS,
    EmailForm,
)
from accounts.messages import (
    EMAIL_RATE_LIMITED,
    SESSION_NEEDED,
)
from accounts.models import User, UseRequest
from portal.lib import once, ratelimit
from portal.lib.errors import message_for

SESSION_EMAIL = "zairyu_requester_email"
SESSION_SENT_TO = "zairyu_requester_sent_to"

# Proof links one address, and one client, may ask for per hour: enough for
# typos and lost mails, too few to flood someone's mailbox.
LINKS_PER_EMAIL_PER_HOUR = 5
LINKS_PER_CLIENT_PER_HOUR = 30
RATE_WINDOW = 3600  # seconds

# --- Access -------------------------------------------------------------------------------


def proven_email(request: HttpRequest) -> str:
    return str(request.session.get(SESSION_EMAIL, ""))


def editable_request(request: HttpRequest, code: Any) -> tuple[UseRequest, User | None]:
    """The request ``code`` and the acting user, if the visitor may edit it
    (``selectors.use_request_get_for_visitor``, purpose "edit"): its
    requester by the proven email (acting user None) or a reception officer
    of its office for a paper request.  Anyone else: Http404."""
    email = proven_email(request)
    use_request = selectors.use_request_get_for_visitor(
        user=request.user, proven_email=email, code=code, purpose="edit"
    )
    actor = selectors.use_request_acting_user(
        user=request.user, proven_email=email, use_request=use_request
    )
    return use_request, actor


def submitted_request(request: HttpRequest, code: Any) -> UseRequest | None:
    """The request if it has been submitted and the visitor may see its
    confirmation (its proven requester, or reception of its office)."""
    try:
        return selectors.use_request_get_for_visitor(
            user=request.user,
            proven_email=proven_email(request),
            code=code,
            purpose="confirmation",
        )
    except Http404:
        return None


def need_email(request: HttpRequest) -> HttpResponse | None:
    if proven_email(request):
        return None
    messages.info(request, SESSION_NEEDED)
    return redirect("accounts:request_start")


# --- Start: prove the email address -------------------------------------------------------


@never_cache
@require_http_methods(["GET", "POST"])
def start(request: HttpRequest) -> HttpResponse:
    """Who may request use, what is needed, and the email address to prove."""
    form = EmailForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        email = form.cleaned_data["email"]
        client = ratelimit.client_ip(request)
        if not (
            ratelimit.hit(
                f"usereq-proof:email:{ratelimit.hashed(email)}",
                limit=LINKS_PER_EMAIL_PER_HOUR,
                window=RATE_WINDOW,
            )
            and ratelimit.hit(
                f"usereq-proof:ip:{ratelimit.hashed(client)}",
                limit=LINKS_PER_CLIENT_PER_HOUR,
                window=RATE_WINDOW,
            )
        ):
            form.add_error("email", EMAIL_RATE_LIMITED)
        else:
            services.email_proof_send(email=email, language=get_language() or "ja")
            request.session[SESSION_SENT_TO] = email
            return redirect("accounts:request_sent")
    return render(
        request,
        "accounts/request/start.html",
        {
            "form": form,
            "proven_email": proven_email(request),
            "categories": [(c.label, USER_CATEGORY_HINTS[c]) for c in User.Category],
            "declarations": [text for _name, text in DECLARATIONS],
        },
    )


@never_cache
@require_GET
def sent(request: HttpRequest) -> HttpResponse:
    email = request.session.get(SESSION_SENT_TO)
    if not email:
        return redirect("accounts:request_start")
    return render(request, "accounts/request/sent.html", {"email": email})


def _token_error(request: HttpRequest, exc: TokenError) -> HttpResponse:
    return render(
        request,
        "accounts/request/token_error.html",
        {"reason": exc.reason, "message": message_for(exc)},
        status=404 if exc.reason == "unknown" else 410,
    )


@never_cache
@require_http_methods(["GET", "POST"])
def verify(request: HttpRequest, token: str) -> HttpResponse:
    """The link in the email.  GET only shows a button: mail scanners open
    links, and must not use up a single-use link; the POST redeems it."""
    if request.method == "GET":
        try:
            selectors.email_proof_check(token=token)
        except TokenError as exc:
            return _token_error(request, exc)
        return render(request, "accounts/request/verify.html")
    try:
        email = services.email_proof_redeem(token=token)
    except TokenError as exc:
        return _token_error(request, exc)
    # A new session key: whoever knew the old one does not inherit the proof.
    request.session.cycle_key()
    request.session[SESSION_EMAIL] = email
    request.session.pop(SESSION_SENT_TO, None)
    return redirect("accounts:request_mine")


@never_cache
@require_GET
def mine(request: HttpRequest) -> HttpResponse:
    """The proven requester's requests: continue a draft or a returned one,
    see the others' status, or start a new one."""
    if (response := need_email(request)) is not None:
        return response
    email = proven_email(request)
    requests = list(
        selectors.use_requests_of_requester(email=email).select_related("office")
    )
    return render(
        request, "accounts/request/mine.html", {"email": email, "requests": requests}
    )


@never_cache
@require_POST
def new(request: HttpRequest) -> HttpResponse:
    if (response := need_email(request)) is not None:
        return response
    use_request = services.use_request_create(
        email=proven_email(request),
        language=get_language() or "ja",
        start_token=once.token_from(request),
    )
    return redirect("accounts:request_hub", use_request.code)


@never_cache
@require_POST
def signout(request: HttpRequest) -> HttpResponse:
    """Forget the proven address in this browser (a shared computer)."""
    request.session.pop(SESSION_EMAIL, None)
    request.session.cycle_key()
    messages.success(request, _("You have left your requests. Your drafts are saved."))
    return redirect("accounts:request_start")


urlpatterns: list[URLPattern] = [
    path("request/", start, name="request_start"),
    path("request/sent/", sent, name="request_sent"),
    path("request/verify/<str:token>/", verify, name="request_verify"),
    path("request/mine/", mine, name="request_mine"),
    path("request/new/", new, name="request_new"),
    path("request/leave/", signout, name="request_signout"),
]
