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
from datetime import date
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
from django.views.decorators.http import require_http_methods, require_POST

from accounts import permissions, roster_csv, selectors, services
from accounts.errors import Problem, RequestIncomplete, RosterConflict
from accounts.forms.organization import (
    PERIODIC_SLOTS,
    ConfirmRosterForm,
    ConfirmUsersForm,
    PeriodicDeclarationsForm,
    PeriodicDocumentsForm,
    RosterEntryForm,
    RosterImportForm,
)
from accounts.http import AuthenticatedHttpRequest
from accounts.messages import (
    ONLY_MEMBERS_END_APPOINTMENTS,
    PERIODIC_NOT_EDITABLE,
    READ_ONLY_EXPIRED,
    READ_ONLY_SUSPENDED,
    ROSTER_CONFLICT,
    ROSTER_NOT_IMPORTED,
    STALE_EDIT,
)
from accounts.models import Organization, User, UseRequest, UseRequestDocument
from accounts.permissions import (
    approval_expired,
    can_file,
    is_member,
    is_portal_user,
)
from accounts.workflow import EDITABLE_STATUSES
from portal.lib.errors import StaleEdit

ROSTER_PAGE_SIZE = 50
# Reminders start 60 days before the approval ends; so does the banner.
EXPIRY_WARNING_DAYS = 60
# An import with thousands of bad lines shows the first ones only.
MAX_ERRORS_SHOWN = 200
PERIODIC_STEPS = ("users", "roster", "declarations", "documents", "check")


# --- Helpers ---------------------------------------------------------------------


def validity(user: Any, today: date | None = None) -> dict[str, Any]:
    """The user's approval for the templates: ``valid_until``, ``days_left``,
    ``expired``, ``expiring`` (≤ 60 days) and, for read-only users, the
    ``read_only`` message saying why and what to do."""
    today = today or timezone.localdate()
    until = getattr(user, "valid_until", None)
    days_left = (until - today).days if until else None
    expired = approval_expired(user, today)
    read_only = ""
    if getattr(user, "status", None) == User.Status.SUSPENDED:
        read_only = str(READ_ONLY_SUSPENDED)
    elif expired and until is not None:
        read_only = str(READ_ONLY_EXPIRED).format(date=until.isoformat())
    return {
        "valid_until": until,
        "days_left": days_left,
        "expired": expired,
        "expiring": days_left is not None and 0 <= days_left <= EXPIRY_WARNING_DAYS,
        "read_only": read_only,
        "can_write": can_file(user, today),
    }


def _organization(request: AuthenticatedHttpRequest, code: uuid.UUID) -> Organization:
    return selectors.organization_get_for_user(user=request.user, code=code)


def _require_write(request: AuthenticatedHttpRequest) -> None:
    if not can_file(request.user):
        raise PermissionDenied


def _relation(user: Any, organization: Organization) -> str:
    return "member" if is_member(user, organization) else "appointee"


def _page_context(
    request: AuthenticatedHttpRequest, organization: Organization, **extra: Any
) -> dict[str, Any]:
    return {
        "organization": organization,
        "approval": validity(request.user),
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
    organization = _organization(request, code)
    return render(
        request,
        "accounts/organization/detail.html",
        _page_context(
            request,
            organization,
            users=selectors.organization_users(organization=organization),
            appointments=list(
                selectors.organization_appointments(organization=organization)
            ),
            roster_count=selectors.roster_entries(organization=organization).count(),
            open_report=selectors.periodic_report_open(organization=organization),
            may_end_appointments=permissions.can_end_appointments(
                request.user, organization
            ),
            relation=_relation(request.user, organization),
        ),
    )


@login_required
@require_http_methods(["GET", "POST"])
def appointment_end(
    request: AuthenticatedHttpRequest, code: uuid.UUID, appointment: uuid.UUID
) -> HttpResponse:
    """Confirm, then end an appointment.  Only the organisation's own staff
    may; the appointee loses access to the organisation at once."""
    organization = _organization(request, code)
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
        _page_context(request, organization, appointment=found, cancel_url=detail_url),
    )


