"""The pages of a draft: the drafts list, the task list, one page per topic
(saved at every step), the documents, and deleting a draft.

Access: every draft URL goes through ``selectors.application_get_for_user``
(404 for anyone outside the application's organisations; 403 on writes for
suspended or expired users, who keep read access).  Drafts belong to the
organisation: a colleague or an appointed attorney continues one.  Every page
carries the draft's version; a save made on a page loaded before someone
else's change is refused (409) and the page shows the newer answers.  The
buttons shown follow ``applications.rules``, as the services do.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.forms import RadioSelect
from django.http import Http404, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.http import AuthenticatedHttpRequest
from accounts.permissions import can_file
from accounts.selectors import organizations_today
from applications import draft_form, eligibility, rules, selectors, services
from applications.check_answers import person_summary_rows
from applications.errors import DuplicatePerson, NotDraft
from applications.forms import (
    ApplicationStepForm,
    Catalogue,
    ClientFilterForm,
    CompanionsForm,
    DeleteDraftForm,
    DocumentUploadForm,
    PersonStepForm,
    RemoveFileForm,
)
from applications.messages import MISSING_DOCUMENT
from applications.models import Application
from applications.presenters import (
    draft_sections,
    draft_slots,
    name_of,
    section_states,
    section_title,
    section_url,
    slot_name,
)
from applications.views.draft_pages import (
    SECTIONS_WITH_NUMBERS,
    audit_draft_view,
    draft_for,
    error_items,
    next_url,
    page_context,
    page_failures,
    submitted_redirect,
)
from portal.lib.errors import StaleEdit, show_error
from portal.lib.i18n import page_language
from portal.lib.upload_results import (
    add_upload_results,
    slot_anchor,
    split_slot_messages,
)


@login_required
@never_cache
@require_GET
def drafts(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The drafts of the user's organisations, whoever started them; a user
    who serves several can show one client's (``?organization=<code>``)."""
    organizations = organizations_today(user=request.user)
    form = ClientFilterForm(
        request.GET if "organization" in request.GET else None,
        organizations=organizations,
        language=page_language(),
    )
    client = form.chosen()
    drafts_qs = selectors.drafts_for_user(user=request.user)
    if client is not None:
        drafts_qs = drafts_qs.filter(organization_id=client.pk)
    items = list(
        drafts_qs.select_related("foreign_national", "organization", "created_by")[:200]
    )
    return render(
        request,
        "applications/filing/drafts.html",
        {
            "form": form,
            "several_organizations": len(organizations) > 1,
            "client": client,
            "drafts": items,
            "can_write": can_file(request.user),
            "deletable": {
                d.pk for d in items if rules.may_delete_draft(request.user, d)
            },
        },
    )


@login_required
@never_cache
@require_GET
def draft(request: AuthenticatedHttpRequest, code: uuid.UUID) -> HttpResponse:
    """The task list of a draft."""
    try:
        application = draft_for(request, code, write=False)
    except NotDraft:
        return submitted_redirect(request, code)
    slots = draft_slots(application)
    documents = selectors.application_documents(application=application)
    present = {d.slot.code for d in documents}
    missing = any(s.required and s.code not in present for s in slots)
    states = section_states(
        application,
        missing,
        bool(documents),
        draft_form.page_states(application, filer=request.user),
    )
    language = request.LANGUAGE_CODE or "ja"
    sections = [
        {
            "key": key,
            "title": section_title(application, key, language),
            "url": section_url(application, key),
            "state": states[key],
        }
        for key in draft_sections(application)
    ]
    return render(
        request,
        "applications/filing/hub.html",
        {
            **page_context(application, "hub"),
            "sections": sections,
            "completed_count": sum(1 for s in sections if s["state"] == "completed"),
            "section_count": len(sections),
            "companions": list(
                application.companions.select_related("application_type")
            ),
            "check_url": section_url(application, "check"),
            "may_delete": rules.may_delete_draft(request.user, application),
        },
    )


