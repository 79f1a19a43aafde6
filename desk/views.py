"""The desk's pages: the compliance calendar (filters; "Start the
extension"), the dashboard's action-needed block with the client filter,
the settings (weekly digest, the secret calendar feed) and the feed itself.

Every list comes from ``desk.selectors``, scoped to the user's
organisations; a person is reached through
``applications.selectors.foreign_national_get_for_user`` (404 for anyone
else's)."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from allauth.account.decorators import reauthentication_required

from accounts.http import AuthenticatedHttpRequest
from accounts.permissions import can_file, is_portal_user
from applications import rules
from applications.selectors import foreign_national_get_for_user
from desk import ics, presenters, selectors, services
from desk.forms import CalendarFilterForm, ClientFilterForm, DigestPreferenceForm
from portal.lib import once
from portal.lib.i18n import page_language

# The dashboard's block lists at most this many items (the calendar has all).
ACTION_NEEDED_SHOWN = 8
SESSION_NEW_FEED = "desk_new_feed_token"


def _require_portal_user(request: HttpRequest) -> None:
    if not is_portal_user(request.user):
        raise Http404


def _may_start(request: HttpRequest) -> Callable[[selectors.CalendarItem], bool]:
    """Whether a row offers "Start the extension": the same rule the draft
    service applies (``rules.may_start_draft``: may file for the
    organisation, and an appointee's scope covers extensions and the
    person).  The extension type is looked up once, on the first row."""
    type_ids: list[int] = []

    def may_start(item: selectors.CalendarItem) -> bool:
        if item.person_id is None or not can_file(request.user):
            return False
        if not type_ids:
            type_ids.append(selectors.extension_type_id())
        return rules.may_start_draft(
            request.user, item.organization.pk, type_ids[0], item.person_id
        )

    return may_start


def action_needed_panel(request: HttpRequest) -> tuple[str, dict[str, Any]] | None:
    """The dashboard's first block for organisation-side users: what needs
    action, most urgent first, across every client or the one chosen in the
    client filter (``?organization=<code>``); each row names its
    organisation.  Registered in DeskConfig.ready."""
    if not is_portal_user(request.user):
        return None
    organizations = selectors.user_organizations(user=request.user)
    if not organizations:
        return None
    language = page_language()
    form = ClientFilterForm(
        request.GET if "organization" in request.GET else None,
        organizations=organizations,
        language=language,
    )
    client = form.chosen()
    items = selectors.action_needed(
        selectors.calendar_items(
            user=request.user, organization=client, organizations=organizations
        )
    )
    calendar_url = reverse("desk:calendar")
    query = f"?organization={client.code}" if client else ""
    return (
        "desk/_action_needed.html",
        {
            "form": form,
            "several": len(organizations) > 1,
            "client": client,
            "rows": presenters.rows(
                items[:ACTION_NEEDED_SHOWN],
                language=language,
                may_start=_may_start(request),
            ),
            "total": len(items),
            "more": max(0, len(items) - ACTION_NEEDED_SHOWN),
            "calendar_url": calendar_url + query,
            "cases_url": reverse("applications:list") + query,
            "drafts_url": reverse("applications:drafts") + query,
        },
    )


@login_required
@require_GET
def calendar_page(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Every calendar item of the user's organisations, filtered by
    organisation, person, kind and month; grouped by the month of the due
    date."""
    _require_portal_user(request)
    today = timezone.localdate()
    language = page_language()
    organizations = selectors.user_organizations(user=request.user)
    form = CalendarFilterForm(
        request.GET or None,
        organizations=organizations,
        language=language,
        today=today,
    )
    valid = form.is_valid() if form.is_bound else True
    items: list[selectors.CalendarItem] = []
    filtered = False
    if valid:
        data = form.cleaned_data if form.is_bound else {}
        client = form.chosen()
        items = selectors.calendar_items(
            user=request.user,
            organization=client,
            organizations=organizations,
            today=today,
        )
        if data.get("kind"):
            items = [i for i in items if i.kind == data["kind"]]
        if data.get("month"):
            items = [i for i in items if i.month == data["month"]]
        if data.get("person"):
            words = data["person"].split()
            items = [
                i
                for i in items
                if all(w in (i.person_name or i.user_name).upper() for w in words)
            ]
        filtered = any(data.get(k) for k in ("organization", "kind", "month", "person"))
    rows = presenters.rows(items, language=language, may_start=_may_start(request))
    months: list[dict[str, Any]] = []
    for row in rows:
        if not months or months[-1]["month"] != row["item"].month:
            months.append(
                {"month": row["item"].month, "first_day": row["item"].due, "rows": []}
            )
        months[-1]["rows"].append(row)
    return render(
        request,
        "desk/calendar.html",
        {
            "form": form,
            "has_errors": not valid,
            "months": months,
            "count": len(rows),
            "filtered": filtered,
            "several": len(organizations) > 1,
            "has_organisations": bool(organizations),
        },
    )