# --- Roster ----------------------------------------------------------------------


@login_required
def roster(request: AuthenticatedHttpRequest, code: uuid.UUID) -> HttpResponse:
    organization = _organization(request, code)
    paginator = Paginator(
        selectors.roster_entries(organization=organization), ROSTER_PAGE_SIZE
    )
    page = paginator.get_page(request.GET.get("page"))
    return render(
        request,
        "accounts/organization/roster.html",
        _page_context(request, organization, page=page),
    )


@login_required
@require_http_methods(["GET", "POST"])
def roster_add(request: AuthenticatedHttpRequest, code: uuid.UUID) -> HttpResponse:
    organization = _organization(request, code)
    _require_write(request)
    return _roster_form(request, organization, entry=None)


@login_required
@require_http_methods(["GET", "POST"])
def roster_edit(
    request: AuthenticatedHttpRequest, code: uuid.UUID, entry: uuid.UUID
) -> HttpResponse:
    organization = _organization(request, code)
    found = selectors.roster_entry_get_for_organization(
        organization=organization, code=entry
    )
    _require_write(request)
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
            except RosterConflict:
                form.add_error(None, ROSTER_CONFLICT)
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
        _page_context(
            request, organization, form=form, entry=entry, cancel_url=roster_url
        ),
    )


@login_required
@require_http_methods(["GET", "POST"])
def roster_delete(
    request: AuthenticatedHttpRequest, code: uuid.UUID, entry: uuid.UUID
) -> HttpResponse:
    organization = _organization(request, code)
    found = selectors.roster_entry_get_for_organization(
        organization=organization, code=entry
    )
    _require_write(request)
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
        _page_context(request, organization, entry=found, cancel_url=roster_url),
    )


