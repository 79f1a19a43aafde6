"""The case page and the examination steps taken from it (notes, requests for
documents, the recommendation, its approval or send-back), and — under
``/applications/<code>/documents-request/`` — the organisation's pages for
answering a request for documents (the applications app cannot import
review, so these live here and are linked from the notification emails and
the dashboard).

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

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from allauth.account.decorators import reauthentication_required

from accounts.permissions import can_file, is_portal_user
from applications.eligibility import OTHER_ACTIVITY, REENTRY, special_period_end
from applications.models import Application, DocumentSlot
from applications.selectors import sent_person, user_organization_ids
from applications.workflow import CLOSED, Status
from portal.audit.services import audit_record
from review import messages_examination as msg
from review import selectors
from review.forms import (
    AnswerForm,
    ApproveForm,
    AssignForm,
    DocumentRequestForm,
    ExtendDueDateForm,
    ItemUploadForm,
    NoteForm,
    RecommendForm,
    SendBackForm,
)
from review.models import Decision, DocumentRequest, DocumentRequestFile
from review.permissions import Role, case_office_ids, has_role, officer_roles_preload
from review.services import examination as services
from review.services.examination import ExaminationError, StaleEdit
from review.views.issuance import issuance_panel_context
from review.views.queue import STATUS_COLOURS, _assignment, _changed

View = Callable[..., HttpResponse]

# What the case page selects with the case itself (one query).
CASE_RELATED = (
    "assignment__examiner",
    "submitted_by",
    "foreign_national__current_status",
    "foreign_national__current_subcategory",
)


def _with_case(
    role: str | None = None, *, related: tuple[str, ...] = ()
) -> Callable[[View], View]:
    """Resolve ``code`` to a case of the officer's offices (404 otherwise) and
    check ``role`` (403) before anything else — re-authentication included."""

    def decorator(view: View) -> View:
        @wraps(view)
        def wrapper(
            request: HttpRequest, code: uuid.UUID, **kwargs: Any
        ) -> HttpResponse:
            request.officer_roles = officer_roles_preload(  # type: ignore[attr-defined]
                request.user, with_examiners=role is None
            )
            application = selectors.case_get_for_officer(
                user=request.user, code=code, role=role, related=related
            )
            return view(request, application=application, **kwargs)

        return wrapper

    return decorator


def _require_assigned(request: HttpRequest, application: Application) -> None:
    """Only the examiner the case is assigned to acts on it (403 otherwise)."""
    assignment = _assignment(application)
    if assignment is None or assignment.examiner_id != request.user.pk:
        raise PermissionDenied(str(msg.CLAIM_FIRST))


def _not_now(request: HttpRequest, application: Application) -> HttpResponse:
    messages.info(
        request, msg.NOT_IN_STATE % {"status": Status(application.status).label}
    )
    return redirect("review:case", application.code)


# --- The case page -------------------------------------------------------------------------


def _documents_by_slot(documents: list[Any]) -> list[dict[str, Any]]:
    groups: dict[int, dict[str, Any]] = {}
    for document in documents:
        group = groups.setdefault(
            document.slot_id, {"slot": document.slot, "files": []}
        )
        group["files"].append(document.file)
    return list(groups.values())


def _deadlines(application: Application, open_request: Any) -> list[dict[str, Any]]:
    person = application.foreign_national
    today = timezone.localdate()
    rows: list[dict[str, Any]] = []
    if person.period_expiry:
        rows.append(
            {
                "label": _("Current period of stay expires"),
                "date": person.period_expiry,
                "days": (person.period_expiry - today).days,
            }
        )
    special = special_period_end(
        application_type=application.application_type.code,
        expiry=person.period_expiry,
        current_period=person.current_period or None,
    )
    if special is not None:
        rows.append(
            {
                "label": _(
                    "Special period ends (the person may stay until the decision or this day)"
                ),
                "date": special,
                "days": (special - today).days,
            }
        )
    if open_request is not None:
        rows.append(
            {
                "label": _("Requested documents due"),
                "date": open_request.due_date,
                "days": (open_request.due_date - today).days,
            }
        )
    return rows


@login_required
@require_GET
@_with_case(related=CASE_RELATED)
def case_detail(request: HttpRequest, *, application: Application) -> HttpResponse:
    user: Any = request.user
    office_id = application.office_id
    companions, earlier = selectors.case_related_applications(application=application)
    documents = selectors.case_documents_with_companions(application=application)
    events, notes = selectors.case_history_and_notes(application=application)
    requests = selectors.document_requests_for_case(application=application)
    decisions = selectors.case_decisions(application=application)
    audit_record(
        actor=user,
        action="application.view",
        obj=application,
        organization_code=application.organization.code,
    )
    assignment = _assignment(application)
    is_examiner = has_role(user, Role.EXAMINER, office_id)
    is_supervisor = has_role(user, Role.SUPERVISOR, office_id)
    assigned_to_me = assignment is not None and assignment.examiner_id == user.pk
    status = application.status
    open_request = next(
        (r.request for r in requests if r.request.state == DocumentRequest.State.OPEN),
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
    examiners = [
        r.user
        for r in request.officer_roles  # type: ignore[attr-defined]
        if r.role == Role.EXAMINER and r.office_id == office_id and r.user.is_active
    ]
    my_offices = case_office_ids(user)
    codes = {c.application_type.code for c in companions}
    context = {
        "application": application,
        "person": sent_person(application=application),
        "issuance": issuance_panel_context(
            application=application,
            user=user,
            decisions=decisions,
            companions=companions,
            with_fee_items=False,
        ),
        "status_colour": STATUS_COLOURS.get(status, "blue"),
        "assignment": assignment,
        "companions": companions,
        "earlier": [
            {
                "application": a,
                "visible": a.office_id in my_offices,
                "colour": STATUS_COLOURS.get(a.status, "blue"),
            }
            for a in earlier
        ],
        "document_groups": _documents_by_slot(documents),
        "events": events,
        "notes": notes,
        "requests": requests,
        "decisions": decisions,
        "active_decision": active,
        "deadlines": _deadlines(application, open_request),
        "open_request": open_request,
        "planned_activity": (application.answers or {}).get("activity", ""),
        "has_reentry": REENTRY in codes,
        "has_other_activity": OTHER_ACTIVITY in codes,
        "note_form": NoteForm(),
        "assign_form": AssignForm(examiners=examiners) if is_supervisor else None,
        "can_claim": is_examiner and assignment is None and status not in CLOSED,
        "can_request_documents": assigned_to_me and status == Status.EXAMINING,
        "can_extend": assigned_to_me and open_request is not None,
        "can_recommend": assigned_to_me and status == Status.EXAMINING,
        "can_review_decision": is_supervisor and status == Status.DECISION_PROPOSED,
        "is_recommender": active is not None and active.proposed_by_id == user.pk,
        "can_assign": is_supervisor and status not in CLOSED,
    }
    return render(request, "review/case/detail.html", context)


@login_required
@require_POST
@_with_case()
def note_add(request: HttpRequest, *, application: Application) -> HttpResponse:
    form = NoteForm(request.POST)
    if form.is_valid():
        try:
            services.internal_note_add(
                application=application,
                actor=request.user,  # type: ignore[arg-type]
                text=form.cleaned_data["text"],
            )
        except ExaminationError as exc:
            messages.error(request, str(exc.message))
        else:
            messages.success(request, _("Your note was added."))
    else:
        messages.error(request, msg.NOTE_REQUIRED)
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
    _require_assigned(request, application)
    if request.method == "GET" and application.status != Status.EXAMINING:
        return _not_now(request, application)
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
            services.document_request_create(
                application=application,
                actor=request.user,  # type: ignore[arg-type]
                items=[
                    services.RequestedItem(text, kind) for text, kind in data["items"]
                ],
                due_date=data["due_date"],
                message=data.get("message") or "",
                expected_status=data["expected_status"],
            )
        except StaleEdit:
            return _changed(request, application)
        except ExaminationError as exc:
            form.add_error(None, str(exc.message))
        else:
            messages.success(
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
    _require_assigned(request, application)
    open_request = selectors.open_document_request(application=application)
    if open_request is None:
        return _not_now(request, application)
    form = ExtendDueDateForm(
        request.POST if request.method == "POST" else None,
        current_due_date=open_request.due_date,
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.document_request_extend(
                document_request=open_request,
                actor=request.user,  # type: ignore[arg-type]
                due_date=form.cleaned_data["due_date"],
                reason=form.cleaned_data["reason"],
            )
        except ExaminationError as exc:
            form.add_error(None, str(exc.message))
        else:
            messages.success(
                request,
                _("The due date is now %(date)s. The applicant has been told.")
                % {"date": form.cleaned_data["due_date"].isoformat()},
            )
            return redirect("review:case", application.code)
    return render(
        request,
        "review/case/extend_due_date.html",
        {"application": application, "form": form, "document_request": open_request},
    )


# --- The decision ---------------------------------------------------------------------------


def _recommend_form(application: Application, data: Any = None) -> RecommendForm:
    codes = services.companion_codes(application)
    initial: dict[str, Any] = {"expected_status": application.status}
    if application.requested_period:
        initial["period"] = application.requested_period
    reentry = application.companions.filter(application_type__code=REENTRY).first()
    if reentry is not None and reentry.reentry_until:
        initial["reentry_until"] = reentry.reentry_until
    return RecommendForm(
        data,
        initial=initial,
        periods=services.allowed_periods(application),
        reentry=REENTRY in codes,
        other_activity=OTHER_ACTIVITY in codes,
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
@reauthentication_required(allow_get=True)
def recommend(request: HttpRequest, *, application: Application) -> HttpResponse:
    _require_assigned(request, application)
    if request.method == "GET" and application.status != Status.EXAMINING:
        return _not_now(request, application)
    form = _recommend_form(
        application, request.POST if request.method == "POST" else None
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.decision_propose(
                application=application,
                actor=request.user,  # type: ignore[arg-type]
                recommendation=services.Recommendation(
                    outcome=data["outcome"],
                    period=data.get("period") or "",
                    reentry_until=data.get("reentry_until"),
                    activity_terms=data.get("activity_terms") or "",
                    denial_reasons=data.get("denial_reasons") or "",
                ),
                expected_status=data["expected_status"],
            )
        except StaleEdit:
            return _changed(request, application)
        except ExaminationError as exc:
            form.add_error(None, str(exc.message))
        else:
            messages.success(
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
            "grant_status": services.grant_status(application),
            "requested_period": application.requested_period,
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
@reauthentication_required(allow_get=True)
def approve(request: HttpRequest, *, application: Application) -> HttpResponse:
    """The supervisor's page: the recommendation, approve (POST here, after
    re-authentication) or send back (POST to ``send_back``)."""
    decision = selectors.active_decision(application=application)
    if request.method == "GET" and (
        application.status != Status.DECISION_PROPOSED or decision is None
    ):
        return _not_now(request, application)
    initial = {"expected_status": application.status}
    form = ApproveForm(
        request.POST if request.method == "POST" else None, initial=initial
    )
    if request.method == "POST" and form.is_valid():
        try:
            approved = services.decision_approve(
                application=application,
                actor=request.user,  # type: ignore[arg-type]
                expected_status=form.cleaned_data["expected_status"],
            )
        except StaleEdit:
            return _changed(request, application)
        except ExaminationError as exc:
            form.add_error(None, str(exc.message))
        else:
            messages.success(
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
        try:
            services.decision_send_back(
                application=application,
                actor=request.user,  # type: ignore[arg-type]
                comment=form.cleaned_data["comment"],
                expected_status=form.cleaned_data["expected_status"],
            )
        except StaleEdit:
            return _changed(request, application)
        except ExaminationError as exc:
            form.add_error(None, str(exc.message))
        else:
            messages.success(
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


# --- The organisation's side: answering a request for documents ----------------------------


def _request_page(
    request: HttpRequest,
    application: Application,
    document_request: DocumentRequest,
    *,
    bound: tuple[int, ItemUploadForm] | None = None,
    status: int = 200,
) -> HttpResponse:
    views = selectors.document_requests_for_case(application=application)
    view = next(v for v in views if v.request.pk == document_request.pk)
    may_write = (
        can_file(request.user) and document_request.state == DocumentRequest.State.OPEN
    )
    items = []
    for item in view.items:
        form = (
            bound[1]
            if bound is not None and bound[0] == item.sort_order
            else ItemUploadForm(number=item.sort_order)
        )
        items.append({"item": item, "form": form})
    today = timezone.localdate()
    return render(
        request,
        "review/case/documents_request.html",
        {
            "application": application,
            "document_request": document_request,
            "items": items,
            "may_write": may_write,
            "overdue": document_request.state == DocumentRequest.State.OPEN
            and document_request.due_date < today,
            "days_left": (document_request.due_date - today).days,
            "has_errors": bound is not None,
            "error_form": bound[1] if bound is not None else None,
        },
        status=status,
    )


@login_required
@require_GET
def documents_request(request: HttpRequest, code: uuid.UUID) -> HttpResponse:
    application, document_request = selectors.document_request_get_for_user(
        user=request.user, code=code
    )
    audit_record(
        actor=request.user,
        action="document_request.view",
        obj=document_request,
        organization_code=application.organization.code,
    )
    return _request_page(request, application, document_request)


def _open_request_for_write(
    request: HttpRequest, code: uuid.UUID
) -> tuple[Application, DocumentRequest] | HttpResponse:
    application, document_request = selectors.document_request_get_for_user(
        user=request.user, code=code, for_write=True
    )
    if document_request.state != DocumentRequest.State.OPEN:
        messages.info(request, msg.REQUEST_NOT_OPEN)
        return redirect("review:documents_request", application.code)
    return application, document_request


@login_required
@require_POST
def documents_request_upload(
    request: HttpRequest, code: uuid.UUID, number: int
) -> HttpResponse:
    found = _open_request_for_write(request, code)
    if isinstance(found, HttpResponse):
        return found
    application, document_request = found
    item = document_request.items.filter(sort_order=number).first()
    if item is None:
        raise Http404
    form = ItemUploadForm(request.POST, request.FILES, number=number)
    if not form.is_valid():
        return _request_page(
            request, application, document_request, bound=(number, form)
        )
    try:
        stored = services.document_request_attach(
            document_request=document_request,
            item=item,
            uploads=form.cleaned_data["upload"],
            actor=request.user,  # type: ignore[arg-type]
        )
    except ExaminationError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(
            request,
            _("%(count)s file(s) added to document %(number)s.")
            % {"count": len(stored), "number": number},
        )
    return redirect(
        reverse("review:documents_request", args=[application.code]) + f"#item-{number}"
    )


@login_required
@require_POST
def documents_request_remove(
    request: HttpRequest, code: uuid.UUID, file_code: uuid.UUID
) -> HttpResponse:
    found = _open_request_for_write(request, code)
    if isinstance(found, HttpResponse):
        return found
    application, document_request = found
    try:
        services.document_request_file_remove(
            document_request=document_request,
            file_code=file_code,
            actor=request.user,  # type: ignore[arg-type]
        )
    except DocumentRequestFile.DoesNotExist:
        raise Http404 from None
    except ExaminationError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(request, _("The file was removed."))
    return redirect("review:documents_request", application.code)


@login_required
@require_http_methods(["GET", "POST"])
def documents_request_send(request: HttpRequest, code: uuid.UUID) -> HttpResponse:
    """Check what will be sent (items without files are pointed out) and send
    the answer, once."""
    found = _open_request_for_write(request, code)
    if isinstance(found, HttpResponse):
        return found
    application, document_request = found
    views = selectors.document_requests_for_case(application=application)
    view = next(v for v in views if v.request.pk == document_request.pk)
    unanswered = [item for item in view.items if not item.files_sent]
    form = AnswerForm(
        request.POST if request.method == "POST" else None, unanswered=len(unanswered)
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.document_request_answer(
                document_request=document_request,
                actor=request.user,  # type: ignore[arg-type]
            )
        except StaleEdit:
            application.refresh_from_db(fields=["status"])
            messages.error(
                request,
                msg.CHANGED_BY_SOMEONE_ELSE
                % {"status": Status(application.status).label},
            )
            return redirect("applications:case", application.code)
        messages.success(
            request,
            _(
                "Your answer was sent to the immigration office. The examination continues."
            ),
        )
        return redirect("applications:case", application.code)
    return render(
        request,
        "review/case/documents_request_send.html",
        {
            "application": application,
            "document_request": document_request,
            "view": view,
            "unanswered": unanswered,
            "form": form,
        },
    )


# --- Dashboard panels ------------------------------------------------------------------------


def organization_panel(request: HttpRequest) -> tuple[str, dict[str, Any]] | None:
    """Portal users: the open requests for documents of their organisations."""
    if not is_portal_user(request.user):
        return None
    if not user_organization_ids(user=request.user):
        return None
    requests = selectors.open_document_requests_for_user(user=request.user)
    if not requests:
        return None
    today = timezone.localdate()
    return (
        "review/case/_dashboard_requests.html",
        {
            "requests": [
                {
                    "request": r,
                    "overdue": r.due_date < today,
                    "days": (r.due_date - today).days,
                }
                for r in requests
            ]
        },
    )


def officer_panel(request: HttpRequest) -> tuple[str, dict[str, Any]] | None:
    """Officers who handle cases: a way into the queue."""
    user: Any = request.user
    if not user.is_authenticated or is_portal_user(user):
        return None
    officer_roles_preload(user)  # one query for every role check below
    offices = case_office_ids(user)
    if not offices:
        return None
    return (
        "review/queue/_dashboard_panel.html",
        {
            "is_examiner": any(has_role(user, Role.EXAMINER, o) for o in offices),
            "is_clerk": any(has_role(user, Role.CLERK, o) for o in offices),
        },
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
    path(
        "applications/<uuid:code>/documents-request/",
        documents_request,
        name="documents_request",
    ),
    path(
        "applications/<uuid:code>/documents-request/items/<int:number>/",
        documents_request_upload,
        name="documents_request_upload",
    ),
    path(
        "applications/<uuid:code>/documents-request/files/<uuid:file_code>/remove/",
        documents_request_remove,
        name="documents_request_remove",
    ),
    path(
        "applications/<uuid:code>/documents-request/send/",
        documents_request_send,
        name="documents_request_send",
    ),
]