def _step(
    request: AuthenticatedHttpRequest,
    code: uuid.UUID,
    *,
    section: str,
    make_form: Any,
    save: Any,
    template: str,
    context: Any = None,
) -> HttpResponse:
    """GET shows the page (with the eligibility failures of this page when
    reached from check answers); POST validates and saves through a service
    with the version the page was loaded with.  A stale save writes nothing
    and shows the newer answers (409)."""
    write = request.method == "POST"
    try:
        application = draft_for(request, code, write=write)
    except NotDraft:
        return submitted_redirect(request, code)
    if not write and section in SECTIONS_WITH_NUMBERS:
        audit_draft_view(request, application, section)
    page_errors: list[dict[str, str]] = []
    status = 200
    if write:
        form = make_form(application, data=request.POST)
        if form.is_valid():
            try:
                save(application, form)
            except StaleEdit as exc:
                application = draft_for(request, code, write=False)
                form = make_form(application)
                page_errors, status = error_items(exc), 409
            except NotDraft:
                return submitted_redirect(request, code)
            except DuplicatePerson as exc:
                form.add_duplicate_error(exc.existing)
            else:
                return redirect(next_url(request, application, section))
    else:
        failures = page_failures(request, application, section)
        if failures:
            form = _bound_from_failures(make_form, application, failures)
        else:
            form = make_form(application)
    ctx = page_context(
        application,
        section,
        came_from=request.GET.get("from", ""),
        form=form,
        page_errors=page_errors,
        has_errors=bool(page_errors or form.errors),
        from_check=request.GET.get("from") == "check",
        **(context(application) if context else {}),
    )
    return render(request, template, ctx, status=status)


def _bound_from_failures(
    make_form: Any, application: Application, failures: list[eligibility.Failure]
) -> Any:
    unbound = make_form(application)
    data: dict[str, Any] = {}
    for name in unbound.fields:
        value = unbound[name].value()
        if value is not None:
            data[unbound.add_prefix(name)] = value
    form = make_form(application, data=data)
    form.is_valid()
    form.add_rule_errors(failures)
    return form


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def draft_person(request: AuthenticatedHttpRequest, code: uuid.UUID) -> HttpResponse:
    def make_form(application: Application, data: Any = None) -> PersonStepForm:
        return PersonStepForm(data, application=application)

    def save(application: Application, form: PersonStepForm) -> None:
        services.application_update(
            application=application,
            expected_version=form.cleaned_data["version"],
            actor=request.user,
            person=form.values(),
            person_loaded_at=form.loaded_at() or "",
            section="person",
        )

    if request.method == "GET" and not (set(request.GET) & _SHOW_PERSON_FORM):
        summary = _person_summary(request, code)
        if summary is not None:
            return summary
    return _step(
        request,
        code,
        section="person",
        make_form=make_form,
        save=save,
        template="applications/filing/person.html",
    )


def _input_id(bound: Any) -> str:
    """The id a link to a question goes to: its first radio, or the input."""
    if isinstance(bound.field.widget, RadioSelect):
        return f"{bound.auto_id}_0"
    return str(bound.auto_id)


# The person page shows the form, not the summary, when the user came to
# change something: a Change link, check your answers, a rule failure.
_SHOW_PERSON_FORM = frozenset({"change", "from", "rules"})


def _person_summary(
    request: AuthenticatedHttpRequest, code: uuid.UUID
) -> HttpResponse | None:
    """Once the person's section is done (saved on this page, or the record
    was saved by this user just before the draft was started), the page
    shows the details as a summary with a Change link per row and a button
    to the next page; None while the section is still to be answered."""
    try:
        application = draft_for(request, code, write=False)
    except NotDraft:
        return submitted_redirect(request, code)
    if "person" not in (application.answers or {}).get("saved", []):
        return None
    audit_draft_view(request, application, "person")
    form = PersonStepForm(application=application)
    change_url = section_url(application, "person") + "?change=1"
    rows = person_summary_rows(application.foreign_national, language=page_language())
    for row in rows:
        row["href"] = f"{change_url}#{_input_id(form[row.pop('field')])}"
    return render(
        request,
        "applications/filing/person_summary.html",
        page_context(
            application,
            "person",
            rows=rows,
            change_url=change_url,
            next_url=next_url(request, application, "person"),
        ),
    )


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def draft_application(
    request: AuthenticatedHttpRequest, code: uuid.UUID
) -> HttpResponse:
    catalogue = Catalogue.load()

    def make_form(application: Application, data: Any = None) -> ApplicationStepForm:
        return ApplicationStepForm(data, application=application, catalogue=catalogue)

    def save(application: Application, form: ApplicationStepForm) -> None:
        services.application_update(
            application=application,
            expected_version=form.cleaned_data["version"],
            actor=request.user,
            fields=form.changes(),
            section="application",
        )

    def context(application: Application) -> dict[str, Any]:
        person = application.foreign_national
        current = catalogue.status(person.current_status_id)
        return {"current_status_name": name_of(current)}

    return _step(
        request,
        code,
        section="application",
        make_form=make_form,
        save=save,
        template="applications/filing/application.html",
        context=context,
    )


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def draft_companions(
    request: AuthenticatedHttpRequest, code: uuid.UUID
) -> HttpResponse:
    def make_form(application: Application, data: Any = None) -> CompanionsForm:
        if not application.application_type.takes_companions:
            raise Http404
        return CompanionsForm(data, application=application)

    def save(application: Application, form: CompanionsForm) -> None:
        services.application_companions_set(
            application=application,
            wanted=form.wanted(),
            expected_version=form.cleaned_data["version"],
            actor=request.user,
        )

    return _step(
        request,
        code,
        section="companions",
        make_form=make_form,
        save=save,
        template="applications/filing/companions.html",
    )


