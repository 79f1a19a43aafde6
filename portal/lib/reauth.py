"""Re-authentication after validation, naming the action, resuming it.

Decisions, fees, issuance and account actions need a recent confirmation of
the user's password or second factor (allauth's re-authentication, within
``ACCOUNT_REAUTHENTICATION_TIMEOUT``: five minutes, so one confirmation
covers a short sitting of issuance work).  Unlike allauth's decorator, which
asks before the view runs, a view calls ``reauthentication_prompt`` once its
form is valid: a mistake in the form is shown first and never costs a
password.  The valid POST is kept in the session; after the confirmation
allauth replays it, so the action completes with what the user entered and
the browser follows its redirect back to the case.  The prompt names the
action it protects.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.urls import reverse

from allauth.account.internal.flows import reauthentication

ACTION_KEY = "zairyu_reauth_action"


def reauthentication_prompt(request: HttpRequest, action: Any) -> HttpResponse | None:
    """None when the user confirmed it is them within the window; otherwise
    the redirect to the prompt, with this POST kept to be resumed after it.
    ``action`` completes the sentence "Confirm it is you to …"."""
    if not reauthentication.is_reauthentication_required(request, app=""):
        return None
    request.session[ACTION_KEY] = {
        "path": request.get_full_path(),
        "label": str(action),
    }
    return reauthentication.suspend_request(request, reverse("account_reauthenticate"))


def pending_action(request: HttpRequest) -> str:
    """The label of the action the prompt on this request protects ('' when
    the prompt was opened for something else, e.g. two-step settings)."""
    pending = request.session.get(ACTION_KEY) or {}
    wanted = request.GET.get("next") or request.POST.get("next") or ""
    return pending.get("label", "") if wanted and pending.get("path") == wanted else ""
