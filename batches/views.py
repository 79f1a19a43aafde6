"""Batch filing pages: the list and the upload (with the template
downloads), the batch page (progress, refusal, preview with confirm, then
each row's status, its missing documents and "submit all complete"), and
the preview's problems as CSV."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import BooleanField, ExpressionWrapper, Q
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseBadRequest,
)
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.http import AuthenticatedHttpRequest
from accounts.permissions import can_file, is_portal_user
from accounts.selectors import organizations_for_user
from applications import rules
from applications import services as filing
from applications.errors import NotDraft
from applications.forms import DocumentUploadForm
from applications.presenters import draft_slots
from applications.views.people import require_can_file
from batches import presenters, selectors, services
from batches.columns import template_by_key, templates_in_force
from batches.forms import SubmitAllForm, TemplateChoiceForm, UploadForm
from batches.messages import MAX_ROWS
from batches.models import Batch
from batches.spreadsheet import (
    CSV_SJIS,
    CSV_UTF8,
    XLSX,
    XLSX_TYPE,
    problems_csv,
    template_csv,
    template_xlsx,
)
from portal.audit.events import AuditAction
from portal.audit.services import audit_record
from portal.lib import once
from portal.lib.errors import DomainError, StaleEdit, message_for, show_error

# Each draft row costs about 11 queries (its eligibility, slots and files).
ROWS_PER_PAGE = 20


def _language(request: AuthenticatedHttpRequest) -> str:
    return "en" if (request.LANGUAGE_CODE or "").startswith("en") else "ja"


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def batch_new(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The templates to download and the upload of a filled-in one."""
    require_can_file(request)
    organizations = list(organizations_for_user(user=request.user).order_by("name_ja"))
    if not organizations:
        raise Http404
    language = _language(request)
    templates = templates_in_force()
    form = UploadForm(
        request.POST or None,
        request.FILES or None,
        organizations=organizations,
        templates=templates,
        language=language,
    )
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["upload"]
        batch, created = services.batch_upload(
            organization=form.chosen_organization(),
            template=form.chosen_template(),
            file_name=upload.name,
            data=upload.read(),
            actor=request.user,
            language=language,
            start_token=once.token_from(request),
        )
        if not created:
            messages.info(
                request,
                _(
                    "This file was uploaded before: here is its batch. Nothing new "
                    "was created."
                ),
            )
        return redirect("batches:batch", batch.code)
    return render(
        request,
        "batches/new.html",
        {
            "form": form,
            "template_form": TemplateChoiceForm(
                templates=templates, language=language, auto_id="id_template_%s"
            ),
            "max_rows": MAX_ROWS,
            "batches": list(selectors.batches_for_user(user=request.user)[:20]),
        },
    )


@login_required
@require_GET
def template_download(request: AuthenticatedHttpRequest) -> HttpResponse:
    """A template (no personal data): ?form=<edition key>&format=xlsx|csv|csv-sjis."""
    require_can_file(request)
    template = template_by_key(request.GET.get("form", ""))
    file_format = request.GET.get("format", XLSX)
    if template is None or file_format not in (XLSX, CSV_UTF8, CSV_SJIS):
        raise Http404
    language = _language(request)
    name = f"batch-{template.key}"
    if file_format == XLSX:
        response = HttpResponse(
            template_xlsx(template, language), content_type=XLSX_TYPE
        )
        name += ".xlsx"
    else:
        shift_jis = file_format == CSV_SJIS
        charset = "shift_jis" if shift_jis else "utf-8"
        response = HttpResponse(
            template_csv(template, language, shift_jis=shift_jis),
            content_type=f"text/csv; charset={charset}",
        )
        name += "-sjis.csv" if shift_jis else ".csv"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@login_required
@never_cache
@require_GET
def batch_page(request: AuthenticatedHttpRequest, code: uuid.UUID) -> HttpResponse:
    batch = selectors.batch_get_for_user(user=request.user, code=code)
    _audit_view(request, batch, "page")
    return _render_batch(request, batch)


def _audit_view(request: AuthenticatedHttpRequest, batch: Batch, what: str) -> None:
    audit_record(
        actor=request.user,
        action=AuditAction.BATCH_VIEW,
        obj=batch,
        organization_code=batch.organization.code,
        data={"view": what},
    )


def _render_batch(
    request: AuthenticatedHttpRequest,
    batch: Batch,
    *,
    bound: DocumentUploadForm | None = None,
    submit_form: SubmitAllForm | None = None,
    status: int = 200,
) -> HttpResponse:
    language = _language(request)
    template = template_by_key(batch.edition_key)
    rows = selectors.batch_rows(batch=batch)
    working = batch.status in (
        Batch.Status.RECEIVED,
        Batch.Status.CHECKING,
        Batch.Status.CREATING,
    )
    context: dict[str, object] = {
        "batch": batch,
        "form_title": template.title(language) if template else batch.edition_key,
        "working": working,
        "refusal": message_for(DomainError(batch.refusal_code, **batch.refusal_params))
        if batch.status == Batch.Status.REFUSED
        else "",
        "submit_form": submit_form or SubmitAllForm(),
        "can_write": rules.may_file_for(request.user, batch.organization_id),
    }
    if not working and batch.status != Batch.Status.REFUSED:
        valid = rows.filter(problems=[]).count()
        total = rows.count()
        context.update(valid_count=valid, error_count=total - valid, total=total)
        shown = rows
        if batch.status == Batch.Status.READY:
            # The preview shows the rows with problems first, then the rows
            # that will become drafts.
            shown = rows.annotate(
                no_problem=ExpressionWrapper(
                    Q(problems=[]), output_field=BooleanField()
                )
            ).order_by("no_problem", "line")
        page = Paginator(shown, ROWS_PER_PAGE).get_page(request.GET.get("page"))
        views = [
            presenters.row_view(
                row, batch=batch, user=request.user, language=language, bound=bound
            )
            for row in page.object_list
        ]
        context.update(page=page, rows=views)
    return render(request, "batches/batch.html", context, status=status)


