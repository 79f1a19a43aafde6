"""The organisation side, for portal users: their organisations, each with its
users, appointments and roster (add, edit, CSV import and export), and the
periodic report (定期報告) that renews everyone's approval.

Every page starts from ``selectors.organization_get_for_user`` (404 for
anyone who neither works for nor is currently appointed by the organisation;
an ended appointment ends access at once).  Changes are POSTs to services and
need ``permissions.can_file``: suspended or expired users read everything but
change nothing (403), with a banner saying why and how to renew.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods

from accounts import permissions, roster_csv, selectors, services
from accounts.errors import RosterConflict
from accounts.forms.organization import (
    RosterEntryForm,
    RosterImportForm,
)
from accounts.http import AuthenticatedHttpRequest
from accounts.messages import (
    ONLY_MEMBERS_END_APPOINTMENTS,
    ROSTER_NOT_IMPORTED,
)
from accounts.models import Organization
from accounts.panels import organization_panels
from accounts.permissions import (
    is_member,
    is_portal_user,
)
from accounts.presenters import validity
from accounts.workflow import appointment_state
from portal.audit.events import AuditAction
from portal.audit.services import audit_record
from portal.lib.errors import message_for

ROSTER_PAGE_SIZE = 50
# An import with thousands of bad lines shows the first ones only.
MAX_ERRORS_SHOWN = 200


# --- Helpers ---------------------------------------------------------------------


def organization_for(
    request: AuthenticatedHttpRequest, code: uuid.UUID
) -> Organization:
    return selectors.organization_get_for_user(user=request.user, code=code)


def require_write(
    request: AuthenticatedHttpRequest, organization: Organization
) -> None:
    """403 unless the user may change the organisation: the rule the roster
    services check too (``permissions.may_change_organization``)."""
    if not permissions.may_change_organization(request.user, organization):
        raise PermissionDenied


def require_roster(
    request: AuthenticatedHttpRequest, organization: Organization
) -> None:
    """403 unless the user may see the whole roster (``sees_every_person``:
    not an appointee limited to some people)."""
    if not permissions.sees_every_person(request.user, organization):
        raise PermissionDenied


def _relation(user: Any, organization: Organization) -> str:
    return "member" if is_member(user, organization) else "appointee"


def page_context(
    request: AuthenticatedHttpRequest, organization: Organization, **extra: Any
) -> dict[str, Any]:
    approval = validity(request.user)
    # The buttons of the organisation's pages follow the services' rule.
    approval["can_write"] = permissions.may_change_organization(
        request.user, organization
    )
    approval["can_file_periodic"] = permissions.may_file_periodic_report(
        request.user, organization
    )
    return {
        "organization": organization,
        "approval": approval,
        "today": timezone.localdate(),
        **extra,
    }


# --- Organisations ---------------------------------------------------------------


@login_required
def organizations(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The user's organisations and their own approval's validity."""
    orgs = list(
        selectors.organizations_for_user(user=request.user)
        .select_related("office")
        .order_by("name_ja")
    )
    member_of = set(request.user.memberships.values_list("organization_id", flat=True))
    rows = [
        {
            "organization": org,
            "relation": "member" if org.pk in member_of else "appointee",
        }
        for org in orgs
    ]
    return render(
        request,
        "accounts/organization/list.html",
        {
            "rows": rows,
            "approval": validity(request.user),
            "single_organization": orgs[0] if len(orgs) == 1 else None,
        },
    )


@login_required
def organization_detail(
    request: AuthenticatedHttpRequest, code: uuid.UUID
) -> HttpResponse:
    organization = organization_for(request, code)
    return render(
        request,
        "accounts/organization/detail.html",
        page_context(
            request,
            organization,
            users=selectors.organization_users(organization=organization),
            appointments=[
                (appointment, appointment_state(appointment))
                for appointment in selectors.organization_appointments(
                    organization=organization
                )
            ],
            roster_count=selectors.roster_entries(organization=organization).count(),
            sees_roster=permissions.sees_every_person(request.user, organization),
            open_report=selectors.periodic_report_open(organization=organization),
            may_end_appointments=permissions.can_end_appointments(
                request.user, organization
            ),
            relation=_relation(request.user, organization),
            panels=organization_panels.render(request, organization),
        ),
    )


