"""The case page and the examination steps taken from it (notes, requests for
documents, the recommendation, its approval or send-back).  The
organisation's pages (answering a request for documents, the fee and the
handover) are in ``review.views.applicant``.

Which buttons the case page shows, and which step pages open, is asked of
``review.rules.case_actions`` — the rule the services enforce.

Every case URL resolves the case through an office-scoped selector first (a
case of another office is a 404, a role that may see but not act a 403),
before a re-authentication prompt.  Every change is a POST to a service;
the service compares the status the page showed (a hidden field) with the
current one and a mismatch reads "changed by someone else".

Query budget of the case page (QUALITY.md item 24, tested): roles, the case
(with its assignment), companions and earlier applications (one query),
documents, history, notes, requests for documents (one query with items and
files), decisions, and the audit record of the view.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages as django_messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.permissions import is_portal_user
from applications.eligibility import OTHER_ACTIVITY, REENTRY
from applications.models import Application, DocumentSlot
from applications.selectors import sent_person
from portal.audit.events import AuditAction
from portal.audit.services import audit_recorded_with
from portal.lib.blank_fields import blank_field
from portal.lib.errors import message_for, show_error
from portal.lib.i18n import page_language
from portal.lib.jinja import render_fragment
from portal.lib.reauth import reauthentication_prompt
from review import case_page, messages, selectors
from review.errors import ExaminationError
from review.forms import (
    ApproveForm,
    AssignForm,
    DocumentRequestForm,
    ExtendDueDateForm,
    NoteForm,
    RecommendForm,
    SendBackForm,
)
from review.models import Decision, DocumentRequest
from review.permissions import Role, case_office_ids, has_role, officer_roles_preload
from review.presenters import (
    case_flags,
    deadlines,
    examined_form,
    issuance_panel_context,
    officer_trays,
)
from review.rules import CaseAction, CaseFacts, case_actions, case_refusal
from review.services.examination import (
    Recommendation,
    RequestedItem,
    StaleEdit,
    allowed_periods,
    companion_codes,
    decision_approve,
    decision_propose,
    decision_send_back,
    document_request_create,
    document_request_extend,
    grant_status,
    grants_period,
    internal_note_add,
)
from review.views.common import changed, not_now

View = Callable[..., HttpResponse]


def _with_case(
    role: str | None = None,
    *,
    related: tuple[str, ...] = (),
    case_page: bool = False,
) -> Callable[[View], View]:
    """Resolve ``code`` to a case of the officer's offices (404 otherwise) and
    check ``role`` (403) before anything else — re-authentication included.
    ``case_page``: the case page's reads (``case_page_get_for_officer``), the
    user's roles read with the examiners of the offices they supervise
    (``request.case_examiners``)."""

    def decorator(view: View) -> View:
        @wraps(view)
        def wrapper(
            request: HttpRequest, code: uuid.UUID, **kwargs: Any
        ) -> HttpResponse:
            if case_page:
                request.case_examiners = selectors.officer_roles_with_examiners(  # type: ignore[attr-defined]
                    user=request.user
                )
                application = selectors.case_page_get_for_officer(
                    user=request.user, code=code
                )
            else:
                application = selectors.case_get_for_officer(
                    user=request.user, code=code, role=role, related=related
                )
            return view(request, application=application, **kwargs)

        return wrapper

    return decorator


def _guard(
    request: HttpRequest, action: CaseAction, facts: CaseFacts
) -> HttpResponse | None:
    """Ask the rule before a step page: the wrong person gets 403; the wrong
    moment, on a GET, goes back to the case page ("not at this stage").  A
    POST goes on to the service, which tells a stale page apart."""
    refusal = case_refusal(request.user, facts, action)
    if isinstance(refusal, PermissionDenied):
        raise refusal
    if refusal is not None and request.method == "GET":
        return not_now(request, facts.application)
    return None


def _facts(application: Application, **facts: Any) -> CaseFacts:
    return CaseFacts(
        application=application,
        assignment=selectors.assignment_of(application),
        **facts,
    )


# --- The case page -------------------------------------------------------------------------


@login_required
@require_GET
@_with_case(case_page=True)
def case_detail(request: HttpRequest, *, application: Application) -> HttpResponse:
    user: Any = request.user
    office_id = application.office_id
    # The page's reads and its audit record of the view: one round trip.
    with audit_recorded_with(
        selectors.case_page_reads(application=application),
        actor=user,
        action=AuditAction.APPLICATION_VIEW,
        obj=application,
        organization_code=application.organization.code,
    ):
        companions, earlier = selectors.case_related_applications(
            application=application
        )
        documents = selectors.case_documents_with_companions(application=application)
        events, notes = selectors.case_history_and_notes(application=application)
        requests = selectors.case_document_requests(application=application)
        decisions = selectors.case_decisions(application=application)
    assignment = selectors.assignment_of(application)
    is_supervisor = has_role(user, Role.SUPERVISOR, office_id)
    open_request = next(
        (
            DocumentRequest(pk=r.pk, state=r.state, due_date=r.due_date)
            for r in requests
            if r.state == DocumentRequest.State.OPEN
        ),
        None,
    )
    active = next(
        (
            d
            for d in decisions
            if d.state in (Decision.State.PROPOSED, Decision.State.APPROVED)
        ),
        None,
    )
    actions = case_actions(
        user,
        CaseFacts(
            application=application,
            assignment=assignment,
            open_request=open_request,
            active_decision=active,
        ),
    )
    person = sent_person(application=application)
    form = examined_form(application, page_language())
    issuance = issuance_panel_context(
        application=application,
        user=user,
        decisions=decisions,
        companions=companions,
        with_fee_items=False,
    )
    head = case_page.head(
        application=application,
        person=person,
        assignment=assignment,
        deadlines=deadlines(application, open_request),
        active_decision=active,
        form=form,
    )
    return render(
        request,
        "review/case/detail.html",
        {
            "application": application,
            "head": head,
            "examination": render_fragment(
                "review/case_examination.html", head, request
            ),
            "sections": render_fragment(
                "review/case_sections.html",
                case_page.sections(
                    application=application,
                    person=person,
                    form=form,
                    companions=companions,
                    documents=documents,
                    requests=requests,
                    decisions=decisions,
                ),
                request,
            ),
            "notes": render_fragment(
                "review/case_notes.html", case_page.notes(notes), request
            ),
            "history": render_fragment(
                "review/case_history.html",
                case_page.history(
                    events=events,
                    earlier=earlier,
                    visible_offices=case_office_ids(user),
                ),
                request,
            ),
            "form": form,  # the examined 申請書 (the fragments print it)
            "issuance": issuance,
            "assignment": assignment,
            # Always empty here (a note with errors comes back as a message).
            "note_field": blank_field(NoteForm, "text"),
            "assign_form": AssignForm(
                examiners=[
                    examiner
                    for examiner in request.case_examiners  # type: ignore[attr-defined]
                    if examiner.examiner_office_id == office_id
                ]
            )
            if is_supervisor
            else None,
            **case_flags(actions),
            "is_recommender": active is not None and active.proposed_by_id == user.pk,
        },
    )


@login_required
@require_POST
@_with_case()
def note_add(request: HttpRequest, *, application: Application) -> HttpResponse:
    form = NoteForm(request.POST)
    if form.is_valid():
        try:
            internal_note_add(
                application=application,
                actor=request.user,  # type: ignore[arg-type]
                text=form.cleaned_data["text"],
            )
        except ExaminationError as exc:
            show_error(request, exc)
        else:
            django_messages.success(request, _("Your note was added."))
    else:
        django_messages.error(request, messages.NOTE_REQUIRED)
    return redirect(reverse("review:case", args=[application.code]) + "#notes")


# --- Request for documents --------------------------------------------------------------------


def _document_type_names() -> list[str]:
    """Names of the known document kinds, for the type field's suggestions."""
    names = DocumentSlot.objects.order_by("sort_order", "code").values_list(
        "name_ja", flat=True
    )
    return list(dict.fromkeys(names))