# --- Documents ------------------------------------------------------------------------------


def _documents_context(
    request: AuthenticatedHttpRequest,
    application: Application,
    bound: DocumentUploadForm | None = None,
    missing_codes: set[str] | None = None,
) -> dict[str, Any]:
    page_messages, slot_messages = split_slot_messages(request)
    action = "?from=check" if request.GET.get("from") == "check" else ""
    documents = selectors.application_documents(application=application)
    slots = draft_slots(application)
    codes = {s.code for s in slots}
    used = sum(d.file.size for d in documents)
    cap = settings.UPLOAD_MAX_TOTAL_BYTES
    english = (request.LANGUAGE_CODE or "") == "en"
    rows = []
    for slot in slots:
        form = (
            bound
            if bound is not None and bound.slot.code == slot.code
            else DocumentUploadForm(application=application, slot=slot)
        )
        rows.append(
            {
                "slot": slot,
                "name": slot.name_en if english and slot.name_en else slot.name_ja,
                "hint": slot.hint_en if english and slot.hint_en else slot.hint_ja,
                "documents": [d for d in documents if d.slot.code == slot.code],
                "form": form,
                "missing": slot.code in (missing_codes or set()),
                "messages": slot_messages.get(slot.code, []),
                # Posting to the slot's own fragment keeps the page where the
                # user was when it comes back with an error.
                "action": f"{action}#slot-{slot.code}",
            }
        )
    return {
        "messages": page_messages,
        "slots": rows,
        "other_documents": [d for d in documents if d.slot.code not in codes],
        "used_bytes": used,
        "cap_bytes": cap,
        "used_percent": round(100 * used / cap) if cap else 0,
        "file_cap_bytes": settings.UPLOAD_MAX_FILE_BYTES,
        "remove_url": reverse(
            "applications:draft_document_remove", args=[application.code]
        ),
        "next_url": next_url(request, application, "documents"),
    }


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def draft_documents(request: AuthenticatedHttpRequest, code: uuid.UUID) -> HttpResponse:
    """Every document slot on one page: the files already uploaded (each with
    remove) and an upload form per slot; a meter shows the application's
    total size against the cap.  Nothing is stored when a file is refused."""
    write = request.method == "POST"
    try:
        application = draft_for(request, code, write=write)
    except NotDraft:
        return submitted_redirect(request, code)
    bound = None
    page_errors: list[dict[str, str]] = []
    status = 200
    missing: set[str] = set()
    if write:
        slot = next(
            (s for s in draft_slots(application) if s.code == request.POST.get("slot")),
            None,
        )
        if slot is None:
            return HttpResponseBadRequest()
        bound = DocumentUploadForm(
            request.POST, request.FILES, application=application, slot=slot
        )
        if bound.is_valid():
            batch = bound.cleaned_data["upload"]
            try:
                added = services.application_documents_add(
                    application=application,
                    slot=slot,
                    uploads=batch.accepted,
                    expected_version=bound.cleaned_data["version"],
                    actor=request.user,
                )
            except StaleEdit as exc:
                application = draft_for(request, code, write=False)
                bound = None
                page_errors, status = error_items(exc), 409
            except NotDraft:
                return submitted_redirect(request, code)
            except ValidationError as exc:
                # Nothing was stored: every file's error is shown.
                bound.add_error("upload", [*exc.error_list, *batch.rejected])
            else:
                add_upload_results(
                    request,
                    slot=slot.code,
                    added=[d.file.original_name for d in added],
                    rejected=batch.rejected,
                    warnings=bound.warnings,
                )
                url = reverse("applications:draft_documents", args=[application.code])
                if request.GET.get("from") == "check":
                    url += "?from=check"
                return redirect(f"{url}#{slot_anchor(slot.code)}")
    else:
        for failure in page_failures(request, application, "documents"):
            page_errors.append({"href": "", "message": str(failure.message)})
        if page_errors:
            slots = draft_slots(application)
            present = {
                d.slot.code
                for d in selectors.application_documents(application=application)
            }
            missing = {s.code for s in slots if s.required and s.code not in present}
            page_errors = [
                {
                    "href": f"#id_{s.code}-upload",
                    "message": str(MISSING_DOCUMENT)
                    % {"document": slot_name(s, request.LANGUAGE_CODE or "")},
                }
                for s in slots
                if s.code in missing
            ] or page_errors
    ctx = page_context(
        application,
        "documents",
        came_from=request.GET.get("from", ""),
        **_documents_context(request, application, bound, missing),
    )
    form_errors = bound.errors if bound is not None else None
    ctx.update(
        form=bound,
        page_errors=page_errors,
        has_errors=bool(page_errors or form_errors),
        from_check=request.GET.get("from") == "check",
        # An upload's error is shown at its slot, where the page comes back.
        summary_in_place=bool(form_errors),
    )
    return render(request, "applications/filing/documents.html", ctx, status=status)


