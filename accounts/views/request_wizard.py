"""The requester's wizard (part two): a task list (the hub) with one topic per
page.  Every page validates, normalises and saves through the services with
the draft's version, so a change made in another tab is refused rather than
overwritten.  A reception officer registering a paper request at the counter
uses the same pages.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.http import (
    FileResponse,
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseBadRequest,
)
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts import roster_csv, selectors, services
from accounts.forms.request import (
    ORG_CATEGORY_HINTS,
    AppointerForm,
    CategoryForm,
    DeclarationsForm,
    DocumentUploadForm,
    OfficeForm,
    OrganizationForm,
    PersonForm,
    RemoveItemForm,
    RosterUploadForm,
    StepForm,
)
from accounts.messages import (
    NOT_EDITABLE,
    ROSTER_LINE_ERROR,
    ROSTER_NOT_IMPORTED,
    STALE_EDIT,
)
from accounts.models import OfficerRole, User, UseRequest, UseRequestDocument
from accounts.permissions import officer_office_ids
from accounts.presenters import (
    DOCUMENT_HINTS,
    SECTION_URLS,
    SECTIONS,
    document_slots,
    use_request_section_states,
)
from accounts.views.request_access import (
    editable_request,
    proven_email,
)
from portal.audit.events import AuditAction
from portal.audit.services import audit_record
from portal.lib.errors import StaleEdit
from portal.lib.upload_results import (
    add_upload_results,
    slot_anchor,
    split_slot_messages,
)

# --- Helpers ------------------------------------------------------------------------------


def _next_url(request: HttpRequest, use_request: UseRequest, section: str) -> str:
    """After saving a page: back to check-answers when the user came from
    there, else the next page of the wizard."""
    if request.GET.get("from") == "check":
        return reverse("accounts:request_check", args=[use_request.code])
    keys = [key for key, _url, _title in SECTIONS]
    if (
        section == "person"
        and use_request.user_category
        and use_request.user_category > 1
    ):
        return reverse("accounts:request_appointers", args=[use_request.code])
    if section == "appointers":
        section = "person"
    index = keys.index(section)
    if index + 1 < len(keys):
        return reverse(SECTION_URLS[keys[index + 1]], args=[use_request.code])
    return reverse("accounts:request_check", args=[use_request.code])


def _stale(request: HttpRequest, code: Any) -> tuple[UseRequest, User | None] | None:
    """Reload after a refused (stale) save; None when the request can no
    longer be edited at all (submitted in another tab)."""
    try:
        return editable_request(request, code)
    except Http404:
        return None


def stale_errors() -> list[dict[str, str]]:
    return [{"href": "", "message": str(STALE_EDIT)}]


def _not_editable(request: HttpRequest) -> HttpResponse:
    messages.error(request, NOT_EDITABLE)
    if proven_email(request):
        return redirect("accounts:request_mine")
    return redirect("home")


def base_context(use_request: UseRequest, section: str, **extra: Any) -> dict[str, Any]:
    comment = ""
    if use_request.status == UseRequest.Status.RETURNED:
        comment = (use_request.return_comments or {}).get(section, "")
    return {
        "use_request": use_request,
        "section": section,
        "return_comment": comment,
        "hub_url": reverse("accounts:request_hub", args=[use_request.code]),
        **extra,
    }


# --- The hub: a task list ---------------------------------------------------------------


@never_cache
@require_GET
def hub(request: HttpRequest, code: uuid.UUID) -> HttpResponse:
    use_request, actor = editable_request(request, code)
    problems = selectors.use_request_problems(use_request)
    states = use_request_section_states(use_request, problems)
    comments = (
        use_request.return_comments
        if use_request.status == UseRequest.Status.RETURNED
        else {}
    )
    sections = [
        {
            "key": key,
            "title": title,
            "url": reverse(url, args=[use_request.code]),
            "state": states[key],
            "comment": (comments or {}).get(key, ""),
        }
        for key, url, title in SECTIONS
    ]
    done = sum(1 for s in sections if s["state"] == "completed")
    return render(
        request,
        "accounts/request/hub.html",
        {
            "use_request": use_request,
            "sections": sections,
            "completed_count": done,
            "section_count": len(sections),
            "is_officer": actor is not None,
            "check_url": reverse("accounts:request_check", args=[use_request.code]),
        },
    )


# --- Step pages ---------------------------------------------------------------------------


def _step(
    request: HttpRequest,
    code: uuid.UUID,
    *,
    section: str,
    form_class: type[StepForm],
    template: str,
    form_kwargs: Any = None,
    context: Any = None,
) -> HttpResponse:
    """GET shows the page; POST validates and saves through use_request_update
    with the version the page was loaded with.  A stale save keeps nothing and
    shows the newer saved answers.  ``form_kwargs(use_request, actor)`` and
    ``context(use_request, actor)`` add what a page needs."""
    use_request, actor = editable_request(request, code)
    extra = form_kwargs(use_request, actor) if form_kwargs else {}
    page_errors: list[dict[str, str]] = []
    status = 200
    if request.method == "POST":
        form = form_class(request.POST, use_request=use_request, **extra)
        if form.is_valid():
            try:
                use_request = services.use_request_update(
                    use_request=use_request,
                    fields=form.changes(),
                    expected_version=form.cleaned_data["version"],
                    actor=actor,
                )
            except StaleEdit:
                reloaded = _stale(request, code)
                if reloaded is None:
                    return _not_editable(request)
                use_request, actor = reloaded
                extra = form_kwargs(use_request, actor) if form_kwargs else {}
                form = form_class(use_request=use_request, **extra)
                page_errors, status = stale_errors(), 409
            else:
                return redirect(_next_url(request, use_request, section))
    else:
        form = form_class(use_request=use_request, **extra)
    ctx = base_context(
        use_request,
        section,
        form=form,
        page_errors=page_errors,
        has_errors=bool(page_errors),
        **(context(use_request, actor) if context else {}),
    )
    return render(request, template, ctx, status=status)


@never_cache
@require_http_methods(["GET", "POST"])
def category(request: HttpRequest, code: uuid.UUID) -> HttpResponse:
    return _step(
        request,
        code,
        section="category",
        form_class=CategoryForm,
        template="accounts/request/category.html",
    )


@never_cache
@require_http_methods(["GET", "POST"])
def organization(request: HttpRequest, code: uuid.UUID) -> HttpResponse:
    return _step(
        request,
        code,
        section="organization",
        form_class=OrganizationForm,
        template="accounts/request/organization.html",
        context=lambda use_request, actor: {"org_category_hints": ORG_CATEGORY_HINTS},
    )


@never_cache
@require_http_methods(["GET", "POST"])
def person(request: HttpRequest, code: uuid.UUID) -> HttpResponse:
    return _step(
        request,
        code,
        section="person",
        form_class=PersonForm,
        template="accounts/request/person.html",
    )


@never_cache
@require_http_methods(["GET", "POST"])
def declarations(request: HttpRequest, code: uuid.UUID) -> HttpResponse:
    return _step(
        request,
        code,
        section="declarations",
        form_class=DeclarationsForm,
        template="accounts/request/declarations.html",
    )


def _office_form_kwargs(use_request: UseRequest, actor: User | None) -> dict[str, Any]:
    offices = list(selectors.offices_taking_use_requests())
    if actor is not None:
        # A paper request stays with the counter officer's own office(s).
        own = officer_office_ids(actor, OfficerRole.Role.RECEPTION)
        offices = [o for o in offices if o.pk in own]
    suggested = (
        selectors.office_for_prefecture(prefecture=use_request.org_prefecture_id)
        if use_request.org_prefecture_id
        else None
    )
    return {"offices": offices, "suggested": suggested}


@never_cache
@require_http_methods(["GET", "POST"])
def office(request: HttpRequest, code: uuid.UUID) -> HttpResponse:
    return _step(
        request,
        code,
        section="office",
        form_class=OfficeForm,
        template="accounts/request/office.html",
        form_kwargs=_office_form_kwargs,
    )


# --- Appointing organisations (categories 2–4) -----------------------------------------------


@never_cache
@require_http_methods(["GET", "POST"])
def appointers(request: HttpRequest, code: uuid.UUID) -> HttpResponse:
    """Additional organisations that appointed the requester: an add/remove
    list.  Each must already use the portal (matched by corporate number)."""
    use_request, actor = editable_request(request, code)
    if (
        not use_request.user_category
        or use_request.user_category == User.Category.ORG_STAFF
    ):
        return redirect("accounts:request_hub", use_request.code)
    page_errors: list[dict[str, str]] = []
    status = 200
    if request.method == "POST":
        form = AppointerForm(request.POST, use_request=use_request)
        if form.is_valid():
            try:
                services.use_request_appointer_add(
                    use_request=use_request,
                    name_ja=form.cleaned_data["name_ja"],
                    corporate_number=form.cleaned_data["corporate_number"],
                    organization=form.organization,
                    expected_version=form.cleaned_data["version"],
                    actor=actor,
                )
            except StaleEdit:
                reloaded = _stale(request, code)
                if reloaded is None:
                    return _not_editable(request)
                use_request, actor = reloaded
                form = AppointerForm(use_request=use_request)
                page_errors, status = stale_errors(), 409
            else:
                messages.success(request, _("The organisation was added."))
                return redirect(request.get_full_path())
    else:
        form = AppointerForm(use_request=use_request)
    ctx = base_context(
        use_request,
        "person",
        form=form,
        page_errors=page_errors,
        has_errors=bool(page_errors),
        appointers=list(use_request.appointers.order_by("pk")),
        next_url=_next_url(request, use_request, "appointers"),
        remove_url=reverse(
            "accounts:request_appointer_remove", args=[use_request.code]
        ),
    )
    return render(request, "accounts/request/appointers.html", ctx, status=status)


@never_cache
@require_POST
def appointer_remove(request: HttpRequest, code: uuid.UUID) -> HttpResponse:
    use_request, actor = editable_request(request, code)
    form = RemoveItemForm(request.POST, use_request=use_request)
    if not form.is_valid() or not form.cleaned_data["item"].isdigit():
        return HttpResponseBadRequest()
    try:
        services.use_request_appointer_remove(
            use_request=use_request,
            appointer_id=int(form.cleaned_data["item"]),
            expected_version=form.cleaned_data["version"],
            actor=actor,
        )
    except StaleEdit:
        messages.error(request, STALE_EDIT)
    else:
        messages.success(request, _("The organisation was removed."))
    return redirect(reverse("accounts:request_appointers", args=[use_request.code]))


# --- Documents ----------------------------------------------------------------------------


def _documents_context(
    request: HttpRequest,
    use_request: UseRequest,
    bound: DocumentUploadForm | None = None,
) -> dict[str, Any]:
    page_messages, slot_messages = split_slot_messages(request)
    documents = list(selectors.use_request_documents(use_request=use_request))
    used = sum(d.file.size for d in documents)
    cap = settings.UPLOAD_MAX_TOTAL_BYTES
    slots = []
    for slot in document_slots(use_request):
        form = (
            bound
            if bound is not None and bound.prefix == slot
            else DocumentUploadForm(use_request=use_request, prefix=slot)
        )
        slots.append(
            {
                "key": slot,
                "label": UseRequestDocument.Slot(slot).label,
                "hint": DOCUMENT_HINTS[UseRequestDocument.Slot(slot)],
                "documents": [d for d in documents if d.slot == slot],
                "form": form,
                "messages": slot_messages.get(slot, []),
                "anchor": slot_anchor(slot),
            }
        )
    return {
        "messages": page_messages,
        "slots": slots,
        "used_bytes": used,
        "cap_bytes": cap,
        "used_percent": round(100 * used / cap) if cap else 0,
        "file_cap_bytes": settings.UPLOAD_MAX_FILE_BYTES,
        "remove_url": reverse(
            "accounts:request_document_remove", args=[use_request.code]
        ),
        "next_url": _next_url_plain(use_request, "documents"),
    }


def _next_url_plain(use_request: UseRequest, section: str) -> str:
    keys = [key for key, _url, _title in SECTIONS]
    index = keys.index(section)
    return reverse(SECTION_URLS[keys[index + 1]], args=[use_request.code])


@never_cache
@require_http_methods(["GET", "POST"])
def documents(request: HttpRequest, code: uuid.UUID) -> HttpResponse:
    """Every document slot on one page: the files already uploaded (each with
    remove), and an upload form per slot; a meter shows the request's total
    size against the cap."""
    use_request, actor = editable_request(request, code)
    bound = None
    page_errors: list[dict[str, str]] = []
    status = 200
    if request.method == "POST":
        slot = request.POST.get("slot", "")
        if slot not in document_slots(use_request):
            return HttpResponseBadRequest()
        bound = DocumentUploadForm(
            request.POST, request.FILES, use_request=use_request, prefix=slot
        )
        if bound.is_valid():
            batch = bound.cleaned_data["upload"]
            try:
                added = services.use_request_documents_add(
                    use_request=use_request,
                    slot=slot,
                    uploads=batch.accepted,
                    expected_version=bound.cleaned_data["version"],
                    actor=actor,
                )
            except StaleEdit:
                reloaded = _stale(request, code)
                if reloaded is None:
                    return _not_editable(request)
                use_request, actor = reloaded
                bound = None
                page_errors, status = stale_errors(), 409
            except ValidationError as exc:
                # Nothing was stored: every file's error is shown.
                bound.add_error("upload", [*exc.error_list, *batch.rejected])
            else:
                add_upload_results(
                    request,
                    slot=slot,
                    added=[d.file.original_name for d in added],
                    rejected=batch.rejected,
                    warnings=bound.warnings,
                )
                return redirect(
                    reverse("accounts:request_documents", args=[use_request.code])
                    + f"#{slot_anchor(slot)}"
                )
    ctx = base_context(
        use_request, "documents", **_documents_context(request, use_request, bound)
    )
    form_errors = bound.errors if bound is not None else None
    ctx.update(
        form=bound,
        page_errors=page_errors,
        has_errors=bool(page_errors or form_errors),
        # An upload's error is shown at its slot, where the page comes back.
        summary_in_place=bool(form_errors),
    )
    return render(request, "accounts/request/documents.html", ctx, status=status)


@never_cache
@require_POST
def document_remove(request: HttpRequest, code: uuid.UUID) -> HttpResponse:
    use_request, actor = editable_request(request, code)
    form = RemoveItemForm(request.POST, use_request=use_request)
    if not form.is_valid():
        return HttpResponseBadRequest()
    try:
        file_code = uuid.UUID(form.cleaned_data["item"])
    except ValueError:
        return HttpResponseBadRequest()
    try:
        services.use_request_document_remove(
            use_request=use_request,
            file_code=file_code,
            expected_version=form.cleaned_data["version"],
            actor=actor,
        )
    except StaleEdit:
        messages.error(request, STALE_EDIT)
    else:
        messages.success(request, _("The file was removed."))
    return redirect("accounts:request_documents", use_request.code)


@never_cache
@require_GET
def document_file(
    request: HttpRequest, code: uuid.UUID, file_code: uuid.UUID
) -> FileResponse:
    """One of the request's files, to the visitor who may edit the request
    (its proven requester, or reception at the counter).  Always an
    attachment, never rendered by the browser; audited."""
    use_request, actor = editable_request(request, code)
    document = selectors.use_request_document_get(
        use_request=use_request, file_code=file_code
    )
    stored = document.file
    try:
        handle = default_storage.open(stored.name, "rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    audit_record(
        actor=actor,
        action=AuditAction.FILE_DOWNLOAD,
        obj=stored,
        data={"inline": False, "via": "use_request"},
    )
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=stored.original_name,
        content_type=stored.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "no-store, private"
    response["Cross-Origin-Resource-Policy"] = "same-origin"
    response["Content-Security-Policy"] = "sandbox"
    return response


# --- Foreign employees and planned hires ----------------------------------------------------

ROSTER_PREVIEW_ROWS = 100


def _roster_context(use_request: UseRequest) -> dict[str, Any]:
    rows = use_request.roster or []
    return {
        "roster_headers": [roster_csv.header_label(key) for key in roster_csv.HEADERS],
        "roster_keys": list(roster_csv.HEADERS),
        "roster_rows": [
            [row.get(key) for key in roster_csv.HEADERS]
            for row in rows[:ROSTER_PREVIEW_ROWS]
        ],
        "roster_count": len(rows),
        "roster_more": max(0, len(rows) - ROSTER_PREVIEW_ROWS),
        "next_url": _next_url_plain(use_request, "roster"),
    }


@never_cache
@require_http_methods(["GET", "POST"])
def roster(request: HttpRequest, code: uuid.UUID) -> HttpResponse:
    """Import the list from CSV — all or nothing: any error, and every error is
    shown by line and column and nothing is kept."""
    use_request, actor = editable_request(request, code)
    line_errors: list[str] = []
    page_errors: list[dict[str, str]] = []
    status = 200
    if request.method == "POST":
        form = RosterUploadForm(request.POST, request.FILES, use_request=use_request)
        if form.is_valid():
            result = roster_csv.parse_roster_csv(
                form.cleaned_data["csv_file"], statuses=roster_csv.status_names()
            )
            if result.errors:
                form.add_error("csv_file", ROSTER_NOT_IMPORTED)
                line_errors = [
                    str(ROSTER_LINE_ERROR).format(
                        line=e.line, column=e.column or "—", message=e.message
                    )
                    for e in result.errors
                ]
            else:
                try:
                    use_request = services.use_request_update(
                        use_request=use_request,
                        fields={"roster": result.rows},
                        expected_version=form.cleaned_data["version"],
                        actor=actor,
                    )
                except StaleEdit:
                    reloaded = _stale(request, code)
                    if reloaded is None:
                        return _not_editable(request)
                    use_request, actor = reloaded
                    form = RosterUploadForm(use_request=use_request)
                    page_errors, status = stale_errors(), 409
                else:
                    count = len(result.rows)
                    messages.success(
                        request,
                        ngettext(
                            "%(count)d person was imported.",
                            "%(count)d people were imported.",
                            count,
                        )
                        % {"count": count},
                    )
                    return redirect("accounts:request_roster", use_request.code)
    else:
        form = RosterUploadForm(use_request=use_request)
    ctx = base_context(
        use_request,
        "roster",
        form=form,
        page_errors=page_errors,
        has_errors=bool(page_errors),
        line_errors=line_errors,
        **_roster_context(use_request),
    )
    return render(request, "accounts/request/roster.html", ctx, status=status)


@never_cache
@require_GET
def roster_template(request: HttpRequest) -> HttpResponse:
    """The CSV template (headings and an example row); public, no personal data."""
    response = HttpResponse(
        roster_csv.roster_csv_template(), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = (
        'attachment; filename="foreign-employees-template.csv"'
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


urlpatterns: list[URLPattern] = [
    path(
        "request/roster-template.csv", roster_template, name="request_roster_template"
    ),
    path("request/<uuid:code>/", hub, name="request_hub"),
    path("request/<uuid:code>/category/", category, name="request_category"),
    path(
        "request/<uuid:code>/organisation/", organization, name="request_organization"
    ),
    path("request/<uuid:code>/person/", person, name="request_person"),
    path("request/<uuid:code>/appointers/", appointers, name="request_appointers"),
    path(
        "request/<uuid:code>/appointers/remove/",
        appointer_remove,
        name="request_appointer_remove",
    ),
    path(
        "request/<uuid:code>/declarations/", declarations, name="request_declarations"
    ),
    path("request/<uuid:code>/documents/", documents, name="request_documents"),
    path(
        "request/<uuid:code>/documents/remove/",
        document_remove,
        name="request_document_remove",
    ),
    path(
        "request/<uuid:code>/documents/<uuid:file_code>/",
        document_file,
        name="request_document_file",
    ),
    path("request/<uuid:code>/roster/", roster, name="request_roster"),
    path("request/<uuid:code>/office/", office, name="request_office"),
]
