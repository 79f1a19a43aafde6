"""Check your answers, the special period, the fees, the declaration and
submission, and the confirmation with the receipt numbers.  Eligibility
failures are listed, each linking to the page and field to change
(``draft_pages.rule_links``)."""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, URLPattern, path, reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from accounts.http import AuthenticatedHttpRequest
from applications import (
    check_answers,
    draft_form,
    eligibility,
    rules,
    selectors,
    services,
)
from applications.errors import NotDraft, NotEligible
from applications.forms import SubmitForm
from applications.models import Application
from applications.presenters import draft_slots
from applications.views.draft_pages import (
    audit_draft_view,
    draft_for,
    error_items,
    failures,
    page_context,
    rule_links,
    submitted_redirect,
)
from applications.workflow import Status
from portal.lib.errors import StaleEdit


def _check_context(
    request: AuthenticatedHttpRequest,
    application: Application,
    found: list[eligibility.Failure],
    extra_errors: list[dict[str, str]],
    form: SubmitForm,
) -> dict[str, Any]:
    companions = list(
        application.companions.select_related("application_type").order_by("pk")
    )
    documents = selectors.application_documents(application=application)
    slots = draft_slots(application)
    person = application.foreign_national
    # The special period is promised only while the application can still
    # be filed (not after the period of stay ended, nor on its last day).
    special = None
    if person.period_expiry and timezone.localdate() < person.period_expiry:
        special = eligibility.special_period_end(
            application_type=application.application_type.code,
            expiry=person.period_expiry,
            current_period=person.current_period or None,
        )
    page_errors = extra_errors + rule_links(application, found)
    language = request.LANGUAGE_CODE or "ja"
    sections = check_answers.check_sections(
        application, companions, documents, slots, language=language
    )
    edition, answers, states = draft_form.form_status(application, filer=request.user)
    if edition is not None:
        sections[2:2] = check_answers.form_sections(
            application, edition, answers, states, language=language, person=person
        )
    office, _problem = selectors.receiving_office_for(application)
    return page_context(
        application,
        "check",
        form=form,
        page_errors=page_errors,
        has_errors=bool(page_errors or form.errors),
        failures=found,
        sections=sections,
        office=office,
        same_card=selectors.same_card_people(person),
        fees=check_answers.fees(application, companions),
        special_period_end=special,
        expiry=person.period_expiry,
        can_write=rules.may_edit_draft(request.user, application),
    )


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def draft_check(request: AuthenticatedHttpRequest, code: uuid.UUID) -> HttpResponse:
    """Check your answers, the special period, the fees, the declaration
    and submission.  Eligibility failures are listed, each linking to the
    page and field to change.  A second submit (double click, re-posted form)
    lands on the same confirmation and creates nothing."""
    write = request.method == "POST"
    try:
        application = draft_for(request, code, write=write)
    except NotDraft:
        if write:
            # The first POST of a double submit won: same confirmation.
            return redirect("applications:submitted", code)
        return submitted_redirect(request, code)
    status = 200
    extra_errors: list[dict[str, str]] = []
    if write:
        form = SubmitForm(request.POST, application=application)
        if form.is_valid():
            try:
                submitted = services.application_submit(
                    application=application,
                    actor=request.user,
                    expected_version=form.cleaned_data["version"],
                )
            except NotEligible as exc:
                return render(
                    request,
                    "applications/filing/check.html",
                    _check_context(request, application, exc.failures, [], form),
                )
            except StaleEdit as exc:
                application = draft_for(request, code, write=False)
                form = SubmitForm(application=application)
                extra_errors, status = error_items(exc), 409
            else:
                return redirect("applications:submitted", submitted.code)
        found = failures(request, application)
    else:
        form = SubmitForm(application=application)
        found = failures(request, application)
        audit_draft_view(request, application, "check")
    return render(
        request,
        "applications/filing/check.html",
        _check_context(request, application, found, extra_errors, form),
        status=status,
    )


@login_required
@never_cache
@require_GET
def submitted(request: AuthenticatedHttpRequest, code: uuid.UUID) -> HttpResponse:
    """The confirmation: the receipt number at once."""
    application = selectors.application_get_for_user(user=request.user, code=code)
    if application.status == Status.DRAFT:
        return redirect("applications:draft", application.code)
    try:
        case_url = reverse("applications:case", args=[application.code])
    except NoReverseMatch:
        case_url = ""
    return render(
        request,
        "applications/filing/submitted.html",
        {
            "application": application,
            "companions": list(
                application.companions.select_related("application_type").order_by("pk")
            ),
            "case_url": case_url,
            "person": application.foreign_national,
        },
    )


urlpatterns: list[URLPattern] = [
    path("drafts/<uuid:code>/check/", draft_check, name="draft_check"),
    path("submitted/<uuid:code>/", submitted, name="submitted"),
]
