"""Cross-cutting request handling: request ids, session limits, mandatory MFA."""

from __future__ import annotations

import contextvars
import logging
import re
import time
import uuid
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _

_request_id: contextvars.ContextVar[str] = contextvars.ContextVar(
    "request_id", default="-"
)
_client_address: contextvars.ContextVar[str] = contextvars.ContextVar(
    "client_address", default=""
)
_SAFE_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")
logger = logging.getLogger(__name__)
_warned_untrusted_forwarding = False


def current_request_id() -> str:
    return _request_id.get()


def current_client_address() -> str:
    """The client's address of the request being served ("" outside one)."""
    return _client_address.get()


class RequestIdLogFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = current_request_id()
        return True


class RequestIdMiddleware:
    """Gives each request an id that appears in logs, audit records, the error
    page and the response header, and notes the client's address for the audit.

    The id is generated here unless the portal runs behind trusted proxies
    (``TRUSTED_PROXY_COUNT`` > 0, the web port not reachable directly): then
    a well-formed ``X-Request-ID`` set by the proxy is kept, so the proxy's
    logs and ours share it.  A client's own header is never trusted otherwise.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        from portal.lib.ratelimit import client_ip

        trusted = settings.TRUSTED_PROXY_COUNT > 0
        incoming = request.headers.get("X-Request-ID", "") if trusted else ""
        rid = incoming if _SAFE_ID.match(incoming) else uuid.uuid4().hex
        if not trusted and "X-Forwarded-For" in request.headers:
            _warn_untrusted_forwarding()
        token = _request_id.set(rid)
        address_token = _client_address.set(client_ip(request)[:45])
        request.request_id = rid  # type: ignore[attr-defined]
        try:
            response = self.get_response(request)
        finally:
            _request_id.reset(token)
            _client_address.reset(address_token)
        response["X-Request-ID"] = rid
        return response


def _warn_untrusted_forwarding() -> None:
    global _warned_untrusted_forwarding
    if not _warned_untrusted_forwarding:
        _warned_untrusted_forwarding = True
        logger.warning(
            "Requests carry X-Forwarded-For but TRUSTED_PROXY_COUNT is 0: every "
            "client counts as the proxy's address for throttles and the audit. "
            "Set TRUSTED_PROXY_COUNT to the number of proxies in front of the portal."
        )


SESSION_STARTED = "_zairyu_started"
SESSION_LAST_SEEN = "_zairyu_last_seen"
# Requests that must not count as activity (the page's own expiry check).
_PASSIVE_PATHS = ("/session/status/",)


class SessionTimeoutMiddleware:
    """Signs a user out after SESSION_IDLE_TIMEOUT without activity or
    SESSION_ABSOLUTE_TIMEOUT after sign-in, whichever comes first."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated:
            now = time.time()
            session = request.session
            started = session.get(SESSION_STARTED)
            last_seen = session.get(SESSION_LAST_SEEN)
            if started is None or last_seen is None:
                session[SESSION_STARTED] = started = now
                session[SESSION_LAST_SEEN] = last_seen = now
            idle = now - last_seen > settings.SESSION_IDLE_TIMEOUT
            too_old = now - started > settings.SESSION_ABSOLUTE_TIMEOUT
            if idle or too_old:
                logout(request)  # flushes the session server-side
                messages.info(
                    request,
                    _("You were signed out after 30 minutes without activity.")
                    if idle
                    else _(
                        "You were signed out because 12 hours have passed since you signed in."
                    ),
                )
                return HttpResponseRedirect(
                    reverse("account_login")
                    + "?"
                    + urlencode({"next": request.get_full_path()})
                    if request.method == "GET"
                    else reverse("account_login")
                )
            # Count activity, but write the session at most once a minute.
            if not request.path.startswith(_PASSIVE_PATHS) and now - last_seen > 60:
                session[SESSION_LAST_SEEN] = now
        return self.get_response(request)


def start_session_clock(
    sender: Any, request: HttpRequest, user: Any, **kwargs: Any
) -> None:
    """Connected to user_logged_in: both limits count from sign-in."""
    now = time.time()
    request.session[SESSION_STARTED] = now
    request.session[SESSION_LAST_SEEN] = now


def session_seconds_left(request: HttpRequest) -> int:
    """Seconds until this session ends by either limit (for the warning)."""
    now = time.time()
    started = request.session.get(SESSION_STARTED, now)
    last_seen = request.session.get(SESSION_LAST_SEEN, now)
    left = min(
        last_seen + settings.SESSION_IDLE_TIMEOUT - now,
        started + settings.SESSION_ABSOLUTE_TIMEOUT - now,
    )
    return max(0, int(left))


MFA_OK = "_zairyu_mfa_ok"
# Paths a signed-in user without an authenticator may still reach.
_MFA_EXEMPT_PREFIXES = (
    "/accounts/2fa/totp/activate/",
    "/accounts/2fa/recovery-codes/",
    "/accounts/logout/",
    "/accounts/reauthenticate/",
    "/i18n/",
    "/static/",
    "/healthz",
    "/livez",
    "/readyz",
    "/session/",
    "/dev/mailbox/",
)


def mfa_exempt[V: Callable[..., Any]](view: V) -> V:
    """Marks a public page (no sign-in needed) that a signed-in user without
    an authenticator may still open: it shows nothing of their account.
    Apply it outermost, so the resolved view carries the mark."""
    view.mfa_exempt = True  # type: ignore[attr-defined]
    return view


def _view_is_mfa_exempt(request: HttpRequest) -> bool:
    from django.urls import Resolver404, resolve

    try:
        match = resolve(request.path_info)
    except Resolver404:
        return False
    return bool(getattr(match.func, "mfa_exempt", False))


class MfaRequiredMiddleware:
    """MFA is mandatory: until a user has a TOTP authenticator, every page other
    than MFA setup and sign-out (and the public pages marked ``mfa_exempt``)
    redirects to the setup page."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if (
            user.is_authenticated
            and not request.session.get(MFA_OK)
            and not request.path.startswith(_MFA_EXEMPT_PREFIXES)
            and not _view_is_mfa_exempt(request)
        ):
            from allauth.mfa.models import Authenticator

            if Authenticator.objects.filter(
                user=user, type=Authenticator.Type.TOTP
            ).exists():
                request.session[MFA_OK] = True
            else:
                if request.method == "GET" and request.path != "/":
                    messages.warning(
                        request,
                        _(
                            "Set up two-step verification before you continue. It is required for every account."
                        ),
                    )
                return HttpResponseRedirect(reverse("mfa_activate_totp"))
        return self.get_response(request)


class DatabaseBusyMiddleware:
    """A write that still finds the embedded SQLite database locked after its
    busy timeout (``portal.lib.env.SQLITE_OPTIONS``) gets a friendly "busy,
    try again" page (503 with Retry-After), not a 500.  PostgreSQL never
    raises this."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(
        self, request: HttpRequest, exception: Exception
    ) -> HttpResponse | None:
        from django.db import OperationalError
        from django.template import loader

        if isinstance(exception, OperationalError) and "database is locked" in str(
            exception
        ):
            logger.warning("database busy: %s %s", request.method, request.path)
            response = HttpResponse(
                loader.get_template("503_busy.html").render(
                    {"request_id": current_request_id()}
                ),
                status=503,
            )
            response["Retry-After"] = "2"
            return response
        return None
