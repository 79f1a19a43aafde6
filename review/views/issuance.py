"""Fee, payment, issuance, dispatch and handover pages.

Office side (clerk of the case's office): the issuance page (also included
in the officer case page as ``review/issuance/_case_panel.html`` with the
context from ``issuance_panel_context``), recording stamps, the current
card's arrival, issuing and dispatching.  Every case is resolved through
``case_get_for_officer`` first (another office: 404; not a clerk: 403), then
a recent re-authentication is required for every change (allauth resumes
the POST after it).

Organisation side: the fee page (``review:payment``: amount, how to pay,
what to send, the certificates to download, the handover), the sandbox
provider's page and its callback, and the handover.  Cases are resolved
through ``application_get_for_user`` (another organisation: 404; read-only
account: 403 on changes).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from allauth.account.decorators import reauthentication_required

from accounts.models import OfficerRole
from accounts.permissions import can_file
from applications.models import Application
from applications.selectors import application_get_for_user
from applications.workflow import Status
from portal.audit.services import audit_record
from review import messages_issuance as msg
from review import payments
from review.forms_issuance import (
    DeclarationForm,
    DispatchForm,
    HandoverForm,
    SandboxCardForm,
    StampsForm,
)
from review.models import Certificate, Decision, Dispatch, Payment, ResidenceCard
from review.permissions import has_role
from review.selectors import case_get_for_officer
from review.services import issuance as svc

View = Callable[..., HttpResponse]
Role = OfficerRole.Role

AFTER_GRANT = (
    Status.GRANTED,
    Status.FEE_PAID,
    Status.ISSUED,
    Status.DISPATCHED,
    Status.COMPLETED,
)
AFTER_DECISION = (*AFTER_GRANT, Status.DENIED)

CLERK_ACTIONS = (
    "can_assess",
    "can_record_stamps",
    "can_record_card",
    "can_issue",
    "can_dispatch",
)

ERRORS: dict[str, Any] = {
    "fee_unknown": msg.FEE_UNKNOWN,
    "fee_not_assessed": msg.FEE_NOT_ASSESSED,
    "not_awaiting_payment": msg.NOT_AWAITING_PAYMENT,
    "already_paid": msg.ALREADY_PAID,
    "card_not_received": msg.CARD_NOT_RECEIVED,
    "no_card_needed": msg.NO_CURRENT_CARD_NEEDED,
    "no_grant": msg.NO_APPROVED_GRANT,
    "tracking_shape": msg.TRACKING_SHAPE,
    "tracking_not_for_method": msg.TRACKING_NOT_FOR_METHOD,
    "email_only_for_certificates": msg.EMAIL_ONLY_FOR_CERTIFICATES,
    "method": msg.METHOD_REQUIRED,
    "declaration_closed": msg.DECLARATION_CLOSED,
    "return_method": msg.RETURN_METHOD_REQUIRED,
    "card_sent_required": msg.CARD_SENT_REQUIRED,
}


def error_text(exc: svc.IssuanceError, application: Application | None = None) -> str:
    if exc.code in ERRORS:
        return str(ERRORS[exc.code])
    status = Status(application.status).label if application is not None else ""
    return str(msg.STALE).format(status=status)


def amount_mismatch_text(exc: svc.AmountMismatch) -> str:
    template = msg.STAMPS_TOO_MUCH if exc.difference > 0 else msg.STAMPS_SHORT
    return str(template).format(
        received=f"{exc.received:,}",
        difference=f"{abs(exc.difference):,}",
        due=f"{exc.due:,}",
    )


# --- What the panel and pages show ------------------------------------------------------------


def issuance_panel_context(
    *,
    application: Application,
    user: Any,
    decisions: Iterable[Decision] | None = None,
    companions: Iterable[Application] | None = None,
    with_fee_items: bool = True,
) -> dict[str, Any]:
    """Context of ``review/issuance/_case_panel.html`` under the key
    ``issuance``: the fee, payment, consignment, card, certificates and
    dispatch of the case, and which clerk actions are open to ``user``.

    Query cost: none before a decision; after it, one query for the payment,
    card and dispatch, one for the certificates, plus — unless the caller
    passes what it already loaded — one for the decisions and one for the
    companions.  ``with_fee_items`` adds the fee table lookups (one per
    application) for the breakdown of the fee; the officer case page passes
    False to keep its query budget."""
    status = application.status
    if status not in AFTER_DECISION:
        return {
            "application": application,
            "after_grant": False,
            "is_clerk": False,
            **dict.fromkeys(CLERK_ACTIONS, False),
        }
    if decisions is None:
        decision = svc.approved_decision(application)
    else:
        decision = next(
            (d for d in decisions if d.state == Decision.State.APPROVED), None
        )
    facts = (
        Application.objects.filter(pk=application.pk)
        .select_related("payment", "residence_card__status", "dispatch")
        .get()
    )
    payment: Payment | None = getattr(facts, "payment", None)
    card: ResidenceCard | None = getattr(facts, "residence_card", None)
    dispatch_row: Dispatch | None = getattr(facts, "dispatch", None)
    fee_items: list[svc.FeeItem] = []
    fee_unknown = False
    if status in AFTER_GRANT and with_fee_items:
        try:
            fee_items = svc.fee_items(application)
        except svc.FeeUnknown:
            fee_unknown = True
    elif status == Status.GRANTED and payment is None:
        fee_unknown = True  # the follow-up could not assess it
    certificates = list(
        Certificate.objects.filter(application=application)
        .select_related("file_ja", "file_en")
        .order_by("created_at", "id")
    )
    is_clerk = has_role(user, Role.CLERK, application.office_id)
    needs_card = svc.needs_current_card(application)
    card_received = bool(payment and payment.card_received_at)
    grant = (
        decision if decision and decision.outcome == Decision.Outcome.GRANT else None
    )
    issues_card = grant is not None and svc.issues_card(application, grant)
    preview_expiry = None
    if grant and status == Status.FEE_PAID and issues_card:
        decided_on = (
            timezone.localdate(application.decided_at)
            if application.decided_at
            else timezone.localdate()
        )
        try:
            preview_expiry = svc.card_expiry(
                application=application, decision=grant, decided_on=decided_on
            )
        except ValueError:
            preview_expiry = None
    kinds: list[str] = []
    if grant is not None:
        kinds = svc.certificate_kinds(
            application,
            list(companions)
            if companions is not None
            else svc.companions_of(application),
        )
    return {
        "application": application,
        "decision": decision,
        "grant": grant,
        "payment": payment,
        "fee_items": fee_items,
        "fee_total": sum(i.amount for i in fee_items),
        "fee_unknown": fee_unknown,
        "needs_card": needs_card,
        "issues_card": issues_card,
        "card": card,
        "card_received": card_received,
        "preview_expiry": preview_expiry,
        "dispatch": dispatch_row,
        "certificates": certificates,
        "certificate_kinds": kinds,
        "is_clerk": is_clerk,
        "can_assess": is_clerk and status == Status.GRANTED and payment is None,
        "can_record_stamps": is_clerk
        and status == Status.GRANTED
        and payment is not None
        and payment.state == Payment.State.PENDING,
        "can_record_card": is_clerk
        and needs_card
        and status in (Status.GRANTED, Status.FEE_PAID)
        and payment is not None
        and not card_received,
        "can_issue": is_clerk
        and status == Status.FEE_PAID
        and (card_received or not needs_card),
        "can_dispatch": is_clerk and status == Status.ISSUED,
        "after_grant": status in AFTER_GRANT,
    }


# --- Office side ---------------------------------------------------------------------------------


def _with_case(role: str | None = None) -> Callable[[View], View]:
    """Resolve ``code`` to a case of the officer's office before anything
    else — re-authentication included — so a stranger gets 404, not a
    password prompt."""

    def decorator(view: View) -> View:
        @wraps(view)
        def wrapper(request: HttpRequest, code: uuid.UUID) -> HttpResponse:
            application = case_get_for_officer(user=request.user, code=code, role=role)
            return view(request, application=application)

        return wrapper

    return decorator


def _back(application: Application) -> HttpResponse:
    return redirect("review:issuance", application.code)


@login_required
@require_GET
@_with_case()
def issuance_page(request: HttpRequest, *, application: Application) -> HttpResponse:
    audit_record(
        actor=request.user,
        action="application.view_issuance",
        obj=application,
        organization_code=application.organization.code,
    )
    return render(
        request,
        "review/issuance/page.html",
        {
            "application": application,
            "issuance": issuance_panel_context(
                application=application, user=request.user
            ),
        },
    )


@login_required
@require_POST
@_with_case(Role.CLERK)
@reauthentication_required
def assess_fee(request: HttpRequest, *, application: Application) -> HttpResponse:
    try:
        svc.fee_assess(application=application, actor=request.user)
    except svc.IssuanceError as exc:
        messages.error(request, error_text(exc, application))
    else:
        messages.success(
            request, _("The fee is computed. The applicant has been told what to pay.")
        )
    return _back(application)


@login_required
@require_http_methods(["GET", "POST"])
@_with_case(Role.CLERK)
@reauthentication_required(allow_get=True)
def record_stamps(request: HttpRequest, *, application: Application) -> HttpResponse:
    payment = Payment.objects.filter(application=application).first()
    if (
        payment is None
        or payment.state == Payment.State.PAID
        or application.status != Status.GRANTED
    ):
        messages.info(request, str(msg.NOT_AWAITING_PAYMENT))
        return _back(application)
    form = StampsForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            svc.payment_record_stamps(
                application=application,
                actor=request.user,
                amount=form.cleaned_data["amount"],
            )
        except svc.AmountMismatch as exc:
            form.add_error("amount", amount_mismatch_text(exc))
        except svc.IssuanceError as exc:
            messages.error(request, error_text(exc, application))
            return _back(application)
        else:
            messages.success(
                request,
                _(
                    "The stamps are recorded and the fee is confirmed. The applicant has been told."
                ),
            )
            return _back(application)
    return render(
        request,
        "review/issuance/stamps.html",
        {"application": application, "payment": payment, "form": form},
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
@_with_case(Role.CLERK)
@reauthentication_required
def record_card_received(
    request: HttpRequest, *, application: Application
) -> HttpResponse:
    try:
        svc.card_receipt_record(application=application, actor=request.user)
    except svc.IssuanceError as exc:
        messages.error(request, error_text(exc, application))
    else:
        messages.success(
            request, _("The arrival of the current residence card is recorded.")
        )
    return _back(application)


@login_required
@require_http_methods(["GET", "POST"])
@_with_case(Role.CLERK)
@reauthentication_required(allow_get=True)
def issue(request: HttpRequest, *, application: Application) -> HttpResponse:
    if request.method == "POST":
        try:
            svc.application_issue(application=application, actor=request.user)
        except svc.IssuanceError as exc:
            messages.error(request, error_text(exc, application))
        else:
            messages.success(
                request,
                _(
                    "Issued. The documents are being prepared and the applicant has been told."
                ),
            )
        return _back(application)
    context = issuance_panel_context(application=application, user=request.user)
    if not context["can_issue"]:
        messages.info(request, _("This case cannot be issued now."))
        return _back(application)
    return render(
        request,
        "review/issuance/issue.html",
        {"application": application, "issuance": context},
    )


@login_required
@require_http_methods(["GET", "POST"])
@_with_case(Role.CLERK)
@reauthentication_required(allow_get=True)
def dispatch(request: HttpRequest, *, application: Application) -> HttpResponse:
    if application.status != Status.ISSUED:
        messages.info(request, _("This case cannot be dispatched now."))
        return _back(application)
    methods = tuple(svc.return_methods(application))
    payment = Payment.objects.filter(application=application).first()
    initial = (
        {"method": payment.return_method} if payment and payment.return_method else {}
    )
    form = DispatchForm(
        request.POST if request.method == "POST" else None,
        methods=methods,
        initial=initial,
    )
    if request.method == "POST" and form.is_valid():
        try:
            svc.application_dispatch(
                application=application,
                actor=request.user,
                method=form.cleaned_data["method"],
                tracking_number=form.cleaned_data["tracking_number"],
            )
        except svc.IssuanceError as exc:
            if exc.code in ("tracking_shape", "tracking_not_for_method"):
                form.add_error("tracking_number", error_text(exc, application))
            elif exc.code in ("email_only_for_certificates", "method"):
                form.add_error("method", error_text(exc, application))
            else:
                messages.error(request, error_text(exc, application))
                return _back(application)
        else:
            messages.success(request, _("Dispatched. The applicant has been told."))
            return _back(application)
    return render(
        request,
        "review/issuance/dispatch.html",
        {"application": application, "payment": payment, "form": form},
        status=400 if form.errors else 200,
    )


# --- Organisation side -----------------------------------------------------------------------------


def _user_case(
    request: HttpRequest, code: uuid.UUID, *, for_write: bool = False
) -> Application:
    application = application_get_for_user(
        user=request.user, code=code, for_write=for_write
    )
    if application.status not in AFTER_DECISION:
        raise Http404
    return application


def _user_page_context(
    application: Application, user: Any, **extra: Any
) -> dict[str, Any]:
    issuance = issuance_panel_context(application=application, user=user)
    provider = payments.provider()
    return {
        "application": application,
        "issuance": issuance,
        "provider": provider,
        "can_act": can_file(user),
        **extra,
    }


@login_required
@require_http_methods(["GET", "POST"])
def payment_page(request: HttpRequest, code: uuid.UUID) -> HttpResponse:
    """The user's page for a decided application: the decision notice, the
    fee and how to pay it, what to send (declaration), the documents issued,
    the dispatch and the handover."""
    application = _user_case(request, code, for_write=request.method == "POST")
    payment = Payment.objects.filter(application=application).first()
    open_for_declaration = (
        payment is not None
        and application.status in (Status.GRANTED, Status.FEE_PAID)
        and payment.card_received_at is None
    )
    form = None
    if open_for_declaration and payment is not None:
        form = DeclarationForm(
            request.POST if request.method == "POST" else None,
            methods=svc.return_methods(application),
            needs_card=svc.needs_current_card(application),
            initial={
                "return_method": payment.return_method,
                "current_card_sent": payment.current_card_sent,
            },
        )
    if request.method == "POST":
        if form is None:
            messages.error(request, str(msg.DECLARATION_CLOSED))
            return redirect("review:payment", application.code)
        if form.is_valid():
            try:
                svc.payment_declare(
                    application=application,
                    actor=request.user,
                    return_method=form.cleaned_data["return_method"],
                    current_card_sent=form.cleaned_data.get("current_card_sent", False),
                )
            except svc.IssuanceError as exc:
                messages.error(request, error_text(exc, application))
            else:
                messages.success(
                    request,
                    _("Thank you. The immigration office can see what you sent."),
                )
            return redirect("review:payment", application.code)
    else:
        audit_record(
            actor=request.user,
            action="application.view_issuance",
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
    payment = Payment.objects.filter(application=application).first()
    provider = payments.provider()
    if provider is None:
        messages.error(request, str(msg.PROVIDER_UNAVAILABLE))
        return redirect("review:payment", application.code)
    if (
        payment is None
        or payment.state == Payment.State.PAID
        or application.status != Status.GRANTED
    ):
        messages.info(request, str(msg.NOT_AWAITING_PAYMENT))
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
    payment = Payment.objects.filter(application=application).first()
    if (
        payment is None
        or payment.state == Payment.State.PAID
        or application.status != Status.GRANTED
    ):
        messages.info(request, str(msg.NOT_AWAITING_PAYMENT))
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
        svc.payment_callback_refused_signature(error=result.error)
        return _callback_page(
            request, None, str(msg.CALLBACK_BAD_SIGNATURE), status=400
        )
    try:
        outcome = svc.payment_confirm_callback(result=result)
    except svc.AmountMismatch:
        return _callback_page(request, None, str(msg.CALLBACK_AMOUNT), status=400)
    except svc.IssuanceError:
        return _callback_page(request, None, str(msg.CALLBACK_REJECTED), status=400)
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
            messages.info(request, _("Nothing has been sent yet."))
        return redirect("review:payment", application.code)
    form = HandoverForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            svc.application_record_handover(application=application, actor=request.user)
        except svc.IssuanceError as exc:
            messages.error(request, error_text(exc, application))
        else:
            messages.success(
                request, _("The handover is recorded. The application is completed.")
            )
        return redirect("review:payment", application.code)
    return render(
        request,
        "review/issuance/handover.html",
        {
            "application": application,
            "form": form,
            "dispatch": Dispatch.objects.filter(application=application).first(),
        },
        status=400 if form.errors else 200,
    )


urlpatterns: list[URLPattern] = [
    path("office/cases/<uuid:code>/issuance/", issuance_page, name="issuance"),
    path("office/cases/<uuid:code>/issuance/fee/", assess_fee, name="issuance_assess"),
    path(
        "office/cases/<uuid:code>/issuance/stamps/",
        record_stamps,
        name="issuance_stamps",
    ),
    path(
        "office/cases/<uuid:code>/issuance/card-received/",
        record_card_received,
        name="issuance_card_received",
    ),
    path("office/cases/<uuid:code>/issuance/issue/", issue, name="issuance_issue"),
    path(
        "office/cases/<uuid:code>/issuance/dispatch/",
        dispatch,
        name="issuance_dispatch",
    ),
    path("issuance/<uuid:code>/", payment_page, name="payment"),
    path("issuance/<uuid:code>/pay/", payment_start, name="payment_start"),
    path("issuance/<uuid:code>/handover/", handover, name="handover"),
    path("payments/sandbox/<uuid:code>/", sandbox_pay, name="sandbox_pay"),
    path("payments/callback/", payment_callback, name="payment_callback"),
]
