"""The periodic report (定期報告), for portal users of an organisation: a
short wizard (users, roster, declarations, documents, check) that files the
report renewing everyone's approval.  Pages start from the organisation
(``organization_for``: 404 for outsiders) and change nothing without write
access (``require_periodic``: expired users may file it)."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from accounts import permissions, selectors, services
from accounts.errors import Problem, RequestIncomplete
from accounts.forms.organization import (
    PERIODIC_SLOTS,
    ConfirmRosterForm,
    ConfirmUsersForm,
    PeriodicDeclarationsForm,
    PeriodicDocumentsForm,
)
from accounts.http import AuthenticatedHttpRequest
from accounts.messages import (
    PERIODIC_NOT_EDITABLE,
    STALE_EDIT,
)
from accounts.models import Organization, UseRequest, UseRequestDocument
from accounts.views.organization import organization_for, page_context
from accounts.workflow import EDITABLE_STATUSES
from portal.audit.events import AuditAction
from portal.audit.services import audit_record
from portal.lib.errors import StaleEdit

PERIODIC_STEPS = ("users", "roster", "declarations", "documents", "check")
# The roster step shows the first entries only.
ROSTER_PREVIEW_SIZE = 50


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
    return page_context(
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


def require_periodic(
    request: AuthenticatedHttpRequest, organization: Organization
) -> None:
    """403 unless the user may file the periodic report (the rule its
    services check: an expired user may, so an expired organisation can renew)."""
    if not permissions.may_file_periodic_report(request.user, organization):
        raise PermissionDenied


@login_required
@require_http_methods(["GET", "POST"])
def periodic(request: AuthenticatedHttpRequest, code: uuid.UUID) -> HttpResponse:
    """The periodic report's start page: what it is, the report in progress
    and past reports.  POST starts (or continues) the one open report."""
    organization = organization_for(request, code)
    # The report shows the whole roster and every user.
    if not permissions.sees_every_person(request.user, organization):
        raise PermissionDenied
    if request.method == "POST":
        require_periodic(request, organization)
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
        page_context(
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
    organization = organization_for(request, code)
    report = _report(request, organization, report_code)
    require_periodic(request, organization)
    if not _editable(report):
        messages.info(request, str(PERIODIC_NOT_EDITABLE))
        return redirect("accounts:organization_periodic", organization.code)
    return organization, report


def _confirm_step(
    request: AuthenticatedHttpRequest,
    code: uuid.UUID,
    report: uuid.UUID,
    *,
    section: str,
    form_class: Any,
    template: str,
    extra: Callable[[Organization, Any], dict[str, Any]],
) -> HttpResponse:
    """One confirmation page of the report (users, roster): a ticked box,
    remembered per report, then on to the next page."""
    found = _periodic_step(request, code, report)
    if isinstance(found, HttpResponse):
        return found
    organization, periodic_report = found
    initial = {
        "confirmed": _confirmations(request, periodic_report).get(section, False)
    }
    form = form_class(
        request.POST if request.method == "POST" else None, initial=initial
    )
    if request.method == "POST" and form.is_valid():
        _confirm(request, periodic_report, section)
        return redirect(_next_url(request, section, organization, periodic_report))
    return render(
        request,
        template,
        _step_context(
            request,
            organization,
            periodic_report,
            section,
            form=form,
            **extra(organization, periodic_report),
        ),
    )


@login_required
@require_http_methods(["GET", "POST"])
def periodic_users(
    request: AuthenticatedHttpRequest, code: uuid.UUID, report: uuid.UUID
) -> HttpResponse:
    return _confirm_step(
        request,
        code,
        report,
        section="users",
        form_class=ConfirmUsersForm,
        template="accounts/organization/periodic_users.html",
        extra=lambda organization, _report: {
            "users": selectors.organization_users(organization=organization)
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def periodic_roster(
    request: AuthenticatedHttpRequest, code: uuid.UUID, report: uuid.UUID
) -> HttpResponse:
    def roster(organization: Organization, periodic_report: Any) -> dict[str, Any]:
        # Shown only on the page (GET or a form error), and audited there: the
        # roster carries residence card numbers.
        entries = selectors.roster_entries(organization=organization)
        audit_record(
            actor=request.user,
            action=AuditAction.ROSTER_VIEW,
            obj=organization,
            organization_code=organization.code,
            data={"periodic_report": str(periodic_report.code)},
        )
        return {
            "roster_count": entries.count(),
            "roster_preview": list(entries[:ROSTER_PREVIEW_SIZE]),
        }

    return _confirm_step(
        request,
        code,
        report,
        section="roster",
        form_class=ConfirmRosterForm,
        template="accounts/organization/periodic_roster.html",
        extra=roster,
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
    organization = organization_for(request, code)
    periodic_report = _report(request, organization, report)
    if periodic_report.status == UseRequest.Status.DRAFT:
        return redirect(_step_url("check", organization, periodic_report))
    return render(
        request,
        "accounts/organization/periodic_done.html",
        page_context(request, organization, report=periodic_report),
    )


_org = "organizations/<uuid:code>/"
_report_path = _org + "periodic-report/<uuid:report>/"
urlpatterns: list[URLPattern] = [
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
