"""What the pages of a draft share: access to the draft, where each page
leads, the page context, and the eligibility failures shown at the field
whose answer must change.

Eligibility failures are shown at check your answers, each linking to the
page whose answer must change (``?rules=1``); that page then shows the same
failure at its field, with the error summary.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect
from django.urls import reverse

from accounts.http import AuthenticatedHttpRequest
from applications import eligibility, selectors
from applications.errors import NotDraft
from applications.models import Application
from applications.presenters import (
    SECTION_TITLES,
    draft_sections,
    section_url,
)
from applications.workflow import Status
from portal.audit.events import AuditAction
from portal.audit.services import audit_record
from portal.lib.errors import DomainError, message_for

# Where an eligibility failure's ``field`` is answered: (page, element id).
RULE_PAGES: dict[str, tuple[str, str]] = {
    "current_status": ("person", "id_current_status"),
    "residence_card_number": ("person", "id_residence_card_number"),
    "expiry": ("person", "id_period_expiry"),
    "target_status": ("application", "id_target_status"),
    "requested_period": ("application", "id_requested_period"),
    "event_date": ("application", "id_event_date"),
    "companions": ("companions", "id_companions_0"),
    "reentry_until": ("companions", "id_reentry_until"),
    "documents": ("documents", "documents-title"),
    "address_in_japan": ("person", "id_address_in_japan"),
    "application_page": ("application", "main"),
}


def draft_for(
    request: AuthenticatedHttpRequest, code: Any, *, write: bool
) -> Application:
    """The draft ``code`` of one of the user's organisations (404 otherwise;
    403 on a write by a suspended or expired user).  A submitted application
    raises NotDraft (the caller sends the user to its confirmation)."""
    application = selectors.application_get_for_user(
        user=request.user, code=code, for_write=write
    )
    if application.status != Status.DRAFT:
        raise NotDraft
    return application


# Pages of a draft that show passport or residence card numbers (check your
# answers shows them too): every view of them is audited.
SECTIONS_WITH_NUMBERS = frozenset({"person"})


def audit_draft_view(
    request: AuthenticatedHttpRequest, application: Application, page: str
) -> None:
    """Audit a view of a draft page that shows identity document numbers
    (the page's name only; no personal values)."""
    audit_record(
        actor=request.user,
        action=AuditAction.APPLICATION_VIEW_DRAFT,
        obj=application,
        organization_code=application.organization.code,
        data={"page": page},
    )


def submitted_redirect(request: AuthenticatedHttpRequest, code: Any) -> HttpResponse:
    messages.info(request, message_for(NotDraft()))
    return redirect("applications:submitted", code)


def error_items(exc: DomainError) -> list[dict[str, str]]:
    """A domain error as the error summary's one item."""
    return [{"href": "", "message": message_for(exc)}]


def next_url(
    request: AuthenticatedHttpRequest, application: Application, section: str
) -> str:
    """After saving a page: back to check your answers or to the 申請書 page
    the user came from (``?from=``), else the next page."""
    keys = [*draft_sections(application), "check"]
    came_from = request.GET.get("from", "")
    if came_from in keys and came_from != section:
        return section_url(application, came_from)
    return section_url(application, keys[keys.index(section) + 1])


def failures(
    request: AuthenticatedHttpRequest, application: Application
) -> list[eligibility.Failure]:
    return eligibility.check(selectors.filing_facts(application, user=request.user))


def page_failures(
    request: AuthenticatedHttpRequest, application: Application, page: str
) -> list[eligibility.Failure]:
    """The eligibility failures answered on ``page``, when the user followed
    a link from check your answers (``?rules=1``)."""
    if request.GET.get("rules") != "1":
        return []
    return [
        f
        for f in failures(request, application)
        if RULE_PAGES.get(f.field, ("", ""))[0] == page
    ]


def rule_links(
    application: Application, found: list[eligibility.Failure]
) -> list[dict[str, str]]:
    """Error-summary items: each failure links to its page and field."""
    items = []
    for failure in found:
        page, element = RULE_PAGES.get(failure.field, ("", ""))
        if failure.field.startswith("form-"):
            page, element = failure.field, "main"
        href = ""
        if page:
            href = f"{section_url(application, page)}?from=check&rules=1#{element}"
        items.append({"href": href, "message": str(failure.message)})
    return items


def back_url(application: Application, section: str, came_from: str = "") -> str:
    """Where a page's back link goes: the page the user came from
    (``?from=`` check your answers or a 申請書 page), else the page before
    this one in the draft's order (check your answers → the last page; the
    first page → the task list).  A real URL, never the browser's history."""
    keys = [*draft_sections(application), "check"]
    hub = reverse("applications:draft", args=[application.code])
    if came_from in keys and came_from != section:
        return section_url(application, came_from)
    if section not in keys or keys.index(section) == 0:
        return hub
    return section_url(application, keys[keys.index(section) - 1])


def page_context(
    application: Application, section: str, *, came_from: str = "", **extra: Any
) -> dict[str, Any]:
    return {
        "application": application,
        "section": section,
        "section_title": SECTION_TITLES.get(section, ""),
        "hub_url": reverse("applications:draft", args=[application.code]),
        "back_url": back_url(application, section, came_from),
        "person": application.foreign_national,
        **extra,
    }
