"""Small helpers shared by the review views."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

from applications.models import Application
from applications.workflow import Status
from portal.lib.errors import message_for
from review.errors import ExaminationError


def status_error(code: str, application: Application) -> ExaminationError:
    """An error whose message names the case's status."""
    return ExaminationError(code, status=Status(application.status).label)


def changed(request: HttpRequest, application: Application) -> HttpResponse:
    """Someone else moved the case on since the page was shown: say so, with
    its status now, and go back to the case page."""
    application.refresh_from_db(fields=["status"])
    messages.error(
        request, message_for(status_error("changed_by_someone_else", application))
    )
    return redirect("review:case", application.code)


def not_now(request: HttpRequest, application: Application) -> HttpResponse:
    """The page's step does not apply to the case in its status."""
    messages.info(request, message_for(status_error("not_in_state", application)))
    return redirect("review:case", application.code)