@login_required
@require_POST
def start_extension(
    request: AuthenticatedHttpRequest, person: uuid.UUID
) -> HttpResponse:
    """ "Start the extension" on a calendar row: one extension draft for the
    person (a double click lands on the same draft), then its first page."""
    foreign_national = foreign_national_get_for_user(user=request.user, code=person)
    rules.ensure_can_file_for(request.user, foreign_national.organization_id)
    refusals = rules.start_scope_refusals(
        application_type=services.EXTENSION, foreign_national=foreign_national
    )
    if refusals:
        for refusal in refusals:
            messages.error(request, str(refusal.message))
        return redirect("desk:calendar")
    application = services.extension_start(
        person=foreign_national,
        actor=request.user,
        start_token=once.token_from(request),
    )
    messages.success(
        request,
        _(
            "Your extension draft is saved. Answer each section, then check and send it."
        ),
    )
    return redirect("applications:draft", application.code)


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def desk_settings(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The weekly digest on or off, and the calendar feed's secret URL."""
    _require_portal_user(request)
    if request.method == "POST":
        form = DigestPreferenceForm(request.POST)
        if form.is_valid():
            services.digest_preference_set(
                user=request.user, weekly_digest=form.cleaned_data["weekly_digest"]
            )
            messages.success(request, _("Your choice is saved."))
            return redirect("desk:settings")
    else:
        form = DigestPreferenceForm(
            initial={"weekly_digest": selectors.digest_enabled(user=request.user)}
        )
    token = request.session.pop(SESSION_NEW_FEED, None)
    feed_url = (
        settings.PORTAL_BASE_URL + reverse("desk:feed", args=[token]) if token else ""
    )
    return render(
        request,
        "desk/settings.html",
        {
            "form": form,
            "feed": selectors.live_feed(user=request.user),
            "new_feed_url": feed_url,
        },
    )


@login_required
@require_POST
@reauthentication_required
def feed_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    """A new secret feed URL (revoking any earlier one), shown once on the
    settings page (the session carries it to that one page view)."""
    _require_portal_user(request)
    token = services.calendar_feed_create(user=request.user)
    request.session[SESSION_NEW_FEED] = token
    return redirect("desk:settings")


@login_required
@require_POST
def feed_revoke(request: AuthenticatedHttpRequest) -> HttpResponse:
    _require_portal_user(request)
    if services.calendar_feed_revoke(user=request.user):
        messages.success(
            request, _("The calendar feed is revoked: its address no longer works.")
        )
    return redirect("desk:settings")


@never_cache
@require_GET
def feed(request: HttpRequest, token: str) -> HttpResponse:
    """The iCalendar feed behind the secret URL: 404 for an unknown or
    revoked token (the same answer, so a guess learns nothing)."""
    user = selectors.feed_user(token=token)
    if user is None:
        raise Http404
    language = user.language or settings.LANGUAGE_CODE
    with translation.override(language):
        items = selectors.calendar_items(user=user)
        body = ics.feed(
            items,
            base_url=settings.PORTAL_BASE_URL,
            name=_("Zairyu compliance calendar"),
            language=language,
        )
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="zairyu.ics"'
    return response


app_name = "desk"
urlpatterns: list[URLPattern] = [
    path("calendar/", calendar_page, name="calendar"),
    path(
        "calendar/people/<uuid:person>/extension/",
        start_extension,
        name="start_extension",
    ),
    path("calendar/settings/", desk_settings, name="settings"),
    path("calendar/settings/feed/", feed_create, name="feed_create"),
    path("calendar/settings/feed/revoke/", feed_revoke, name="feed_revoke"),
    path("calendar/feed/<str:token>.ics", feed, name="feed"),
]
