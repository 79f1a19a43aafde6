"""Re-authentication after validation, naming the action, resuming it.

Decisions, fees, issuance and account actions need a recent confirmation of
the user's password or second factor (allauth's re-authentication, within
``ACCOUNT_REAUTHENTICATION_TIMEOUT``: five minutes, so one confirmation
covers a short sitting of issuance work).  Unlike allauth's decorator, which
asks before the view runs, a view calls ``reauthentication_prompt`` once its
form is valid: a mistake in the form is shown first and never costs a
password.  The prompt names the action it protects.

The valid POST is kept in the session with a one-time token, and the prompt's
``next`` is the action's own address with that token.  After the
confirmation allauth redirects there, and ``ResumeAfterReauthenticationMiddleware``
completes the kept POST on that request: what the user entered is used, and
whatever the action answers (its redirect back to the case, or its page with
an error when the action still fails) is shown at the action's own address,
never at ``/accounts/reauthenticate/`` (whose address would also break a form
posting to "").
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.datastructures import MultiValueDict
from django.utils.http import urlencode

from allauth.account.internal.flows import reauthentication
from allauth.core.internal.httpkit import deserialize_request, serialize_request

ACTION_KEY = "zairyu_reauth_action"
RESUME_KEY = "zairyu_reauth_resume"
# The query parameter that marks the request resuming a kept action.
RESUME_PARAM = "resume"


def reauthentication_prompt(request: HttpRequest, action: Any) -> HttpResponse | None:
    """None when the user confirmed it is them within the window; otherwise
    the redirect to the prompt, with this POST kept to be resumed after it.
    ``action`` completes the sentence "Confirm it is you to …"."""
    if not reauthentication.is_reauthentication_required(request, app=""):
        return None
    token = secrets.token_urlsafe(12)
    path = request.get_full_path()
    resume_at = f"{path}{'&' if '?' in path else '?'}{RESUME_PARAM}={token}"
    request.session[ACTION_KEY] = {"path": resume_at, "label": str(action)}
    if request.method == "POST":
        request.session[RESUME_KEY] = {
            "token": token,
            "path": request.path,
            "request": serialize_request(request),
        }
    return HttpResponseRedirect(
        f"{reverse('account_reauthenticate')}?{urlencode({'next': resume_at})}"
    )


def pending_action(request: HttpRequest) -> str:
    """The label of the action the prompt on this request protects ('' when
    the prompt was opened for something else, e.g. two-step settings)."""
    pending = request.session.get(ACTION_KEY) or {}
    wanted = request.GET.get("next") or request.POST.get("next") or ""
    return pending.get("label", "") if wanted and pending.get("path") == wanted else ""


class ResumeAfterReauthenticationMiddleware:
    """Completes the kept POST when the browser comes back to the action's
    address with its token, after the confirmation.  The token is one-time
    and bound to the path, so a later visit to the page (or a stale prompt
    that was abandoned) never repeats an action; the view itself checks
    again that the confirmation is recent.  The kept POST passed the CSRF
    check when it was made, in this same session."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self,
        request: HttpRequest,
        view_func: Callable[..., HttpResponse],
        view_args: tuple[Any, ...],
        view_kwargs: dict[str, Any],
    ) -> HttpResponse | None:
        token = request.GET.get(RESUME_PARAM)
        if request.method != "GET" or not token or not hasattr(request, "session"):
            return None
        kept = request.session.get(RESUME_KEY)
        if (
            not kept
            or not secrets.compare_digest(str(kept.get("token", "")), token)
            or kept.get("path") != request.path
        ):
            return None
        del request.session[RESUME_KEY]
        request.session.pop(ACTION_KEY, None)
        resumed = deserialize_request(kept["request"], request)
        resumed._files = MultiValueDict()
        return view_func(resumed, *view_args, **view_kwargs)
