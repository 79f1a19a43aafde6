"""The pages of the 申請書, one per section of the draft's form edition.

GET shows the section with the draft's answers (pre-filled where nothing
was saved); the items the filing flow's person page answers (name, date of
birth, passport, card …) are shown from the person's record as summary rows
with a link to change them there, not asked again.  POST runs ``engine.clean`` on the section: valid answers are
saved (``services.application_form_save``) and the next page follows; with a
problem nothing is saved and the page shows what was typed with each message
at its field and in the error summary.  "Add another" and "Remove" on a
repeated group post the page and show it again with one row more or less,
saving nothing — no JavaScript needed.
"""

from __future__ import annotations

import uuid

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from accounts.http import AuthenticatedHttpRequest
from applications import draft_form, services
from applications.errors import NotDraft
from applications.forms.filing import DraftForm as VersionForm
from applications.presenters import section_url
from applications.views.draft_pages import (
    draft_for,
    error_items,
    next_url,
    page_context,
    submitted_redirect,
)
from portal.lib.errors import StaleEdit


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def draft_form_section(
    request: AuthenticatedHttpRequest, code: uuid.UUID, section: str
) -> HttpResponse:
    write = request.method == "POST"
    try:
        application = draft_for(request, code, write=write)
    except NotDraft:
        return submitted_redirect(request, code)
    edition = draft_form.draft_edition(application)
    if edition is None or section not in {s.key for s in edition.sections}:
        raise Http404
    language = request.LANGUAGE_CODE or "ja"
    answers = draft_form.draft_answers(application, edition, filer=request.user)
    # Items the person page answers: shown from the record, never asked again.
    held = draft_form.record_answers(edition, application.foreign_national)
    problems = []
    page_errors: list[dict[str, str]] = []
    status = 200
    version_form = VersionForm(application=application)
    if write:
        version_form = VersionForm(request.POST, application=application)
        if not version_form.is_valid():
            raise Http404
        posted = draft_form.posted_section(edition, section, request.POST, held=held)
        answers = {**answers, **posted}
        if not draft_form.rows_changed(edition, section, answers, request.POST):
            result = draft_form.clean_section(edition, answers, section)
            if result.ok:
                try:
                    services.application_form_save(
                        application=application,
                        expected_version=version_form.cleaned_data["version"],
                        actor=request.user,
                        edition=edition,
                        section=section,
                        answers=draft_form.to_store(
                            edition, section, posted, result.answers, held=held
                        ),
                    )
                except StaleEdit as exc:
                    application = draft_for(request, code, write=False)
                    answers = draft_form.draft_answers(
                        application, edition, filer=request.user
                    )
                    version_form = VersionForm(application=application)
                    page_errors, status = error_items(exc), 409
                except NotDraft:
                    return submitted_redirect(request, code)
                else:
                    return redirect(
                        next_url(request, application, draft_form.page_key(section))
                    )
            else:
                problems = result.problems
    fields, summary = draft_form.page_fields(
        edition, section, answers, problems=problems, language=language, held=held
    )
    record_rows = draft_form.record_rows(
        edition, section, held, problems=problems, language=language
    )
    current = edition.section(section)
    errors = page_errors + summary
    return render(
        request,
        "applications/filing/form_section.html",
        page_context(
            application,
            draft_form.page_key(section),
            came_from=request.GET.get("from", ""),
            section_title=current.title(language),
            edition=edition,
            fields=fields,
            record_rows=record_rows,
            person_url=section_url(application, "person")
            + f"?from={draft_form.page_key(section)}",
            has_groups=any(isinstance(f, draft_form.Group) for f in fields),
            form=version_form,
            page_errors=errors,
            has_errors=bool(errors),
            from_check=request.GET.get("from") == "check",
            part_organisation=current.part.value == "organisation",
        ),
        status=status,
    )


urlpatterns: list[URLPattern] = [
    path(
        "drafts/<uuid:code>/form/<slug:section>/",
        draft_form_section,
        name="draft_form",
    ),
]
