"""Reception officers' work: the queue of requests for use and periodic
reports of their office(s), the review page and its decisions, paper requests
registered at the counter, and the office's users (suspend, reinstate,
revoke, a new set-password link).

Every object is reached through an office-scoped selector (another office's
officer gets 404); every change is a POST to a service; decisions and account
actions need a recent re-authentication (allauth), checked after the object
was found so that a stranger still gets 404, not a password prompt.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts import selectors, services
from accounts.errors import ExistingAccountRefused, PasswordLinkRefused
from accounts.forms.reception import (
    ApproveForm,
    PaperRequestForm,
    QueueFilterForm,
    ReasonForm,
    ReturnForm,
)
from accounts.http import AuthenticatedHttpRequest
from accounts.messages import (
    ACCOUNT_ACTION_NOT_IN_STATUS,
    ACCOUNT_ACTION_NOT_POSSIBLE,
    DECIDED_ELSEWHERE,
    NOT_WAITING_FOR_DECISION,
)
from accounts.models import (
    Office,
    OfficerRole,
    User,
    UseRequest,
)
from accounts.permissions import (
    account_actions,
    account_reaches_other_offices,
    approval_expired,
    is_reception_officer,
    may_reissue_password_link,
    officer_office_ids,
    use_request_decisions,
)
from accounts.presenters import STATUS_COLOURS, use_request_review
from portal.audit.events import AuditAction
from portal.audit.services import audit_record
from portal.lib import once
from portal.lib.errors import IllegalTransition, StaleEdit, show_error
from portal.lib.reauth import reauthentication_prompt

QUEUE_PAGE_SIZE = 50
USERS_PAGE_SIZE = 50

View = Callable[..., HttpResponse]


def _require_reception(request: AuthenticatedHttpRequest) -> None:
    if not is_reception_officer(request.user):
        raise PermissionDenied


def _with_use_request(view: View) -> View:
    """Resolve ``code`` to a request of the officer's office (404 otherwise)
    before anything else — re-authentication included."""

    @wraps(view)
    def wrapper(request: HttpRequest, code: uuid.UUID) -> HttpResponse:
        use_request = selectors.use_request_get_for_visitor(
            user=request.user, proven_email="", code=code, purpose="review"
        )
        return view(request, use_request=use_request)

    return wrapper


def _with_office_user(view: View) -> View:
    @wraps(view)
    def wrapper(request: HttpRequest, code: uuid.UUID) -> HttpResponse:
        subject = selectors.user_get_for_reception(user=request.user, code=code)
        return view(request, subject=subject)

    return wrapper


# --- The queue ----------------------------------------------------------------------


@login_required
@require_GET
def queue(request: AuthenticatedHttpRequest) -> HttpResponse:
    _require_reception(request)
    form = QueueFilterForm(request.GET)
    filters: dict[str, Any] = form.cleaned_data if form.is_valid() else {}
    requests = selectors.use_request_queue(
        user=request.user,
        status=filters.get("status") or None,
        category=filters.get("category"),
        older_than_days=filters.get("age"),
        kind=filters.get("kind") or None,
    ).select_related("organization", "office")
    page = Paginator(requests, QUEUE_PAGE_SIZE).get_page(request.GET.get("page"))
    now = timezone.now()
    rows = [
        {
            "request": use_request,
            "organization": use_request.org_name_ja
            or (use_request.organization.name_ja if use_request.organization else ""),
            "days": (now - use_request.submitted_at).days
            if use_request.submitted_at
            else None,
            "colour": STATUS_COLOURS.get(use_request.status, "blue"),
        }
        for use_request in page.object_list
    ]
    counts = selectors.use_request_status_counts(user=request.user)
    status_counts = [
        {"status": status, "label": UseRequest.Status(status).label, "count": n}
        for status, n in counts.items()
    ]
    offices = officer_office_ids(request.user, OfficerRole.Role.RECEPTION)
    return render(
        request,
        "accounts/reception/queue.html",
        {
            "form": form,
            "page": page,
            "rows": rows,
            "status_counts": status_counts,
            "filtered": any(v not in (None, "") for v in filters.values()),
            "several_offices": len(offices) > 1,
        },
    )


# --- The review page ------------------------------------------------------------------


@login_required
@require_GET
@_with_use_request
def detail(
    request: AuthenticatedHttpRequest, *, use_request: UseRequest
) -> HttpResponse:
    audit_record(
        actor=request.user,
        action=AuditAction.USE_REQUEST_VIEW,
        obj=use_request,
        organization_code=use_request.organization.code
        if use_request.organization
        else None,
    )
    return render(
        request,
        "accounts/reception/detail.html",
        # The same rule the decision services check before acting.
        use_request_review(
            use_request, decisions=use_request_decisions(request.user, use_request)
        ),
    )


DECISIONS = ("approve", "return", "reject")


def _decision_form(action: str, use_request: UseRequest, data: Any = None) -> Any:
    initial = {"version": use_request.version}
    if action == "approve":
        return ApproveForm(data, initial=initial)
    if action == "return":
        return ReturnForm(data, initial=initial, kind=use_request.kind)
    return ReasonForm(data, initial=initial)


def _render_decision(
    request: AuthenticatedHttpRequest,
    use_request: UseRequest,
    action: str,
    form: Any,
    status: int = 200,
) -> HttpResponse:
    return render(
        request,
        f"accounts/reception/decide_{action}.html",
        {"use_request": use_request, "form": form, "action": action},
        status=status,
    )


@login_required
@require_GET
def decide(
    request: AuthenticatedHttpRequest, code: uuid.UUID, action: str
) -> HttpResponse:
    """The form of one decision (approve / return / reject); it posts to the
    action's own URL."""
    use_request = selectors.use_request_get_for_visitor(
        user=request.user, proven_email="", code=code, purpose="review"
    )
    if action not in DECISIONS:
        raise Http404
    if action not in use_request_decisions(request.user, use_request):
        messages.info(request, NOT_WAITING_FOR_DECISION)
        return redirect("accounts:reception_detail", use_request.code)
    return _render_decision(
        request, use_request, action, _decision_form(action, use_request)
    )


