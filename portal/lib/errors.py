"""One error convention for every app.

- ``DomainError(code, **params)``: a refusal the user can act on.  The code
  names the rule; the wording lives in the owning app's ``messages.py``, which
  registers its codes with ``register_messages``.  Views show any domain error
  with ``show_error(request, exc)`` (or ``message_for(exc)`` for a form).
- ``StaleEdit``: someone else changed the object since the page was loaded.
- ``IllegalTransition`` and ``next_state``: every lifecycle table
  (applications, requests for use, accounts, review sub-states) is a
  ``{(state, action): next_state}`` dict read by this one helper.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseServerError
from django.template import loader
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from portal.lib.middleware import current_request_id


class DomainError(Exception):
    """A business rule refused the action.  ``code`` selects the message;
    ``params`` fill its ``%(name)s`` placeholders (never personal values)."""

    default_code = "refused"

    def __init__(self, code: str | None = None, /, **params: Any) -> None:
        self.code = code or self.default_code
        self.params = params
        super().__init__(self.code)


class StaleEdit(DomainError):
    """The object changed since the user loaded the page (optimistic lock)."""

    default_code = "stale_edit"


class IllegalTransition(DomainError):
    """The lifecycle table has no row for (state, action)."""

    default_code = "illegal_transition"

    def __init__(self, status: str, action: str) -> None:
        super().__init__(self.default_code)
        self.status = status
        self.action = action
        self.args = (f"{action!r} is not allowed from {status!r}",)


def next_state[S: str](
    table: Mapping[tuple[Any, Any], S], state: str, action: str
) -> S:
    """The state ``action`` leads to from ``state`` in ``table``; raises
    IllegalTransition when the table has no such row."""
    try:
        return table[(state, action)]
    except KeyError:
        raise IllegalTransition(state, action) from None


# --- Messages ------------------------------------------------------------------------

_MESSAGES: dict[str, str | Promise] = {}


def register_messages(mapping: Mapping[str, str | Promise]) -> None:
    """Add an app's code -> message table.  Codes are global: registering
    one code twice with different wording is a programming error."""
    for code, text in mapping.items():
        known = _MESSAGES.get(code)
        if known is not None and str(known) != str(text):
            raise ValueError(f"message code {code!r} registered twice")
        _MESSAGES[code] = text


def message_for(exc: DomainError) -> str:
    """The translated message for a domain error, in the active language."""
    text = _MESSAGES.get(exc.code)
    if text is None:
        text = _MESSAGES.get(exc.default_code)
    if text is None:
        return _("This action is not possible now.")
    try:
        return str(text) % exc.params if exc.params else str(text)
    except (KeyError, TypeError, ValueError):
        return str(text)


def show_error(request: HttpRequest, exc: DomainError) -> None:
    """Put the domain error's message on the next page (Django messages)."""
    messages.error(request, message_for(exc))


register_messages(
    {
        StaleEdit.default_code: gettext_lazy(
            "Someone else changed this after you opened the page. Nothing was "
            "saved: check the latest version and try again."
        ),
        IllegalTransition.default_code: gettext_lazy(
            "This action is not possible in the current state."
        ),
    }
)


def server_error(request: HttpRequest) -> HttpResponse:
    """A friendly 500 with the request id to quote; no stack trace, no SQL.
    Rendered without context processors so a broken database cannot break it."""
    template = loader.get_template("500.html")
    return HttpResponseServerError(
        template.render({"request_id": current_request_id()})
    )
