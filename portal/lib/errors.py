from __future__ import annotations

from django.http import HttpRequest, HttpResponse, HttpResponseServerError
from django.template import loader

from portal.lib.middleware import current_request_id


def server_error(request: HttpRequest) -> HttpResponse:
    """A friendly 500 with the request id to quote; no stack trace, no SQL.
    Rendered without context processors so a broken database cannot break it."""
    template = loader.get_template("500.html")
    return HttpResponseServerError(
        template.render({"request_id": current_request_id()})
    )
