"""The organisation's side of the review: answering a request for
documents (``/applications/<code>/documents-request/``), the fee page
(``review:payment``: amount, how to pay, what to send, the certificates to
download, the handover), the sandbox provider's page and its callback, and
the handover.  The applications app cannot import review, so these pages
live here and are linked from the notification emails, the dashboard and
the user's case page.

Cases are resolved through ``application_get_for_user`` (another
organisation: 404; read-only account: 403 on changes).  Which forms and
buttons show is asked of ``review.rules`` (through the issuance panel), the
rule the services enforce.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib import messages as django_messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.permissions import can_file, is_portal_user
from applications.models import Application
from applications.selectors import application_get_for_user, user_organization_ids
from applications.views.cases import dashboard_client
from applications.workflow import AFTER_DECISION, Status
from portal.audit.events import AuditAction
from portal.audit.services import audit_record
from portal.lib.errors import show_error
from portal.lib.upload_results import (
    add_upload_results,
    slot_anchor,
    split_slot_messages,
)
from review import messages, payments, selectors
from review.errors import AmountMismatch, ExaminationError, IssuanceError
from review.forms import (
    AnswerForm,
    DeclarationForm,
    HandoverForm,
    ItemUploadForm,
    SandboxCardForm,
)
from review.issuance_rules import needs_current_card, return_methods
from review.models import DocumentRequest, DocumentRequestFile
from review.presenters import issuance_panel_context
from review.rules import (
    IssuanceAction,
    IssuanceFacts,
    issuance_refusal,
    issuance_state_refusal,
)
from review.services.examination import (
    StaleEdit,
    document_request_answer,
    document_request_attach,
    document_request_file_remove,
)
from review.services.issuance import application_record_handover
from review.services.payments import (
    payment_callback_refused_signature,
    payment_confirm_callback,
    payment_declare,
)
from review.views.common import status_error

# --- Answering a request for documents -------------------------------------------------------


def _item_key(number: int) -> str:
    """A requested item's key for its upload results and anchor."""
    return f"item-{number}"


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
    page_messages, item_messages = split_slot_messages(request)
    items = []
    for item in view.items:
        form = (
            bound[1]
            if bound is not None and bound[0] == item.sort_order
            else ItemUploadForm(number=item.sort_order)
        )
        key = _item_key(item.sort_order)
        items.append(
            {
                "item": item,
                "form": form,
                "anchor": slot_anchor(key),
                "messages": item_messages.get(key, []),
            }
        )
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
            "messages": page_messages,
            # An upload's error is shown at its item, where the page comes back.
            "summary_in_place": bound is not None,
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
        action=AuditAction.DOCUMENT_REQUEST_VIEW,
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
        django_messages.info(request, messages.REQUEST_NOT_OPEN)
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
    batch = form.cleaned_data["upload"]
    key = _item_key(number)
    try:
        stored = document_request_attach(
            document_request=document_request,
            item=item,
            uploads=batch.accepted,
            actor=request.user,  # type: ignore[arg-type]
        )
    except ExaminationError as exc:
        show_error(request, exc)
    except ValidationError as exc:
        # Over the application's total size: nothing was stored.
        form.add_error("upload", [*exc.error_list, *batch.rejected])
        return _request_page(
            request, application, document_request, bound=(number, form)
        )
    else:
        django_messages.success(
            request,
            _("%(count)s file(s) added to document %(number)s.")
            % {"count": len(stored), "number": number},
            extra_tags=slot_anchor(key),
        )
        add_upload_results(
            request,
            slot=key,
            added=[],
            rejected=batch.rejected,
            warnings=form.warnings,
        )
    return redirect(
        reverse("review:documents_request", args=[application.code])
        + f"#{slot_anchor(key)}"
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
        document_request_file_remove(
            document_request=document_request,
            file_code=file_code,
            actor=request.user,  # type: ignore[arg-type]
        )
    except DocumentRequestFile.DoesNotExist:
        raise Http404 from None
    except ExaminationError as exc:
        show_error(request, exc)
    else:
        django_messages.success(request, _("The file was removed."))
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
            document_request_answer(
                document_request=document_request,
                actor=request.user,  # type: ignore[arg-type]
            )
        except StaleEdit:
            application.refresh_from_db(fields=["status"])
            show_error(request, status_error("changed_by_someone_else", application))
            return redirect("applications:case", application.code)
        django_messages.success(
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


# --- The fee, the payment and the handover --------------------------------------------------


def _user_case(
    request: HttpRequest, code: uuid.UUID, *, for_write: bool = False
) -> Application:
    application = application_get_for_user(
        user=request.user, code=code, for_write=for_write
    )
    if application.status not in AFTER_DECISION:
        raise Http404
    return application


def _fee_payable(application: Application) -> tuple[Any, bool]:
    """The case's payment, and whether the fee may be paid now (the rule
    the provider's callback applies)."""
    payment = selectors.payment_for(application=application)
    refusal = issuance_state_refusal(
        IssuanceFacts(application=application, payment=payment), IssuanceAction.PAY
    )
    return payment, refusal is None


def _user_page_context(
    application: Application, user: Any, **extra: Any
) -> dict[str, Any]:
    issuance = issuance_panel_context(application=application, user=user)
    provider = payments.provider()
    return {
        "application": application,
        "issuance": issuance,
        "provider": provider,
        **extra,
    }


@login_required
@require_http_methods(["GET", "POST"])
def payment_page(request: HttpRequest, code: uuid.UUID) -> HttpResponse:
    """The user's page for a decided application: the decision notice, the
    fee and how to pay it, what to send (declaration), the documents issued,
    the dispatch and the handover."""
    application = _user_case(request, code, for_write=request.method == "POST")
    payment = selectors.payment_for(application=application)
    # The form is offered exactly when payment_declare would accept it.
    open_for_declaration = (
        issuance_refusal(
            request.user,
            IssuanceFacts(application=application, payment=payment),
            IssuanceAction.DECLARE,
        )
        is None
    )
    form = None
    if open_for_declaration and payment is not None:
        form = DeclarationForm(
            request.POST if request.method == "POST" else None,
            methods=return_methods(application),
            needs_card=needs_current_card(application),
            initial={
                "return_method": payment.return_method,
                "current_card_sent": payment.current_card_sent,
            },
        )
    if request.method == "POST":
        if form is None:
            django_messages.error(request, messages.DECLARATION_CLOSED)
            return redirect("review:payment", application.code)
        if form.is_valid():
            try:
                payment_declare(
                    application=application,
                    actor=request.user,
                    return_method=form.cleaned_data["return_method"],
                    current_card_sent=form.cleaned_data.get("current_card_sent", False),
                )
            except IssuanceError as exc:
                show_error(request, exc)
            else:
                django_messages.success(
                    request,
                    _("Thank you. The immigration office can see what you sent."),
                )
            return redirect("review:payment", application.code)
    else:
        audit_record(
            actor=request.user,
            action=AuditAction.APPLICATION_VIEW_ISSUANCE,
            obj=application,
            organization_code=application.organization.code,
        )
    return render(
        request,
        "review/issuance/payment.html",
        _user_page_context(application, request.user, form=form),
        status=400 if form is not None and form.errors else 200,
    )


@login_required
@require_POST
def payment_start(request: HttpRequest, code: uuid.UUID) -> HttpResponse:
    """Go to the electronic provider's page."""
    application = _user_case(request, code, for_write=True)
    payment, payable = _fee_payable(application)
    provider = payments.provider()
    if provider is None:
        django_messages.error(request, messages.PROVIDER_UNAVAILABLE)
        return redirect("review:payment", application.code)
    if not payable:
        django_messages.info(request, messages.NOT_AWAITING_PAYMENT)
        return redirect("review:payment", application.code)
    url = provider.start(payment)
    return redirect(url) if url else redirect("review:payment", application.code)


@login_required
@require_http_methods(["GET", "POST"])
def sandbox_pay(request: HttpRequest, code: uuid.UUID) -> HttpResponse:
    """The sandbox provider's own page (a stand-in for a provider's site):
    a fake card form; on success, a form that carries the signed callback
    back to the portal."""
    provider = payments.provider()
    if provider is None:
        raise Http404
    application = _user_case(request, code, for_write=True)
    payment, payable = _fee_payable(application)
    if not payable:
        django_messages.info(request, messages.NOT_AWAITING_PAYMENT)
        return redirect("review:payment", application.code)
    form = SandboxCardForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        callback = provider.signed_callback(
            application_code=str(application.code),
            amount=payment.amount_due,
            reference=provider.new_reference(),
        )
        return render(
            request,
            "review/issuance/sandbox_return.html",
            {"application": application, "payment": payment, "callback": callback},
        )
    return render(
        request,
        "review/issuance/sandbox_pay.html",
        {"application": application, "payment": payment, "form": form},
        status=400 if form.errors else 200,
    )


@csrf_exempt  # the provider posts it; the HMAC signature is the authentication
@require_POST
def payment_callback(request: HttpRequest) -> HttpResponse:
    """The provider's signed notification of a payment.

    200: applied, or the same reference again (a no-op).  400: a bad or
    missing signature, a malformed payload, another amount than due, or a
    payment that cannot be applied — each recorded in the audit trail."""
    provider = payments.provider()
    if provider is None:
        raise Http404
    result = provider.verify_callback(request)
    if not result.valid:
        payment_callback_refused_signature(error=result.error)
        return _callback_page(
            request, None, str(messages.CALLBACK_BAD_SIGNATURE), status=400
        )
    try:
        outcome = payment_confirm_callback(result=result)
    except AmountMismatch:
        return _callback_page(request, None, str(messages.CALLBACK_AMOUNT), status=400)
    except IssuanceError:
        return _callback_page(
            request, None, str(messages.CALLBACK_REJECTED), status=400
        )
    return _callback_page(
        request, outcome.application, "", status=200, replay=outcome.replay
    )


def _callback_page(
    request: HttpRequest,
    application: Application | None,
    error: str,
    *,
    status: int,
    replay: bool = False,
) -> HttpResponse:
    return render(
        request,
        "review/issuance/callback_result.html",
        {"application": application, "error": error, "replay": replay},
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def handover(request: HttpRequest, code: uuid.UUID) -> HttpResponse:
    """The organisation's user records that the foreign national has the
    card or certificate; the application is then completed."""
    application = _user_case(request, code, for_write=True)
    if application.status != Status.DISPATCHED:
        if application.status != Status.COMPLETED:
            django_messages.info(request, _("Nothing has been sent yet."))
        return redirect("review:payment", application.code)
    form = HandoverForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            application_record_handover(application=application, actor=request.user)
        except IssuanceError as exc:
            show_error(request, exc)
        else:
            django_messages.success(
                request, _("The handover is recorded. The application is completed.")
            )
        return redirect("review:payment", application.code)
    return render(
        request,
        "review/issuance/handover.html",
        {
            "application": application,
            "form": form,
            "dispatch": selectors.dispatch_for(application=application),
        },
        status=400 if form.errors else 200,
    )


# --- Dashboard panel ------------------------------------------------------------------------


def organization_panel(request: HttpRequest) -> tuple[str, dict[str, Any]] | None:
    """Portal users: the open requests for documents of their organisations
    (of one client when the dashboard's client filter names one)."""
    if not is_portal_user(request.user):
        return None
    if not user_organization_ids(user=request.user):
        return None
    client = dashboard_client(request)
    requests = selectors.open_document_requests_for_user(
        user=request.user, organization_id=client.pk if client else None
    )
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


urlpatterns: list[URLPattern] = [
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
    path("issuance/<uuid:code>/", payment_page, name="payment"),
    path("issuance/<uuid:code>/pay/", payment_start, name="payment_start"),
    path("issuance/<uuid:code>/handover/", handover, name="handover"),
    path("payments/sandbox/<uuid:code>/", sandbox_pay, name="sandbox_pay"),
    path("payments/callback/", payment_callback, name="payment_callback"),
]