def _decided_elsewhere(
    request: AuthenticatedHttpRequest, use_request: UseRequest
) -> HttpResponse:
    messages.error(
        request,
        str(DECIDED_ELSEWHERE)
        % {"status": UseRequest.Status(use_request.status).label},
    )
    return redirect("accounts:reception_detail", use_request.code)


def _decide(
    request: AuthenticatedHttpRequest,
    use_request: UseRequest,
    action: str,
    act: Callable[[Any], UseRequest],
    done: str,
    reauthenticate_to: Any = None,
) -> HttpResponse:
    form = _decision_form(action, use_request, request.POST)
    if not form.is_valid():
        return _render_decision(request, use_request, action, form)
    if reauthenticate_to is not None and (
        prompt := reauthentication_prompt(request, reauthenticate_to)
    ):
        return prompt
    try:
        act(form)
    except (IllegalTransition, StaleEdit):
        use_request.refresh_from_db(fields=["status"])
        return _decided_elsewhere(request, use_request)
    except ExistingAccountRefused as exc:
        show_error(request, exc)
        return redirect("accounts:reception_detail", use_request.code)
    messages.success(request, done)
    return redirect("accounts:reception_detail", use_request.code)


@login_required
@require_POST
@_with_use_request
def approve(
    request: AuthenticatedHttpRequest, *, use_request: UseRequest
) -> HttpResponse:
    user = request.user
    return _decide(
        request,
        use_request,
        "approve",
        lambda form: services.use_request_approve(
            use_request=use_request,
            actor=user,
            expected_version=form.cleaned_data["version"],
        ),
        _(
            "The request is approved. The user ID and a link to set a password are being emailed."
        )
        if use_request.kind == UseRequest.Kind.NEW
        else _(
            "The periodic report is approved. The approval of the organisation's users is extended."
        ),
        reauthenticate_to=_("approve the request"),
    )


@login_required
@require_POST
@_with_use_request
def return_for_correction(
    request: AuthenticatedHttpRequest, *, use_request: UseRequest
) -> HttpResponse:
    user = request.user
    return _decide(
        request,
        use_request,
        "return",
        lambda form: services.use_request_return(
            use_request=use_request,
            actor=user,
            comments=form.comments(),
            expected_version=form.cleaned_data["version"],
        ),
        _(
            "The request is returned for correction. The requester has been told what to correct."
        ),
    )


@login_required
@require_POST
@_with_use_request
def reject(
    request: AuthenticatedHttpRequest, *, use_request: UseRequest
) -> HttpResponse:
    user = request.user
    return _decide(
        request,
        use_request,
        "reject",
        lambda form: services.use_request_reject(
            use_request=use_request,
            actor=user,
            reason=form.cleaned_data["reason"],
            expected_version=form.cleaned_data["version"],
        ),
        _("The request is rejected. The requester has been sent the reasons."),
        reauthenticate_to=_("reject the request"),
    )


# --- Paper requests at the counter ---------------------------------------------------------