@login_required
@require_http_methods(["GET", "POST"])
@_with_case(Role.EXAMINER, related=("assignment",))
def request_documents(
    request: HttpRequest, *, application: Application
) -> HttpResponse:
    stop = _guard(request, CaseAction.REQUEST_DOCUMENTS, _facts(application))
    if stop is not None:
        return stop
    form = DocumentRequestForm(
        request.POST if request.method == "POST" else None,
        initial={
            "expected_status": application.status,
            "due_date": DocumentRequestForm.default_due_date(),
        },
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            document_request_create(
                application=application,
                actor=request.user,  # type: ignore[arg-type]
                items=[RequestedItem(text, kind) for text, kind in data["items"]],
                due_date=data["due_date"],
                message=data.get("message") or "",
                expected_status=data["expected_status"],
            )
        except StaleEdit:
            return changed(request, application)
        except ExaminationError as exc:
            form.add_error(None, message_for(exc))
        else:
            django_messages.success(
                request,
                _(
                    "The request for documents was sent. The applicant has until %(date)s."
                )
                % {"date": data["due_date"].isoformat()},
            )
            return redirect("review:case", application.code)
    return render(
        request,
        "review/case/request_documents.html",
        {
            "application": application,
            "form": form,
            "document_types": _document_type_names(),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
@_with_case(Role.EXAMINER, related=("assignment",))
def extend_due_date(request: HttpRequest, *, application: Application) -> HttpResponse:
    open_request = selectors.open_document_request(application=application)
    stop = _guard(
        request,
        CaseAction.EXTEND_DUE_DATE,
        _facts(application, open_request=open_request),
    )
    if stop is not None:
        return stop
    if open_request is None:
        return not_now(request, application)
    form = ExtendDueDateForm(
        request.POST if request.method == "POST" else None,
        current_due_date=open_request.due_date,
    )
    if request.method == "POST" and form.is_valid():
        try:
            document_request_extend(
                document_request=open_request,
                actor=request.user,  # type: ignore[arg-type]
                due_date=form.cleaned_data["due_date"],
                reason=form.cleaned_data["reason"],
            )
        except ExaminationError as exc:
            form.add_error(None, message_for(exc))
        else:
            django_messages.success(
                request,
                _("The due date is now %(date)s. The applicant has been told.")
                % {"date": date_format(form.cleaned_data["due_date"], "DATE_FORMAT")},
            )
            return redirect("review:case", application.code)
    return render(
        request,
        "review/case/extend_due_date.html",
        {"application": application, "form": form, "document_request": open_request},
    )


# --- The decision ---------------------------------------------------------------------------


def _recommend_form(application: Application, data: Any = None) -> RecommendForm:
    codes = companion_codes(application)
    initial: dict[str, Any] = {"expected_status": application.status}
    asks_period = grants_period(application)
    if asks_period and application.requested_period:
        initial["period"] = application.requested_period
    reentry = application.companions.filter(application_type__code=REENTRY).first()
    if reentry is not None and reentry.reentry_until:
        initial["reentry_until"] = reentry.reentry_until
    return RecommendForm(
        data,
        initial=initial,
        periods=allowed_periods(application),
        reentry=REENTRY in codes,
        other_activity=OTHER_ACTIVITY in codes,
        asks_period=asks_period,
    )


@login_required
@require_http_methods(["GET", "POST"])
@_with_case(
    Role.EXAMINER,
    related=(
        "assignment",
        "foreign_national__current_status",
        "foreign_national__current_subcategory",
    ),
)
def recommend(request: HttpRequest, *, application: Application) -> HttpResponse:
    stop = _guard(request, CaseAction.RECOMMEND, _facts(application))
    if stop is not None:
        return stop
    form = _recommend_form(
        application, request.POST if request.method == "POST" else None
    )
    if request.method == "POST" and form.is_valid():
        if (
            prompt := reauthentication_prompt(request, _("send your recommendation"))
        ) is not None:
            return prompt
        data = form.cleaned_data
        try:
            decision_propose(
                application=application,
                actor=request.user,  # type: ignore[arg-type]
                recommendation=Recommendation(
                    outcome=data["outcome"],
                    period=data.get("period") or "",
                    reentry_until=data.get("reentry_until"),
                    activity_terms=data.get("activity_terms") or "",
                    denial_reasons=data.get("denial_reasons") or "",
                ),
                expected_status=data["expected_status"],
            )
        except StaleEdit:
            return changed(request, application)
        except ExaminationError as exc:
            form.add_error(None, message_for(exc))
        else:
            django_messages.success(
                request,
                _("Your recommendation was sent to the supervisors for approval."),
            )
            return redirect("review:case", application.code)
    return render(
        request,
        "review/case/recommend.html",
        {
            "application": application,
            "form": form,
            "grant_status": grant_status(application),
            "requested_period": application.requested_period
            if grants_period(application)
            else "",
        },
    )


def _review_context(
    application: Application, decision: Decision | None, **forms: Any
) -> dict[str, Any]:
    return {
        "application": application,
        "decision": decision,
        "companions": list(
            application.companions.select_related("application_type").order_by("id")
        ),
        **forms,
    }


@login_required
@require_http_methods(["GET", "POST"])
@_with_case(Role.SUPERVISOR)
def approve(request: HttpRequest, *, application: Application) -> HttpResponse:
    """The supervisor's page: the recommendation, approve (POST here, after
    re-authentication) or send back (POST to ``send_back``)."""
    decision = selectors.active_decision(application=application)
    stop = _guard(
        request,
        CaseAction.OPEN_DECISION,
        CaseFacts(application=application, active_decision=decision),
    )
    if stop is not None:
        return stop
    initial = {"expected_status": application.status}
    form = ApproveForm(
        request.POST if request.method == "POST" else None, initial=initial
    )
    if request.method == "POST" and form.is_valid():
        if (
            prompt := reauthentication_prompt(request, _("approve the decision"))
        ) is not None:
            return prompt
        try:
            approved = decision_approve(
                application=application,
                actor=request.user,  # type: ignore[arg-type]
                expected_status=form.cleaned_data["expected_status"],
            )
        except StaleEdit:
            return changed(request, application)
        except ExaminationError as exc:
            form.add_error(None, message_for(exc))
        else:
            django_messages.success(
                request,
                _("The grant is approved. The applicant has been told.")
                if approved.outcome == Decision.Outcome.GRANT
                else _("The denial is approved. The applicant has been told."),
            )
            return redirect("review:case", application.code)
    return render(
        request,
        "review/case/approve.html",
        _review_context(
            application,
            decision,
            form=form,
            send_back_form=SendBackForm(initial=initial),
        ),
    )


@login_required
@require_POST
@_with_case(Role.SUPERVISOR)
def send_back(request: HttpRequest, *, application: Application) -> HttpResponse:
    form = SendBackForm(request.POST)
    if form.is_valid():
        # Like approving: a decision on the case needs a fresh
        # re-authentication (review L10).
        if (
            prompt := reauthentication_prompt(
                request, _("send the recommendation back")
            )
        ) is not None:
            return prompt
        try:
            decision_send_back(
                application=application,
                actor=request.user,  # type: ignore[arg-type]
                comment=form.cleaned_data["comment"],
                expected_status=form.cleaned_data["expected_status"],
            )
        except StaleEdit:
            return changed(request, application)
        except ExaminationError as exc:
            form.add_error(None, message_for(exc))
        else:
            django_messages.success(
                request, _("The recommendation was sent back to the examiner.")
            )
            return redirect("review:case", application.code)
    decision = selectors.active_decision(application=application)
    return render(
        request,
        "review/case/approve.html",
        _review_context(
            application,
            decision,
            form=ApproveForm(initial={"expected_status": application.status}),
            send_back_form=form,
            send_back_errors=True,
        ),
    )


# --- Dashboard panel ------------------------------------------------------------------------


def officer_panel(request: HttpRequest) -> tuple[str, dict[str, Any]] | None:
    """Officers who handle cases: their work first, as counts that open the
    queue filtered to those cases (examiner, supervisor, clerk trays)."""
    user: Any = request.user
    if not user.is_authenticated or is_portal_user(user):
        return None
    officer_roles_preload(user)  # one query for every role check below
    if not case_office_ids(user):
        return None
    return (
        "review/queue/_dashboard_panel.html",
        officer_trays(user=user, today=timezone.localdate()),
    )


urlpatterns: list[URLPattern] = [
    path("office/cases/<uuid:code>/", case_detail, name="case"),
    path("office/cases/<uuid:code>/notes/", note_add, name="case_note_add"),
    path(
        "office/cases/<uuid:code>/request-documents/",
        request_documents,
        name="case_request_documents",
    ),
    path(
        "office/cases/<uuid:code>/request-documents/extend/",
        extend_due_date,
        name="case_extend_due_date",
    ),
    path("office/cases/<uuid:code>/recommend/", recommend, name="case_recommend"),
    path("office/cases/<uuid:code>/approve/", approve, name="case_approve"),
    path("office/cases/<uuid:code>/send-back/", send_back, name="case_send_back"),
]