@login_required
@never_cache
@require_POST
def batch_confirm(request: AuthenticatedHttpRequest, code: uuid.UUID) -> HttpResponse:
    batch = selectors.batch_get_for_user(user=request.user, code=code)
    try:
        batch = services.batch_confirm(batch=batch, actor=request.user)
    except DomainError as exc:
        show_error(request, exc)
    return redirect("batches:batch", batch.code)


@login_required
@never_cache
@require_POST
def batch_document(
    request: AuthenticatedHttpRequest, code: uuid.UUID, line: int
) -> HttpResponse:
    """Upload files for one missing document slot of a row's draft (the
    filing pages' form, checks and service)."""
    batch = selectors.batch_get_for_user(user=request.user, code=code)
    row = selectors.batch_row_get(batch=batch, line=line)
    application = row.application
    if application is None:
        raise Http404
    rules.ensure_can_file_for(request.user, batch.organization_id)
    slot = next(
        (s for s in draft_slots(application) if s.code == request.POST.get("slot")),
        None,
    )
    if slot is None:
        return HttpResponseBadRequest()
    bound = DocumentUploadForm(
        request.POST,
        request.FILES,
        application=application,
        slot=slot,
        auto_id=f"id_r{row.line}_%s",
    )
    if bound.is_valid():
        upload_batch = bound.cleaned_data["upload"]
        try:
            filing.application_documents_add(
                application=application,
                slot=slot,
                uploads=upload_batch.accepted,
                expected_version=bound.cleaned_data["version"],
                actor=request.user,
            )
        except (StaleEdit, NotDraft) as exc:
            show_error(request, exc)
            return redirect(f"{reverse('batches:batch', args=[batch.code])}#row-{line}")
        except ValidationError as exc:
            bound.add_error("upload", exc)
        else:
            messages.success(request, _("Uploaded for row %(line)s.") % {"line": line})
            # A file refused beside the kept ones is named, as on the filing page.
            for refused in upload_batch.rejected:
                for text in refused.messages:
                    messages.error(request, text)
            for warning in bound.warnings:
                messages.warning(request, warning)
            return redirect(f"{reverse('batches:batch', args=[batch.code])}#row-{line}")
    return _render_batch(request, batch, bound=bound, status=400)


@login_required
@never_cache
@require_POST
def batch_submit_all(
    request: AuthenticatedHttpRequest, code: uuid.UUID
) -> HttpResponse:
    """Send every complete draft of the batch, each on its own."""
    batch = selectors.batch_get_for_user(user=request.user, code=code)
    form = SubmitAllForm(request.POST)
    if not form.is_valid():
        return _render_batch(request, batch, submit_form=form, status=400)
    result = services.batch_submit_all_start(batch=batch, actor=request.user)
    if result is None:
        messages.info(
            request,
            _(
                "The complete drafts are being sent. Each row shows its receipt "
                "number once it is sent; refresh this page to see them."
            ),
        )
    else:
        submitted, left = result
        messages.success(
            request,
            _("Sent: %(sent)s. Not complete yet: %(left)s.")
            % {"sent": len(submitted), "left": left},
        )
    return redirect("batches:batch", batch.code)


@login_required
@never_cache
@require_GET
def batch_problems(request: AuthenticatedHttpRequest, code: uuid.UUID) -> HttpResponse:
    """The preview's problems as CSV (line, column, value, rule); values are
    guarded so that a spreadsheet never runs them as formulas."""
    batch = selectors.batch_get_for_user(user=request.user, code=code)
    _audit_view(request, batch, "problems_csv")
    table = [[_("Row"), _("Column"), _("Value"), _("Problem")]]
    for row in selectors.batch_rows(batch=batch).exclude(problems=[]):
        for problem in row.problems:
            table.append(
                [str(row.line), problem["label"], problem["value"], problem["rule"]]
            )
    response = HttpResponse(problems_csv(table), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="batch-problems.csv"'
    return response


urlpatterns: list[URLPattern] = [
    path("", batch_new, name="new"),
    path("template/", template_download, name="template"),
    path("<uuid:code>/", batch_page, name="batch"),
    path("<uuid:code>/confirm/", batch_confirm, name="confirm"),
    path("<uuid:code>/rows/<int:line>/documents/", batch_document, name="document"),
    path("<uuid:code>/submit/", batch_submit_all, name="submit_all"),
    path("<uuid:code>/problems.csv", batch_problems, name="problems"),
]


def dashboard_panel(request: HttpRequest) -> tuple[str, dict[str, object]] | None:
    """The dashboard's way into batch filing (filers of an organisation)."""
    if not is_portal_user(request.user) or not can_file(request.user):
        return None
    recent = list(selectors.batches_for_user(user=request.user)[:3])
    if not recent and not organizations_for_user(user=request.user).exists():
        return None
    return ("batches/_dashboard_panel.html", {"batches": recent})
