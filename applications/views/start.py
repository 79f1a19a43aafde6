"""Starting an application: for which organisation, for whom (a person on
record, someone from the organisation's roster, or a new person), and the
type with its companions, which creates the draft.  Also the dashboard's
way into filing."""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from accounts.http import AuthenticatedHttpRequest
from accounts.models import Organization, RosterEntry
from accounts.permissions import can_file, is_portal_user
from accounts.selectors import organization_get_for_user, organizations_for_user
from applications import rules, selectors, services
from applications.forms import (
    ForeignNationalForm,
    OrganizationChoiceForm,
    PersonChoiceForm,
    TypeChoiceForm,
)
from applications.messages import CHOOSE_PERSON
from applications.models import ForeignNational
from applications.views.people import (
    just_checked,
    require_can_file,
    user_organizations,
)
from portal.lib import once
from portal.lib.countries import country_name
from portal.lib.i18n import page_language

PEOPLE_CHOICES_SHOWN = 50


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def start(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Which organisation the application is for (skipped when there is one)."""
    require_can_file(request)
    organizations = user_organizations(request)
    if not organizations:
        raise Http404
    if len(organizations) == 1:
        return redirect("applications:start_person", organizations[0].code)
    form = OrganizationChoiceForm(request.POST or None, organizations=organizations)
    if request.method == "POST" and form.is_valid():
        return redirect(
            "applications:start_person", form.cleaned_data["organization"].code
        )
    return render(
        request, "applications/filing/start_organization.html", {"form": form}
    )


def _person_label(p: ForeignNational | RosterEntry) -> str:
    name = f"{p.family_name} {p.given_name}".strip()
    if p.name_kanji:
        name += f"（{p.name_kanji}）"
    born = date_format(p.date_of_birth, "DATE_FORMAT")
    return f"{name}, {born}, {country_name(p.nationality, page_language())}"


def _person_choices(
    org: Organization, query: str, user: Any
) -> tuple[list[tuple[str, str]], bool]:
    """Radio choices: the organisation's people (``fn:<code>``) and the people
    on its roster without a record yet (``roster:<code>``), matching the
    name ``query``; at most PEOPLE_CHOICES_SHOWN, and whether there are more."""
    people, roster, more = selectors.person_choices(
        organization=org, query=query, limit=PEOPLE_CHOICES_SHOWN, user=user
    )
    choices = [(f"fn:{p.code}", _person_label(p)) for p in people]
    choices += [
        (
            f"roster:{r.code}",
            _("%(person)s — from the roster") % {"person": _person_label(r)},
        )
        for r in roster
    ]
    return choices, more


def _uuid_or_none(value: str) -> uuid.UUID | None:
    try:
        return uuid.UUID(value)
    except ValueError:
        return None


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def start_person(
    request: AuthenticatedHttpRequest, organization: uuid.UUID
) -> HttpResponse:
    """Who the application is for: a person on record, someone from the
    organisation's roster (their record is created from it), or a new
    person (the add page, coming back here)."""
    org = organization_get_for_user(user=request.user, code=organization)
    rules.ensure_can_file_for(request.user, org.pk)
    # The search is posted, never put in the URL: people type card or
    # passport numbers into search boxes (no identifying numbers in URLs).
    query = " ".join(request.POST.get("q", "").split())[:60]
    searching = request.method == "POST" and "search" in request.POST
    choices, more = _person_choices(org, query, request.user)
    form = PersonChoiceForm(
        request.POST if request.method == "POST" and not searching else None,
        choices=choices,
    )
    if request.method == "POST" and not searching:
        choice = request.POST.get("person", "")
        kind, _sep, code = choice.partition(":")
        chosen = _uuid_or_none(code)
        # The list may have been narrowed by a search; look the value up again.
        if kind == "fn" and chosen is not None:
            person = selectors.organization_person(
                organization=org, code=chosen, user=request.user
            )
            if person is not None:
                return redirect("applications:start_type", person.code)
        elif kind == "roster" and chosen is not None:
            entry = selectors.organization_roster_entry(
                organization=org, code=chosen, user=request.user
            )
            if entry is not None:
                person = services.foreign_national_from_roster(
                    entry=entry, actor=request.user
                )
                return redirect("applications:start_type", person.code)
        form.is_valid()
        if not form.errors:
            form.add_error("person", CHOOSE_PERSON)
    return render(
        request,
        "applications/filing/start_person.html",
        {
            "form": form,
            "organization": org,
            "query": query,
            "more": more,
            # Back to the organisation question only when there was one
            # (with one organisation it is skipped: going back would loop).
            "back_url": reverse("applications:start")
            if len(user_organizations(request)) > 1
            else reverse("applications:drafts"),
            "add_url": reverse("applications:foreign_national_add", args=[org.code])
            + "?next=start"
            if rules.may_add_people(request.user, org.pk)
            else "",
        },
    )


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def start_type(request: AuthenticatedHttpRequest, person: uuid.UUID) -> HttpResponse:
    """The type of application and its companions; creates the draft."""
    foreign_national = selectors.foreign_national_get_for_user(
        user=request.user, code=person
    )
    rules.ensure_can_file_for(request.user, foreign_national.organization_id)
    # Only the types within an appointee's scope are offered.
    form = TypeChoiceForm(
        request.POST or None,
        types=selectors.application_types(
            user=request.user, organization_id=foreign_national.organization_id
        ),
    )
    if request.method == "POST" and form.is_valid():
        main_type, companions = form.chosen()
        for refusal in rules.start_scope_refusals(
            application_type=main_type.code, foreign_national=foreign_national
        ):
            form.add_error("application_type", refusal.message)
    if request.method == "POST" and form.is_valid():
        main_type, companions = form.chosen()
        application = services.application_create(
            foreign_national=foreign_national,
            application_type=main_type,
            companions=companions,
            actor=request.user,
            start_token=once.token_from(request),
            person_checked=just_checked(request, foreign_national)
            and ForeignNationalForm.record_is_complete(
                foreign_national, in_japan=main_type.residence_card_required
            ),
        )
        messages.success(
            request,
            _("Your draft is saved. Answer each section, then check and send it."),
        )
        return redirect("applications:draft", application.code)
    return render(
        request,
        "applications/filing/start_type.html",
        {
            "form": form,
            "person": foreign_national,
            "organization": foreign_national.organization,
        },
    )


def filing_panel(request: HttpRequest) -> tuple[str, dict[str, Any]] | None:
    """The dashboard's way into filing (portal users of an organisation):
    start an application, the drafts, the people, the organisation profiles.
    Registered in ApplicationsConfig.ready; two queries."""
    if not is_portal_user(request.user):
        return None
    if not selectors.user_organization_ids(user=request.user):
        return None
    return (
        "applications/filing/_dashboard_panel.html",
        {
            "draft_count": selectors.drafts_for_user(user=request.user).count(),
            "can_write": can_file(request.user),
            "organizations": list(
                organizations_for_user(user=request.user)
                .order_by("name_ja", "pk")
                .values("code", "name_ja")[:10]
            ),
        },
    )


urlpatterns: list[URLPattern] = [
    path("new/", start, name="start"),
    path("new/<uuid:organization>/", start_person, name="start_person"),
    path("new/person/<uuid:person>/", start_type, name="start_type"),
]