@login_required
@require_http_methods(["GET", "POST"])
def roster_import(request: AuthenticatedHttpRequest, code: uuid.UUID) -> HttpResponse:
    """Upload a CSV: every line is checked first; if any line is wrong nothing
    is imported and every problem is listed by line and column."""
    organization = _organization(request, code)
    _require_write(request)
    roster_url = reverse("accounts:organization_roster", args=[organization.code])
    row_errors: list[roster_csv.RowError] = []
    if request.method == "POST":
        form = RosterImportForm(request.POST, request.FILES)
        if form.is_valid():
            result = roster_csv.parse_roster_csv(form.cleaned_data["csv_file"])
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
        _page_context(
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
    _organization(request, code)
    return _csv_response(roster_csv.roster_csv_template(), "roster-template.csv")


@login_required
def roster_export(request: AuthenticatedHttpRequest, code: uuid.UUID) -> HttpResponse:
    """The roster as CSV (the import format).  Reading, so read-only users may
    export too; every export is audited."""
    organization = _organization(request, code)
    data = services.roster_export(organization=organization, actor=request.user)
    return _csv_response(data, f"roster-{timezone.localdate():%Y%m%d}.csv")


# --- Periodic report -------------------------------------------------------------


def _report(
    request: AuthenticatedHttpRequest, organization: Organization, report: uuid.UUID
) -> UseRequest:
    return selectors.periodic_report_get_for_organization(
        organization=organization, code=report
    )


def _editable(report: UseRequest) -> bool:
    return report.status in EDITABLE_STATUSES


def _confirmations(
    request: AuthenticatedHttpRequest, report: UseRequest
) -> dict[str, bool]:
    """What the filer confirmed in this session.  Kept in the session, not the
    report: the lists may change, so the confirmation must be fresh."""
    return dict(request.session.get(f"periodic:{report.code}", {}))


def _confirm(request: AuthenticatedHttpRequest, report: UseRequest, item: str) -> None:
    key = f"periodic:{report.code}"
    request.session[key] = {**request.session.get(key, {}), item: True}


def _step_url(step: str, organization: Organization, report: UseRequest) -> str:
    return reverse(f"accounts:periodic_{step}", args=[organization.code, report.code])


def _next_url(
    request: AuthenticatedHttpRequest,
    step: str,
    organization: Organization,
    report: UseRequest,
) -> str:
    """The next step, or back to check answers when the user came from there."""
    if request.POST.get("from_check") == "1":
        return _step_url("check", organization, report)
    index = PERIODIC_STEPS.index(step)
    return _step_url(PERIODIC_STEPS[index + 1], organization, report)


def _step_context(
    request: AuthenticatedHttpRequest,
    organization: Organization,
    report: UseRequest,
    step: str,
    **extra: Any,
) -> dict[str, Any]:
    index = PERIODIC_STEPS.index(step)
    back = (
        _step_url(PERIODIC_STEPS[index - 1], organization, report)
        if index
        else reverse("accounts:organization_periodic", args=[organization.code])
    )
    return _page_context(
        request,
        organization,
        report=report,
        step_number=index + 1,
        step_count=len(PERIODIC_STEPS),
        back_url=back,
        from_check=request.GET.get("from") == "check"
        or request.POST.get("from_check") == "1",
        **extra,
    )


@login_required
@require_http_methods(["GET", "POST"])
def periodic(request: AuthenticatedHttpRequest, code: uuid.UUID) -> HttpResponse:
    """The periodic report's start page: what it is, the report in progress
    and past reports.  POST starts (or continues) the one open report."""
    organization = _organization(request, code)
    if request.method == "POST":
        _require_write(request)
        report = services.periodic_report_start(
            organization=organization, actor=request.user
        )
        if _editable(report):
            return redirect(_step_url("users", organization, report))
        return redirect(request.path)
    open_report = selectors.periodic_report_open(organization=organization)
    return render(
        request,
        "accounts/organization/periodic_start.html",
        _page_context(
            request,
            organization,
            open_report=open_report,
            open_editable=open_report is not None and _editable(open_report),
            past_reports=selectors.periodic_reports_of_organization(
                organization=organization
            )[:10],
        ),
    )


def _periodic_step(
    request: AuthenticatedHttpRequest, code: uuid.UUID, report_code: uuid.UUID
) -> tuple[Organization, UseRequest] | HttpResponse:
    organization = _organization(request, code)
    report = _report(request, organization, report_code)
    _require_write(request)
    if not _editable(report):
        messages.info(request, str(PERIODIC_NOT_EDITABLE))
        return redirect("accounts:organization_periodic", organization.code)
    return organization, report


@login_required
@require_http_methods(["GET", "POST"])
def periodic_users(
    request: AuthenticatedHttpRequest, code: uuid.UUID, report: uuid.UUID
) -> HttpResponse:
    found = _periodic_step(request, code, report)
    if isinstance(found, HttpResponse):
        return found
    organization, periodic_report = found
    initial = {
        "confirmed": _confirmations(request, periodic_report).get("users", False)
    }
    form = ConfirmUsersForm(
        request.POST if request.method == "POST" else None, initial=initial
    )
    if request.method == "POST" and form.is_valid():
        _confirm(request, periodic_report, "users")
        return redirect(_next_url(request, "users", organization, periodic_report))
    return render(
        request,
        "accounts/organization/periodic_users.html",
        _step_context(
            request,
            organization,
            periodic_report,
            "users",
            form=form,
            users=selectors.organization_users(organization=organization),
        ),
    )


@login_required
@require_http_methods(["GET", "POST"])
def periodic_roster(
    request: AuthenticatedHttpRequest, code: uuid.UUID, report: uuid.UUID
) -> HttpResponse:
    found = _periodic_step(request, code, report)
    if isinstance(found, HttpResponse):
        return found
    organization, periodic_report = found
    initial = {
        "confirmed": _confirmations(request, periodic_report).get("roster", False)
    }
    form = ConfirmRosterForm(
        request.POST if request.method == "POST" else None, initial=initial
    )
    if request.method == "POST" and form.is_valid():
        _confirm(request, periodic_report, "roster")
        return redirect(_next_url(request, "roster", organization, periodic_report))
    entries = selectors.roster_entries(organization=organization)
    return render(
        request,
        "accounts/organization/periodic_roster.html",
        _step_context(
            request,
            organization,
            periodic_report,
            "roster",
            form=form,
            roster_count=entries.count(),
            roster_preview=list(entries[:ROSTER_PAGE_SIZE]),
        ),
    )


@login_required
@require_http_methods(["GET", "POST"])
def periodic_declarations(
    request: AuthenticatedHttpRequest, code: uuid.UUID, report: uuid.UUID
) -> HttpResponse:
    found = _periodic_step(request, code, report)
    if isinstance(found, HttpResponse):
        return found
    organization, periodic_report = found
    if request.method == "POST":
        form = PeriodicDeclarationsForm(request.POST)
        if form.is_valid():
            try:
                services.use_request_update(
                    use_request=periodic_report,
                    fields=form.changes(),
                    expected_version=int(request.POST.get("version") or 0),
                    actor=request.user,
                )
            except StaleEdit:
                messages.error(request, str(STALE_EDIT))
                return redirect(request.path)
            return redirect(
                _next_url(request, "declarations", organization, periodic_report)
            )
    else:
        form = PeriodicDeclarationsForm(
            initial=PeriodicDeclarationsForm.initial_from(periodic_report)
        )
    return render(
        request,
        "accounts/organization/periodic_declarations.html",
        _step_context(
            request, organization, periodic_report, "declarations", form=form
        ),
    )


def _documents_by_slot(report: UseRequest) -> dict[str, list[UseRequestDocument]]:
    by_slot: dict[str, list[UseRequestDocument]] = {slot: [] for slot in PERIODIC_SLOTS}
    for document in selectors.use_request_documents(use_request=report):
        by_slot.setdefault(document.slot, []).append(document)
    return by_slot


@login_required
@require_http_methods(["GET", "POST"])
def periodic_documents(
    request: AuthenticatedHttpRequest, code: uuid.UUID, report: uuid.UUID
) -> HttpResponse:
    found = _periodic_step(request, code, report)
    if isinstance(found, HttpResponse):
        return found
    organization, periodic_report = found
    by_slot = _documents_by_slot(periodic_report)
    filled = {slot for slot, documents in by_slot.items() if documents}
    if request.method == "POST":
        form = PeriodicDocumentsForm(request.POST, request.FILES, filled=filled)
        if form.is_valid():
            try:
                for slot, upload in form.uploads():
                    services.periodic_report_document_add(
                        report=periodic_report,
                        slot=slot,
                        cleaned=upload,
                        actor=request.user,
                    )
            except StaleEdit:
                messages.info(request, str(PERIODIC_NOT_EDITABLE))
                return redirect("accounts:organization_periodic", organization.code)
            return redirect(
                _next_url(request, "documents", organization, periodic_report)
            )
    else:
        form = PeriodicDocumentsForm(filled=filled)
    slots = [
        {"field": form[slot], "documents": by_slot.get(slot, [])}
        for slot in PERIODIC_SLOTS
    ]
    return render(
        request,
        "accounts/organization/periodic_documents.html",
        _step_context(
            request, organization, periodic_report, "documents", form=form, slots=slots
        ),
    )


@login_required
@require_POST
def periodic_document_remove(
    request: AuthenticatedHttpRequest,
    code: uuid.UUID,
    report: uuid.UUID,
    file: uuid.UUID,
) -> HttpResponse:
    found = _periodic_step(request, code, report)
    if isinstance(found, HttpResponse):
        return found
    organization, periodic_report = found
    document = selectors.use_request_document_get(
        use_request=periodic_report, file_code=file
    )
    try:
        services.periodic_report_document_remove(document=document, actor=request.user)
    except StaleEdit:
        messages.info(request, str(PERIODIC_NOT_EDITABLE))
        return redirect("accounts:organization_periodic", organization.code)
    messages.success(
        request, _("“%(name)s” was removed.") % {"name": document.file.original_name}
    )
    return redirect(_step_url("documents", organization, periodic_report))


@login_required
@require_http_methods(["GET", "POST"])
def periodic_check(
    request: AuthenticatedHttpRequest, code: uuid.UUID, report: uuid.UUID
) -> HttpResponse:
    """Check answers, then submit (services.periodic_report_submit)."""
    found = _periodic_step(request, code, report)
    if isinstance(found, HttpResponse):
        return found
    organization, periodic_report = found
    confirmed = _confirmations(request, periodic_report)
    problems: list[Problem] = []
    if request.method == "POST":
        try:
            services.periodic_report_submit(
                report=periodic_report,
                actor=request.user,
                users_confirmed=confirmed.get("users", False),
                roster_confirmed=confirmed.get("roster", False),
            )
        except RequestIncomplete as exc:
            problems = exc.problems
        else:
            request.session.pop(f"periodic:{periodic_report.code}", None)
            return redirect(_step_url("done", organization, periodic_report))
    users = selectors.organization_users(organization=organization)
    by_slot = _documents_by_slot(periodic_report)
    declarations = PeriodicDeclarationsForm()
    step_for = {
        "users": "users",
        "roster": "roster",
        "declarations": "declarations",
        "documents": "documents",
    }
    errors = [
        {
            "href": _step_url(
                step_for.get(item, "check"), organization, periodic_report
            )
            + "?from=check",
            "message": str(message),
        }
        for item, message in problems
    ]
    return render(
        request,
        "accounts/organization/periodic_check.html",
        _step_context(
            request,
            organization,
            periodic_report,
            "check",
            confirmed=confirmed,
            users=users,
            roster_count=selectors.roster_entries(organization=organization).count(),
            declarations=[
                {"text": field.label, "value": getattr(periodic_report, name)}
                for name, field in declarations.fields.items()
            ],
            slots=[
                {
                    "label": UseRequestDocument.Slot(slot).label,
                    "documents": by_slot.get(slot, []),
                }
                for slot in PERIODIC_SLOTS
            ],
            errors=errors,
            has_errors=bool(errors),
        ),
    )


@login_required
def periodic_done(
    request: AuthenticatedHttpRequest, code: uuid.UUID, report: uuid.UUID
) -> HttpResponse:
    organization = _organization(request, code)
    periodic_report = _report(request, organization, report)
    if periodic_report.status == UseRequest.Status.DRAFT:
        return redirect(_step_url("check", organization, periodic_report))
    return render(
        request,
        "accounts/organization/periodic_done.html",
        _page_context(request, organization, report=periodic_report),
    )


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
_report_path = _org + "periodic-report/<uuid:report>/"
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
    path(_org + "periodic-report/", periodic, name="organization_periodic"),
    path(_report_path + "users/", periodic_users, name="periodic_users"),
    path(_report_path + "roster/", periodic_roster, name="periodic_roster"),
    path(
        _report_path + "declarations/",
        periodic_declarations,
        name="periodic_declarations",
    ),
    path(_report_path + "documents/", periodic_documents, name="periodic_documents"),
    path(
        _report_path + "documents/<uuid:file>/remove/",
        periodic_document_remove,
        name="periodic_document_remove",
    ),
    path(_report_path + "check/", periodic_check, name="periodic_check"),
    path(_report_path + "submitted/", periodic_done, name="periodic_done"),
]
