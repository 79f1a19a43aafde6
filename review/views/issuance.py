"""The office side of fee, payment, issuance and dispatch (a clerk of the
case's office): the issuance page (also included in the officer case page
as ``review/issuance/_case_panel.html`` with the context from
``review.presenters.issuance_panel_context``), recording stamps, the current
card's arrival, issuing and dispatching.  The organisation's pages (the fee,
the payment, the handover) are in ``review.views.applicant``.

Every case is resolved through ``case_get_for_officer`` first (another
office: 404; not a clerk: 403), then a recent re-authentication is required
for every change (allauth resumes the POST after it).  Which buttons show is
asked of ``review.rules.issuance_actions`` (through the panel), the rule
the services enforce.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from functools import wraps

from django.contrib import messages as django_messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.models import OfficerRole
from applications.models import Application
from portal.audit.events import AuditAction
from portal.audit.services import audit_record
from portal.lib.errors import message_for, show_error
from portal.lib.reauth import reauthentication_prompt
from review import messages, selectors
from review.errors import AmountMismatch, IssuanceError
from review.forms import DispatchForm, StampsForm
from review.issuance_rules import sending_methods
from review.models import Dispatch, Payment
from review.presenters import issuance_checklist, issuance_panel_context
from review.rules import IssuanceAction, IssuanceFacts, issuance_refusal
from review.selectors import case_get_for_officer
from review.services.issuance import (
    application_dispatch,
    application_issue,
    card_receipt_record,
)
from review.services.payments import fee_assess, payment_record_stamps

View = Callable[..., HttpResponse]
Role = OfficerRole.Role

# The dispatch page's two modes (``?by=``).
BY_COUNTER = "counter"
BY_POST = "post"

# Dispatch errors shown next to the field they are about.
FIELD_OF_ERROR = {
    "tracking_shape": "tracking_number",
    "tracking_not_for_method": "tracking_number",
    "email_only_for_certificates": "method",
    "dispatch_method_required": "method",
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
        action=AuditAction.APPLICATION_VIEW_ISSUANCE,
        obj=application,
        organization_code=application.organization.code,
    )
    issuance = issuance_panel_context(application=application, user=request.user)
    return render(
        request,
        "review/issuance/page.html",
        {
            "application": application,
            "person": application.foreign_national,
            "issuance": issuance,
            "checklist": issuance_checklist(issuance),
        },
    )


@login_required
@require_POST
@_with_case(Role.CLERK)
def assess_fee(request: HttpRequest, *, application: Application) -> HttpResponse:
    if (prompt := reauthentication_prompt(request, _("compute the fee"))) is not None:
        return prompt
    try:
        fee_assess(application=application, actor=request.user)
    except IssuanceError as exc:
        show_error(request, exc)
    else:
        django_messages.success(
            request, _("The fee is computed. The applicant has been told what to pay.")
        )
    return _back(application)


@login_required
@require_http_methods(["GET", "POST"])
@_with_case(Role.CLERK)
def record_stamps(request: HttpRequest, *, application: Application) -> HttpResponse:
    payment = selectors.payment_for(application=application)
    if issuance_refusal(
        request.user,
        IssuanceFacts(application=application, payment=payment),
        IssuanceAction.RECORD_STAMPS,
    ):
        django_messages.info(request, messages.NOT_AWAITING_PAYMENT)
        return _back(application)
    form = StampsForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        if (
            prompt := reauthentication_prompt(request, _("record the revenue stamps"))
        ) is not None:
            return prompt
        try:
            payment_record_stamps(
                application=application,
                actor=request.user,
                amount=form.cleaned_data["amount"],
            )
        except AmountMismatch as exc:
            form.add_error("amount", message_for(exc.stamps_error()))
        except IssuanceError as exc:
            show_error(request, exc)
            return _back(application)
        else:
            django_messages.success(
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
def record_card_received(
    request: HttpRequest, *, application: Application
) -> HttpResponse:
    label = _("record that the current residence card arrived")
    if (prompt := reauthentication_prompt(request, label)) is not None:
        return prompt
    try:
        card_receipt_record(application=application, actor=request.user)
    except IssuanceError as exc:
        show_error(request, exc)
    else:
        django_messages.success(
            request, _("The arrival of the current residence card is recorded.")
        )
    return _back(application)


@login_required
@require_http_methods(["GET", "POST"])
@_with_case(Role.CLERK)
def issue(request: HttpRequest, *, application: Application) -> HttpResponse:
    if request.method == "POST":
        if (
            prompt := reauthentication_prompt(request, _("issue the documents"))
        ) is not None:
            return prompt
        try:
            application_issue(application=application, actor=request.user)
        except IssuanceError as exc:
            show_error(request, exc)
        else:
            django_messages.success(
                request,
                _(
                    "Issued. The documents are being prepared and the applicant has been told."
                ),
            )
        return _back(application)
    context = issuance_panel_context(application=application, user=request.user)
    if not context["can_issue"]:
        django_messages.info(request, _("This case cannot be issued now."))
        return _back(application)
    return render(
        request,
        "review/issuance/issue.html",
        {"application": application, "issuance": context},
    )


def _hands_over_at_counter(request: HttpRequest, payment: Payment | None) -> bool:
    """The dispatch page's mode: handing over at the counter (the
    applicant's choice, or the clerk's ``?by=counter``) or sending by post or
    email (``?by=post``).  Counter handover is not a way of sending, so it is
    never among the sending choices (issue 12 item 6)."""
    chosen = request.POST.get("by") or request.GET.get("by")
    if chosen in (BY_COUNTER, BY_POST):
        return chosen == BY_COUNTER
    return bool(payment and payment.return_method == Dispatch.Method.COUNTER)


@login_required
@require_http_methods(["GET", "POST"])
@_with_case(Role.CLERK)
def dispatch(request: HttpRequest, *, application: Application) -> HttpResponse:
    """Send the card or certificate (by post, or email for a certificate),
    or — when the applicant collects it — record the handover at the
    counter.  The applicant's chosen way is pre-selected."""
    if issuance_refusal(
        request.user, IssuanceFacts(application=application), IssuanceAction.DISPATCH
    ):
        django_messages.info(request, _("This case cannot be dispatched now."))
        return _back(application)
    payment = selectors.payment_for(application=application)
    if _hands_over_at_counter(request, payment):
        return _counter_handover(request, application, payment)
    methods = sending_methods(application)
    initial = (
        {"method": payment.return_method}
        if payment and payment.return_method in methods
        else {}
    )
    form = DispatchForm(
        request.POST if request.method == "POST" else None,
        methods=methods,
        initial=initial,
    )
    if request.method == "POST" and form.is_valid():
        if (
            prompt := reauthentication_prompt(request, _("record the dispatch"))
        ) is not None:
            return prompt
        try:
            application_dispatch(
                application=application,
                actor=request.user,
                method=form.cleaned_data["method"],
                tracking_number=form.cleaned_data["tracking_number"],
            )
        except IssuanceError as exc:
            if exc.code not in FIELD_OF_ERROR:
                show_error(request, exc)
                return _back(application)
            form.add_error(FIELD_OF_ERROR[exc.code], message_for(exc))
        else:
            django_messages.success(
                request, _("Dispatched. The applicant has been told.")
            )
            return _back(application)
    return render(
        request,
        "review/issuance/dispatch.html",
        {
            "application": application,
            "person": application.foreign_national,
            "payment": payment,
            "form": form,
        },
        status=400 if form.errors else 200,
    )


def _counter_handover(
    request: HttpRequest, application: Application, payment: Payment | None
) -> HttpResponse:
    """The handover step: one button that records the handover at the
    counter (``application_dispatch`` with the counter method)."""
    if request.method == "POST":
        label = _("record the handover at the counter")
        if (prompt := reauthentication_prompt(request, label)) is not None:
            return prompt
        try:
            application_dispatch(
                application=application,
                actor=request.user,
                method=Dispatch.Method.COUNTER,
            )
        except IssuanceError as exc:
            show_error(request, exc)
        else:
            django_messages.success(
                request,
                _(
                    "The handover at the counter is recorded. The applicant has been told."
                ),
            )
        return _back(application)
    return render(
        request,
        "review/issuance/counter_handover.html",
        {
            "application": application,
            "person": application.foreign_national,
            "payment": payment,
        },
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
]