@login_required
@never_cache
@require_POST
def draft_document_remove(
    request: AuthenticatedHttpRequest, code: uuid.UUID
) -> HttpResponse:
    try:
        application = draft_for(request, code, write=True)
    except NotDraft:
        return submitted_redirect(request, code)
    form = RemoveFileForm(request.POST, application=application)
    if not form.is_valid():
        return HttpResponseBadRequest()
    try:
        services.application_document_remove(
            application=application,
            file_code=form.cleaned_data["item"],
            expected_version=form.cleaned_data["version"],
            actor=request.user,
        )
    except StaleEdit as exc:
        show_error(request, exc)
    except NotDraft:
        return submitted_redirect(request, code)
    else:
        messages.success(request, _("The file was removed."))
    return redirect("applications:draft_documents", application.code)


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def draft_delete(request: AuthenticatedHttpRequest, code: uuid.UUID) -> HttpResponse:
    """Delete a draft, after a confirmation page.  Drafts are never deleted
    any other way."""
    write = request.method == "POST"
    try:
        application = draft_for(request, code, write=True)
    except NotDraft:
        return submitted_redirect(request, code)
    status = 200
    page_errors: list[dict[str, str]] = []
    if write:
        form = DeleteDraftForm(request.POST, application=application)
        if not form.is_valid():
            return HttpResponseBadRequest()
        try:
            services.application_draft_delete(
                application=application,
                expected_version=form.cleaned_data["version"],
                actor=request.user,
            )
        except StaleEdit as exc:
            application = draft_for(request, code, write=True)
            form = DeleteDraftForm(application=application)
            page_errors, status = error_items(exc), 409
        except NotDraft:
            return submitted_redirect(request, code)
        else:
            messages.success(request, _("The draft was deleted."))
            return redirect("applications:drafts")
    else:
        form = DeleteDraftForm(application=application)
    return render(
        request,
        "applications/filing/delete.html",
        {
            **page_context(application, "delete"),
            "form": form,
            "page_errors": page_errors,
            "has_errors": bool(page_errors),
        },
        status=status,
    )


urlpatterns: list[URLPattern] = [
    path("drafts/", drafts, name="drafts"),
    path("drafts/<uuid:code>/", draft, name="draft"),
    path("drafts/<uuid:code>/person/", draft_person, name="draft_person"),
    path(
        "drafts/<uuid:code>/application/", draft_application, name="draft_application"
    ),
    path("drafts/<uuid:code>/companions/", draft_companions, name="draft_companions"),
    path("drafts/<uuid:code>/documents/", draft_documents, name="draft_documents"),
    path(
        "drafts/<uuid:code>/documents/remove/",
        draft_document_remove,
        name="draft_document_remove",
    ),
    path("drafts/<uuid:code>/delete/", draft_delete, name="draft_delete"),
]