def _reception_offices(request: AuthenticatedHttpRequest) -> QuerySet[Office]:
    return Office.objects.filter(
        pk__in=officer_office_ids(request.user, OfficerRole.Role.RECEPTION)
    ).order_by("sort_order", "code")


@login_required
@require_http_methods(["GET", "POST"])
def register_paper(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Start a draft on a requester's behalf from a paper request; the officer
    then fills in the steps in the requester's wizard."""
    _require_reception(request)
    offices = _reception_offices(request)
    form = PaperRequestForm(
        request.POST if request.method == "POST" else None, offices=offices
    )
    if request.method == "POST" and form.is_valid():
        use_request = services.use_request_create(
            email=form.cleaned_data["email"],
            language=form.cleaned_data["language"],
            channel=UseRequest.Channel.COUNTER,
            registered_by=request.user,
            office=form.cleaned_data["office"],
            start_token=once.token_from(request),
        )
        messages.success(
            request,
            _("A draft request is started. Enter the details from the paper request."),
        )
        return redirect(REQUEST_HUB, use_request.code)
    return render(request, "accounts/reception/register_paper.html", {"form": form})


# The requester's wizard (accounts/views/request_wizard.py) shows a draft here; it
# lets reception officers of the office edit counter requests.
REQUEST_HUB = "accounts:request_hub"


# --- Users of the office ---------------------------------------------------------------------


@login_required
@require_GET
def users(request: AuthenticatedHttpRequest) -> HttpResponse:
    _require_reception(request)
    status = request.GET.get("status") or None
    if status not in (None, *User.Status.values):
        status = None
    page = Paginator(
        selectors.users_of_office(user=request.user, status=status), USERS_PAGE_SIZE
    ).get_page(request.GET.get("page"))
    today = timezone.localdate()
    rows = [
        {
            "user": u,
            "colour": STATUS_COLOURS.get(u.status, "blue"),
            "expired": approval_expired(u, today),
        }
        for u in page.object_list
    ]
    return render(
        request,
        "accounts/reception/users.html",
        {
            "page": page,
            "rows": rows,
            "status": status,
            "statuses": User.Status.choices,
        },
    )


@login_required
@require_GET
@_with_office_user
def user_detail(request: AuthenticatedHttpRequest, *, subject: User) -> HttpResponse:
    audit_record(actor=request.user, action=AuditAction.ACCOUNT_VIEW, obj=subject)
    return render(
        request,
        "accounts/reception/user_detail.html",
        {
            "subject": subject,
            "colour": STATUS_COLOURS.get(subject.status, "blue"),
            "expired": approval_expired(subject),
            "organizations": selectors.organizations_of_user(user=subject),
            # The same rules the services check before acting.
            "actions": account_actions(request.user, subject),
            "other_offices": account_reaches_other_offices(request.user, subject),
            "needs_password": may_reissue_password_link(request.user, subject),
        },
    )


ACCOUNT_ACTIONS: dict[str, dict[str, Any]] = {
    "suspend": {
        "service": services.account_suspend,
        "reauthenticate_to": gettext_lazy("suspend the account"),
        "title": gettext_lazy("Suspend this account"),
        "lead": gettext_lazy(
            "A suspended user can still sign in and read their cases but cannot file "
            "or change anything until the account is reinstated."
        ),
        "button": gettext_lazy("Suspend the account"),
        "done": gettext_lazy("The account is suspended. The user has been told why."),
    },
    "reinstate": {
        "service": services.account_reinstate,
        "reauthenticate_to": gettext_lazy("reinstate the account"),
        "title": gettext_lazy("Reinstate this account"),
        "lead": gettext_lazy("The user will be able to file again."),
        "button": gettext_lazy("Reinstate the account"),
        "done": gettext_lazy("The account is reinstated. The user has been told."),
    },
    "revoke": {
        "service": services.account_revoke,
        "reauthenticate_to": gettext_lazy("revoke the account"),
        "title": gettext_lazy("Revoke this account"),
        "lead": gettext_lazy(
            "The user will no longer be able to sign in. This cannot be undone: "
            "to use the portal again they must make a new request for use."
        ),
        "button": gettext_lazy("Revoke the account"),
        "done": gettext_lazy("The account is revoked. The user has been told why."),
    },
}


def _render_account_action(
    request: AuthenticatedHttpRequest, subject: User, action: str, form: ReasonForm
) -> HttpResponse:
    return render(
        request,
        "accounts/reception/user_action.html",
        {"subject": subject, "form": form, "action": action, **ACCOUNT_ACTIONS[action]},
    )


@login_required
@require_GET
def user_decide(
    request: AuthenticatedHttpRequest, code: uuid.UUID, action: str
) -> HttpResponse:
    subject = selectors.user_get_for_reception(user=request.user, code=code)
    if action not in ACCOUNT_ACTIONS:
        raise Http404
    if action not in account_actions(request.user, subject):
        messages.info(request, ACCOUNT_ACTION_NOT_POSSIBLE)
        return redirect("accounts:reception_user_detail", subject.code)
    return _render_account_action(request, subject, action, ReasonForm())


def _account_action(
    request: AuthenticatedHttpRequest, subject: User, action: str
) -> HttpResponse:
    form = ReasonForm(request.POST)
    if not form.is_valid():
        return _render_account_action(request, subject, action, form)
    spec = ACCOUNT_ACTIONS[action]
    if (
        prompt := reauthentication_prompt(request, spec["reauthenticate_to"])
    ) is not None:
        return prompt
    try:
        spec["service"](
            user=subject, actor=request.user, reason=form.cleaned_data["reason"]
        )
    except IllegalTransition:
        subject.refresh_from_db(fields=["status"])
        messages.error(
            request,
            str(ACCOUNT_ACTION_NOT_IN_STATUS)
            % {"status": User.Status(subject.status).label},
        )
        return redirect("accounts:reception_user_detail", subject.code)
    messages.success(request, str(spec["done"]))
    return redirect("accounts:reception_user_detail", subject.code)


@login_required
@require_POST
@_with_office_user
def user_suspend(request: AuthenticatedHttpRequest, *, subject: User) -> HttpResponse:
    return _account_action(request, subject, "suspend")


@login_required
@require_POST
@_with_office_user
def user_reinstate(request: AuthenticatedHttpRequest, *, subject: User) -> HttpResponse:
    return _account_action(request, subject, "reinstate")


@login_required
@require_POST
@_with_office_user
def user_revoke(request: AuthenticatedHttpRequest, *, subject: User) -> HttpResponse:
    return _account_action(request, subject, "revoke")


@login_required
@require_POST
@_with_office_user
def user_send_link(request: AuthenticatedHttpRequest, *, subject: User) -> HttpResponse:
    """A new set-password link, for a user who never set a password (the
    first link expired or was lost)."""
    try:
        services.set_password_link_reissue(user=subject, actor=request.user)
    except PasswordLinkRefused as exc:
        show_error(request, exc)
    else:
        messages.success(
            request, _("A new link to set a password is being emailed to the user.")
        )
    return redirect("accounts:reception_user_detail", subject.code)


# --- Dashboard panel -----------------------------------------------------------------------


def dashboard_panel(request: HttpRequest) -> tuple[str, dict[str, Any]] | None:
    """Reception officers see how many requests and reports wait for them."""
    if not is_reception_officer(request.user):
        return None
    waiting = selectors.use_request_waiting_by_kind(user=request.user)
    return (
        "accounts/reception/_dashboard_panel.html",
        {
            "waiting_requests": waiting[UseRequest.Kind.NEW],
            "waiting_reports": waiting[UseRequest.Kind.PERIODIC],
        },
    )


urlpatterns: list[URLPattern] = [
    path("reception/", queue, name="reception_queue"),
    path("reception/requests/<uuid:code>/", detail, name="reception_detail"),
    path(
        "reception/requests/<uuid:code>/decide/<str:action>/",
        decide,
        name="reception_decide",
    ),
    path("reception/requests/<uuid:code>/approve/", approve, name="reception_approve"),
    path(
        "reception/requests/<uuid:code>/return/",
        return_for_correction,
        name="reception_return",
    ),
    path("reception/requests/<uuid:code>/reject/", reject, name="reception_reject"),
    path("reception/paper/", register_paper, name="reception_register_paper"),
    path("reception/users/", users, name="reception_users"),
    path("reception/users/<uuid:code>/", user_detail, name="reception_user_detail"),
    path(
        "reception/users/<uuid:code>/decide/<str:action>/",
        user_decide,
        name="reception_user_decide",
    ),
    path(
        "reception/users/<uuid:code>/suspend/",
        user_suspend,
        name="reception_user_suspend",
    ),
    path(
        "reception/users/<uuid:code>/reinstate/",
        user_reinstate,
        name="reception_user_reinstate",
    ),
    path(
        "reception/users/<uuid:code>/revoke/", user_revoke, name="reception_user_revoke"
    ),
    path(
        "reception/users/<uuid:code>/send-link/",
        user_send_link,
        name="reception_user_send_link",
    ),
]
