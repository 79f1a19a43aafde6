"""The organisation's foreign nationals: the list, adding a person (after
choosing the organisation when there are several) and a person's details.

Access: people are reached through ``selectors.foreign_national_get_for_user``
(404 outside the user's organisations); changes need
``rules.may_file_for`` (suspended or expired users keep read access).
"""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from accounts.http import AuthenticatedHttpRequest
from accounts.models import Organization
from accounts.permissions import can_file
from accounts.selectors import organization_get_for_user, organizations_for_user
from applications import rules, selectors, services
from applications.errors import DuplicatePerson
from applications.forms import ForeignNationalForm, OrganizationChoiceForm
from applications.models import ForeignNational
from applications.presenters import name_of
from portal.audit.events import AuditAction
from portal.audit.services import audit_record
from portal.lib.countries import country_name
from portal.lib.errors import StaleEdit, message_for
from portal.lib.i18n import page_language

PEOPLE_PAGE_SIZE = 50


def user_organizations(request: AuthenticatedHttpRequest) -> list[Organization]:
    """The user's organisations by name (for "which organisation" pages)."""
    return list(organizations_for_user(user=request.user).order_by("name_ja", "pk"))


def require_can_file(request: AuthenticatedHttpRequest) -> None:
    """Pages that start something before an organisation is chosen."""
    if not can_file(request.user):
        raise PermissionDenied


@login_required
@never_cache
@require_GET
def foreign_nationals(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The people the user's organisations have records of, by name."""
    people = selectors.foreign_nationals_for_user(user=request.user).order_by(
        "family_name", "given_name", "pk"
    )
    page = Paginator(people, PEOPLE_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "applications/foreign_nationals/list.html",
        {
            "page": page,
            "rows": [
                (
                    p,
                    country_name(p.nationality, page_language()),
                    name_of(p.current_status),
                )
                for p in page
            ],
            "can_write": can_file(request.user),
            "many_organizations": len(
                selectors.user_organization_ids(user=request.user)
            )
            > 1,
        },
    )


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def foreign_national_add_choose(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Adding a person: first which organisation (skipped when there is one)."""
    require_can_file(request)
    # Not those where an appointee's scope names some people only.
    organizations = [
        org
        for org in user_organizations(request)
        if rules.may_add_people(request.user, org.pk)
    ]
    if not organizations:
        raise Http404
    if len(organizations) == 1:
        return redirect("applications:foreign_national_add", organizations[0].code)
    form = OrganizationChoiceForm(request.POST or None, organizations=organizations)
    if request.method == "POST" and form.is_valid():
        return redirect(
            "applications:foreign_national_add", form.cleaned_data["organization"].code
        )
    return render(
        request,
        "applications/foreign_nationals/choose_organization.html",
        {"form": form},
    )


# The people whose record this user saved (added or changed) in this
# session, with the record's ``updated_at`` then: an application started for
# one of them, with the record unchanged since, counts the person's section
# as done — nobody should be asked to check details they saved a moment ago.
CHECKED_PEOPLE = "filing_checked_people"
CHECKED_PEOPLE_KEPT = 20


def remember_checked(
    request: AuthenticatedHttpRequest, person: ForeignNational
) -> None:
    checked = dict(request.session.get(CHECKED_PEOPLE) or {})
    checked.pop(str(person.code), None)
    checked[str(person.code)] = person.updated_at.isoformat()
    request.session[CHECKED_PEOPLE] = dict(list(checked.items())[-CHECKED_PEOPLE_KEPT:])


def just_checked(request: AuthenticatedHttpRequest, person: ForeignNational) -> bool:
    """Whether this user saved the person's record in this session and
    nobody has changed it since."""
    saved = (request.session.get(CHECKED_PEOPLE) or {}).get(str(person.code))
    return saved is not None and saved == person.updated_at.isoformat()


def _after_person_saved(
    request: AuthenticatedHttpRequest, person: ForeignNational
) -> str:
    if request.GET.get("next") == "start":
        return reverse("applications:start_type", args=[person.code])
    return reverse("applications:foreign_nationals")


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def foreign_national_add(
    request: AuthenticatedHttpRequest, organization: uuid.UUID
) -> HttpResponse:
    """Add a person the organisation's applications will be for."""
    org = organization_get_for_user(user=request.user, code=organization)
    rules.ensure_can_add_people(request.user, org.pk)
    form = ForeignNationalForm(request.POST or None, organization=org)
    if request.method == "POST" and form.is_valid():
        try:
            person = services.foreign_national_save(
                organization=org, values=form.values(), actor=request.user
            )
        except DuplicatePerson as exc:
            form.add_duplicate_error(exc.existing)
        else:
            remember_checked(request, person)
            messages.success(request, _("%(name)s was added.") % {"name": person})
            return redirect(_after_person_saved(request, person))
    return render(
        request,
        "applications/foreign_nationals/form.html",
        {
            "form": form,
            "organization": org,
            "person": None,
            # Added while starting an application: back to choosing the person.
            "back_url": reverse("applications:start_person", args=[org.code])
            if request.GET.get("next") == "start"
            else "",
        },
    )


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def foreign_national_edit(
    request: AuthenticatedHttpRequest, code: uuid.UUID
) -> HttpResponse:
    """A person's details; changing them needs ``rules.may_file_for``."""
    person = selectors.foreign_national_get_for_user(user=request.user, code=code)
    if request.method == "POST":
        rules.ensure_can_file_for(request.user, person.organization_id)
    else:
        # The page shows passport and residence card numbers: audited.
        audit_record(
            actor=request.user,
            action=AuditAction.FOREIGN_NATIONAL_VIEW,
            obj=person,
            organization_code=person.organization.code,
        )
    form = ForeignNationalForm(
        request.POST or None, organization=person.organization, instance=person
    )
    page_errors: list[dict[str, str]] = []
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.foreign_national_save(
                organization=person.organization,
                values=form.values(),
                actor=request.user,
                foreign_national=person,
                expected_updated_at=form.loaded_at() or "",
            )
        except DuplicatePerson as exc:
            form.add_duplicate_error(exc.existing)
        except StaleEdit as exc:
            person = selectors.foreign_national_get_for_user(
                user=request.user, code=code
            )
            form = ForeignNationalForm(
                organization=person.organization, instance=person
            )
            page_errors, status = [{"href": "", "message": message_for(exc)}], 409
        else:
            remember_checked(request, saved)
            messages.success(request, _("The details were saved."))
            return redirect(_after_person_saved(request, person))
    context: dict[str, Any] = {
        "form": form,
        "page_errors": page_errors,
        "has_errors": bool(page_errors or form.errors),
        "loaded_at": person.updated_at.isoformat(),
        "organization": person.organization,
        "person": person,
        "can_write": rules.may_file_for(request.user, person.organization_id),
        "drafts": selectors.drafts_for_user(user=request.user).filter(
            foreign_national=person
        ),
        "same_card": selectors.same_card_people(person),
        # Earlier status, period, expiry and card number, newest first.
        "history": person.record_history.select_related("status").order_by(
            "-replaced_at", "-id"
        ),
    }
    return render(
        request, "applications/foreign_nationals/form.html", context, status=status
    )


urlpatterns: list[URLPattern] = [
    path("people/", foreign_nationals, name="foreign_nationals"),
    path(
        "people/add/", foreign_national_add_choose, name="foreign_national_add_choose"
    ),
    path(
        "people/add/<uuid:organization>/",
        foreign_national_add,
        name="foreign_national_add",
    ),
    path("people/<uuid:code>/", foreign_national_edit, name="foreign_national"),
]