@login_required
@require_http_methods(["GET", "POST"])
def appointment_end(
    request: AuthenticatedHttpRequest, code: uuid.UUID, appointment: uuid.UUID
) -> HttpResponse:
    """Confirm, then end an appointment.  Only the organisation's own staff
    may; the appointee loses access to the organisation at once."""
    organization = organization_for(request, code)
    found = selectors.appointment_get_for_organization(
        organization=organization, code=appointment
    )
    if not permissions.can_end_appointments(request.user, organization):
        raise PermissionDenied(ONLY_MEMBERS_END_APPOINTMENTS)
    detail_url = reverse("accounts:organization_detail", args=[organization.code])
    if found.ended_at is not None:
        return redirect(detail_url)
    if request.method == "POST":
        services.appointment_end(appointment=found, actor=request.user)
        messages.success(
            request,
            _(
                "The appointment of %(name)s has ended. They can no longer see or file for "
                "this organisation."
            )
            % {"name": found.appointee.display_name},
        )
        return redirect(detail_url)
    return render(
        request,
        "accounts/organization/appointment_end.html",
        page_context(request, organization, appointment=found, cancel_url=detail_url),
    )


# --- Roster ----------------------------------------------------------------------


@login_required
def roster(request: AuthenticatedHttpRequest, code: uuid.UUID) -> HttpResponse:
    organization = organization_for(request, code)
    require_roster(request, organization)
    paginator = Paginator(
        selectors.roster_entries(organization=organization), ROSTER_PAGE_SIZE
    )
    page = paginator.get_page(request.GET.get("page"))
    # The list shows residence card numbers: every view is audited.
    audit_record(
        actor=request.user,
        action=AuditAction.ROSTER_VIEW,
        obj=organization,
        organization_code=organization.code,
        data={"page": page.number},
    )
    return render(
        request,
        "accounts/organization/roster.html",
        page_context(request, organization, page=page),
    )


@login_required
@require_http_methods(["GET", "POST"])
def roster_add(request: AuthenticatedHttpRequest, code: uuid.UUID) -> HttpResponse:
    organization = organization_for(request, code)
    require_write(request, organization)
    return _roster_form(request, organization, entry=None)


@login_required
@require_http_methods(["GET", "POST"])
def roster_edit(
    request: AuthenticatedHttpRequest, code: uuid.UUID, entry: uuid.UUID
) -> HttpResponse:
    organization = organization_for(request, code)
    found = selectors.roster_entry_get_for_organization(
        organization=organization, code=entry
    )
    require_write(request, organization)
    if request.method == "GET":
        audit_record(
            actor=request.user,
            action=AuditAction.ROSTER_VIEW,
            obj=found,
            organization_code=organization.code,
        )
    return _roster_form(request, organization, entry=found)


def _roster_form(
    request: AuthenticatedHttpRequest, organization: Organization, entry: Any
) -> HttpResponse:
    roster_url = reverse("accounts:organization_roster", args=[organization.code])
    if request.method == "POST":
        form = RosterEntryForm(request.POST)
        if form.is_valid():
            try:
                saved = services.roster_entry_save(
                    organization=organization,
                    values=form.values(),
                    actor=request.user,
                    entry=entry,
                )
            except RosterConflict as exc:
                form.add_error(None, message_for(exc))
            else:
                name = " ".join(filter(None, [saved.family_name, saved.given_name]))
                text = (
                    _("%(name)s was added to the list.")
                    if entry is None
                    else _("The details of %(name)s were saved.")
                )
                messages.success(request, text % {"name": name})
                return redirect(roster_url)
    else:
        form = RosterEntryForm(
            initial=RosterEntryForm.initial_from(entry) if entry else None
        )
    return render(
        request,
        "accounts/organization/roster_form.html",
        page_context(
            request, organization, form=form, entry=entry, cancel_url=roster_url
        ),
    )


@login_required
@require_http_methods(["GET", "POST"])
def roster_delete(
    request: AuthenticatedHttpRequest, code: uuid.UUID, entry: uuid.UUID
) -> HttpResponse:
    organization = organization_for(request, code)
    found = selectors.roster_entry_get_for_organization(
        organization=organization, code=entry
    )
    require_write(request, organization)
    roster_url = reverse("accounts:organization_roster", args=[organization.code])
    if request.method == "POST":
        services.roster_entry_delete(entry=found, actor=request.user)
        name = " ".join(filter(None, [found.family_name, found.given_name]))
        messages.success(
            request, _("%(name)s was removed from the list.") % {"name": name}
        )
        return redirect(roster_url)
    return render(
        request,
        "accounts/organization/roster_delete.html",
        page_context(request, organization, entry=found, cancel_url=roster_url),
    )


