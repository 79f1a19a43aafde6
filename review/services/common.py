"""Helpers shared by the examination services (``examination`` and
``document_requests``): the stale-page check, the rule guard with the case's
assignment, and the officers' notifications."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.urls import reverse

from accounts.models import User
from accounts.selectors import officers_of_office
from applications.models import Application
from applications.notification_context import case_notification_context
from portal.lib.errors import StaleEdit
from portal.notifications.services import notify
from review.rules import CaseAction, CaseFacts, require_case_action
from review.selectors import assignment_for_update


def expect_status(locked: Application, expected_status: str | None) -> None:
    """When the caller says what its page showed, the case must still be
    in that status; StaleEdit otherwise (someone else moved it on)."""
    if expected_status is not None and locked.status != expected_status:
        raise StaleEdit


def require_case(
    actor: Any, locked: Application, action: CaseAction, **facts: Any
) -> None:
    """The rule of ``review.rules`` for ``action``, with the case's
    assignment (read under the case lock)."""
    require_case_action(
        actor,
        CaseFacts(
            application=locked,
            assignment=assignment_for_update(application=locked),
            **facts,
        ),
        action,
    )


def notify_officers(
    application: Application, users: Sequence[Any], kind: str, context: dict[str, Any]
) -> None:
    link = reverse("review:case", args=[application.code])
    for user in users:
        notify(
            recipient=user,
            kind=kind,
            context={**case_notification_context(application), **context},
            link=link,
        )


def office_users(application: Application, role: str) -> list[User]:
    return officers_of_office(office_id=application.office_id, roles=[role])


def documents_request_path(application: Application) -> str:
    """Where the organisation's users answer the request (for emails)."""
    return reverse("review:documents_request", args=[application.code])