@login_required
@require_http_methods(["GET", "POST"])
def roster_import(request: AuthenticatedHttpRequest, code: uuid.UUID) -> HttpResponse:
    """Upload a CSV: every line is checked first; if any line is wrong nothing
    is imported and every problem is listed by line and column."""
    organization = organization_for(request, code)
    require_write(request, organization)
    roster_url = reverse("accounts:organization_roster", args=[organization.code])
    row_errors: list[roster_csv.RowError] = []
    if request.method == "POST":
        form = RosterImportForm(request.POST, request.FILES)
        if form.is_valid():
            result = roster_csv.parse_roster_csv(
                form.cleaned_data["csv_file"], statuses=roster_csv.status_names()
            )
            if result.errors:
                row_errors = result.errors
                form.add_error("csv_file", ROSTER_NOT_IMPORTED)
            else:
                count = services.roster_import(
                    organization=organization, rows=result.rows, actor=request.user
                )
                messages.success(
                    request,
                    ngettext(
                        "%(count)d person was imported to the list.",
                        "%(count)d people were imported to the list.",
                        count,
                    )
                    % {"count": count},
                )
                return redirect(roster_url)
    else:
        form = RosterImportForm()
    return render(
        request,
        "accounts/organization/roster_import.html",
        page_context(
            request,
            organization,
            form=form,
            row_errors=row_errors[:MAX_ERRORS_SHOWN],
            more_errors=max(0, len(row_errors) - MAX_ERRORS_SHOWN),
            error_count=len(row_errors),
            cancel_url=roster_url,
            headers=[
                {
                    "key": key,
                    "ja": roster_csv.JA_HEADERS[key],
                    "required": key in roster_csv.REQUIRED_HEADERS,
                }
                for key in roster_csv.HEADERS
            ],
        ),
    )


def _csv_response(data: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(data, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store, private"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
def roster_template(request: AuthenticatedHttpRequest, code: uuid.UUID) -> HttpResponse:
    organization_for(request, code)
    return _csv_response(roster_csv.roster_csv_template(), "roster-template.csv")


@login_required
def roster_export(request: AuthenticatedHttpRequest, code: uuid.UUID) -> HttpResponse:
    """The roster as CSV (the import format).  Reading, so read-only users may
    export too; every export is audited."""
    organization = organization_for(request, code)
    require_roster(request, organization)
    data = services.roster_export(organization=organization, actor=request.user)
    return _csv_response(data, f"roster-{timezone.localdate():%Y%m%d}.csv")


# --- Dashboard panel ---------------------------------------------------------------


def dashboard_panel(request: HttpRequest) -> tuple[str, dict[str, Any]] | None:
    """The user's organisations with their approval's validity (portal users
    only).  Registered in AccountsConfig.ready."""
    if not is_portal_user(request.user):
        return None
    orgs = list(
        selectors.organizations_for_user(user=request.user).order_by("name_ja")[:10]
    )
    return (
        "accounts/organization/_dashboard_panel.html",
        {
            "organizations": orgs,
            "approval": validity(request.user),
            "single_organization": orgs[0] if len(orgs) == 1 else None,
        },
    )


_org = "organizations/<uuid:code>/"
urlpatterns: list[URLPattern] = [
    path("organizations/", organizations, name="organizations"),
    path(_org, organization_detail, name="organization_detail"),
    path(
        _org + "appointments/<uuid:appointment>/end/",
        appointment_end,
        name="organization_appointment_end",
    ),
    path(_org + "roster/", roster, name="organization_roster"),
    path(_org + "roster/add/", roster_add, name="organization_roster_add"),
    path(_org + "roster/import/", roster_import, name="organization_roster_import"),
    path(_org + "roster/export.csv", roster_export, name="organization_roster_export"),
    path(
        _org + "roster/template.csv",
        roster_template,
        name="organization_roster_template",
    ),
    path(
        _org + "roster/<uuid:entry>/edit/", roster_edit, name="organization_roster_edit"
    ),
    path(
        _org + "roster/<uuid:entry>/remove/",
        roster_delete,
        name="organization_roster_delete",
    ),
]
