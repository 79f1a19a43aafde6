"""The user's cases after submission: the list (filters, keyset pages), the
case page (timeline, what was sent, special period, downloads), withdrawal
before a decision, the receipt PDFs, and the dashboard panel.

Every case URL starts from ``selectors.application_get_for_user``: 404 for
anyone outside the application's organisations, 403 on withdrawal for users
who may read but not act (suspended, expired).
"""

from __future__ import annotations

import base64
import binascii
import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from accounts.models import User
from accounts.permissions import can_file, is_portal_user
from applications import eligibility, selectors, services
from applications.forms_cases import (
    STATE_DENIED,
    STATE_WITHDRAWN,
    CaseFilterForm,
    WithdrawForm,
)
from applications.models import Application, ApplicationType, StatusEvent
from applications.panels import case_panels
from applications.workflow import (
    BEFORE_DECISION,
    PUBLIC_STAGE,
    Action,
    IllegalTransition,
    Stage,
    Status,
)
from portal.audit.services import audit_record
from portal.lib.i18n import page_language

PAGE_SIZE = 50
DASHBOARD_RECENT = 5
STAGE_ORDER: list[str] = list(Stage.values)

# The statuses behind each state a user can filter by.
STATE_STATUSES: dict[str, set[str]] = {
    stage: {s for s, st in PUBLIC_STAGE.items() if st == stage}
    for stage in Stage.values
}
STATE_STATUSES[Stage.DONE] = {Status.COMPLETED}
STATE_STATUSES[STATE_WITHDRAWN] = {Status.WITHDRAWN}
STATE_STATUSES[STATE_DENIED] = {Status.DENIED}

STATE_COLOURS = {
    Stage.RECEIVED: "blue",
    Stage.EXAMINATION: "blue",
    Stage.DOCUMENTS: "orange",
    Stage.ISSUANCE: "yellow",
    Stage.DONE: "green",
    STATE_WITHDRAWN: "grey",
    STATE_DENIED: "red",
}

REENTRY_VARIANTS = {
    "single": gettext_lazy("Single"),
    "multiple": gettext_lazy("Multiple"),
}
OTHER_ACTIVITY_KINDS = {
    "comprehensive": gettext_lazy("Comprehensive permission"),
    "individual": gettext_lazy("Individual permission"),
}


# --- Helpers -----------------------------------------------------------------------


@dataclass(frozen=True)
class CaseState:
    """How a case's status reads to its filing user."""

    value: str
    label: str
    colour: str


def case_state(status: str) -> CaseState:
    if status == Status.WITHDRAWN:
        value = STATE_WITHDRAWN
        label = str(Status.WITHDRAWN.label)
    elif status == Status.DENIED:
        value = STATE_DENIED
        label = str(Status.DENIED.label)
    else:
        value = PUBLIC_STAGE.get(status, Stage.RECEIVED)
        label = str(Stage(value).label)
    return CaseState(value=value, label=label, colour=STATE_COLOURS[value])


def _local(value: datetime | None) -> datetime | None:
    return timezone.localtime(value) if value is not None else None


def _actor(request: HttpRequest) -> User:
    if not isinstance(request.user, User):
        raise PermissionDenied
    return request.user


def _case_url(application: Application) -> str:
    return reverse("applications:case", args=[application.code])


# --- Keyset cursors ------------------------------------------------------------------
# A cursor names the row a page starts after ("n", next) or before ("p",
# previous) as an opaque token: base64 of "<direction>.<microseconds>.<id>".
# A malformed token is ignored (first page); a forged one only moves within the
# user's own, already scoped, rows.


def encode_cursor(direction: str, application: Application) -> str:
    if application.submitted_at is None:  # drafts are never listed
        raise ValueError("a case without a submission time has no cursor")
    micros = int(application.submitted_at.timestamp() * 1_000_000)
    raw = f"{direction}.{micros}.{application.pk}".encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(token: str) -> tuple[str, tuple[datetime, int]] | None:
    try:
        raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)).decode()
        direction, micros, pk = raw.split(".")
        if direction not in ("n", "p"):
            return None
        at = datetime.fromtimestamp(int(micros) / 1_000_000, tz=UTC)
        return direction, (at, int(pk))
    except (ValueError, UnicodeDecodeError, binascii.Error, OverflowError, OSError):
        return None


def _page_url(request: HttpRequest, cursor: str) -> str:
    params = request.GET.copy()
    params["cursor"] = cursor
    return f"?{params.urlencode()}"


# --- The case list --------------------------------------------------------------------


@login_required
@require_GET
def case_list(request: HttpRequest) -> HttpResponse:
    """The submitted cases of the user's organisations, newest first, 50 a page.

    Queries do not grow with the number of cases: the organisations (which
    also scope the list), the application types, one page of rows (+1 to
    know whether there is a next page) and their companions.  No COUNT, no
    OFFSET."""
    language = page_language()
    organizations = selectors.case_list_organizations(user=request.user)
    types = list(ApplicationType.objects.order_by("sort_order", "number"))
    form = CaseFilterForm(
        request.GET or None,
        organizations=organizations,
        application_types=types,
        language=language,
    )
    filters: dict[str, Any] = {}
    valid = form.is_valid() if form.is_bound else True
    if form.is_bound and valid:
        data = form.cleaned_data
        organization = data.get("organization")
        filters = {
            "organization_id": organization.pk if organization else None,
            "application_type": data.get("type") or None,
            "statuses": STATE_STATUSES.get(data.get("state") or ""),
            "text": data.get("q") or None,
        }
    filtered = any(v for v in filters.values())

    rows: list[Application] = []
    prev_url = next_url = ""
    if valid:
        cases = selectors.cases_for_user(user=request.user, **filters)
        cursor = decode_cursor(request.GET.get("cursor", ""))
        if cursor and cursor[0] == "p":
            rows, more = selectors.cases_keyset_page(
                cases, before=cursor[1], size=PAGE_SIZE
            )
            has_prev, has_next = more, True
        elif cursor:
            rows, more = selectors.cases_keyset_page(
                cases, after=cursor[1], size=PAGE_SIZE
            )
            has_prev, has_next = True, more
        else:
            rows, more = selectors.cases_keyset_page(cases, size=PAGE_SIZE)
            has_prev, has_next = False, more
        if rows and has_prev:
            prev_url = _page_url(request, encode_cursor("p", rows[0]))
        if rows and has_next:
            next_url = _page_url(request, encode_cursor("n", rows[-1]))

    return render(
        request,
        "applications/cases/list.html",
        {
            "form": form,
            "has_errors": not valid,
            "rows": [
                {
                    "application": a,
                    "state": case_state(a.status),
                    "companions": list(a.companions.all()),
                    "submitted_at": _local(a.submitted_at),
                }
                for a in rows
            ],
            "filtered": filtered,
            "several_organizations": len(organizations) > 1,
            "prev_url": prev_url,
            "next_url": next_url,
            "paged": "cursor" in request.GET,
            "may_file": can_file(request.user),
        },
    )


# --- The case page --------------------------------------------------------------------


def timeline(
    application: Application, events: list[StatusEvent]
) -> list[dict[str, Any]]:
    """The five public stages for the template's timeline: each ``done``,
    ``current`` or ``future`` with the time it was (last) reached.  A
    withdrawn or denied case ends in that state instead of "Completed";
    stages it never reached are ``skipped``."""
    reached: dict[str, datetime] = {}
    answered_at: datetime | None = None
    for event in events:
        stage = PUBLIC_STAGE.get(event.to_status)
        if stage is not None:
            reached[stage] = event.at
        if event.action == Action.RESPOND_DOCUMENTS:
            answered_at = event.at
    if Stage.RECEIVED not in reached and application.submitted_at:
        reached[Stage.RECEIVED] = application.submitted_at

    status = application.status
    closed_early = status in (Status.WITHDRAWN, Status.DENIED)
    current = PUBLIC_STAGE.get(status, Stage.RECEIVED)
    current_index = STAGE_ORDER.index(current)
    items = []
    for index, stage in enumerate(STAGE_ORDER):
        item: dict[str, Any] = {
            "stage": stage,
            "title": str(Stage(stage).label),
            "date": _local(reached.get(stage)),
            "text": "",
        }
        if stage == Stage.DONE and closed_early:
            item["title"] = str(Status(status).label)
            item["date"] = _local(application.closed_at or reached.get(stage))
            item["state"] = "current"
            if status == Status.WITHDRAWN and application.withdrawal_reason:
                item["text"] = _("Reason: %(reason)s") % {
                    "reason": application.withdrawal_reason
                }
        elif index == current_index:
            item["state"] = "current"
        elif closed_early:
            item["state"] = "done" if stage in reached else "skipped"
        elif index < current_index:
            item["state"] = "done"
            if stage not in reached:
                item["text"] = _("Not needed") if stage == Stage.DOCUMENTS else ""
        elif stage == Stage.DOCUMENTS and answered_at is not None:
            # Documents were requested and sent; examination goes on, so this
            # step is done although it comes after the current one.
            item["state"] = "done"
            item["text"] = _("Additional documents were sent on %(date)s.") % {
                "date": date_format(timezone.localtime(answered_at), "DATE_FORMAT")
            }
        else:
            item["state"] = "future"
            item["date"] = None
        items.append(item)
    return items


def special_period(application: Application) -> date | None:
    """The last day of the special period the person may stay until (or the
    decision, if earlier) while a change or extension is examined; None when
    it does not apply or the case is no longer before a decision."""
    if application.status not in BEFORE_DECISION:
        return None
    person = selectors.sent_person(application=application)
    expiry = person.period_expiry
    if expiry is None or (application.received_on and application.received_on > expiry):
        return None
    return eligibility.special_period_end(
        application_type=application.application_type.code,
        expiry=expiry,
        current_period=person.current_period or None,
    )


def _document_groups(documents: list[Any]) -> list[dict[str, Any]]:
    groups: list[dict[str, Any]] = []
    for document in documents:
        if not groups or groups[-1]["slot"].pk != document.slot_id:
            groups.append({"slot": document.slot, "documents": []})
        groups[-1]["documents"].append(document)
    return groups


@login_required
@require_GET
def case_detail(request: HttpRequest, code: uuid.UUID) -> HttpResponse:
    """One case: timeline, notices, downloads and what was sent (read-only).
    Viewing is audited.  Queries are constant in the number of companions,
    documents and events (one each)."""
    application = selectors.application_get_for_user(user=request.user, code=code)
    if application.status == Status.DRAFT:
        # Not a case yet: drafts live in the filing flow.
        return redirect("applications:draft", code=application.code)
    companions = selectors.case_companions(application=application)
    documents = selectors.case_documents(application=application)
    events = selectors.case_events(application=application)
    receipts = selectors.case_receipt_languages(application=application)
    audit_record(
        actor=request.user,
        action="application.view",
        obj=application,
        organization_code=application.organization.code,
    )
    may_write = can_file(request.user)
    return render(
        request,
        "applications/cases/detail.html",
        {
            "application": application,
            "person": selectors.sent_person(application=application),
            "panels": case_panels.render(request, application),
            "state": case_state(application.status),
            "timeline": timeline(application, events),
            "companions": [
                {
                    "application": c,
                    "reentry_variant": REENTRY_VARIANTS.get(
                        c.reentry_variant, c.reentry_variant
                    ),
                    "other_activity_kind": OTHER_ACTIVITY_KINDS.get(
                        c.other_activity_kind, c.other_activity_kind
                    ),
                }
                for c in companions
            ],
            "document_groups": _document_groups(documents),
            "receipts": [
                {"language": lang, "label": label, "ready": lang in receipts}
                for lang, label in (("ja", _("Japanese")), ("en", _("English")))
            ],
            "special_period_end": special_period(application),
            "submitted_at": _local(application.submitted_at),
            "closed_at": _local(application.closed_at),
            "may_withdraw": application.status in BEFORE_DECISION and may_write,
            "read_only_before_decision": application.status in BEFORE_DECISION
            and not may_write,
        },
    )


# --- Withdrawal ----------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def case_withdraw(request: HttpRequest, code: uuid.UUID) -> HttpResponse:
    """Confirm with a reason, then withdraw (before a decision only).  The
    organisation and the office's examiners and supervisors are told."""
    application = selectors.application_get_for_user(
        user=request.user, code=code, for_write=True
    )
    case_url = _case_url(application)
    if application.status == Status.DRAFT:
        raise Http404
    if application.status == Status.WITHDRAWN:
        messages.info(request, _("This application has already been withdrawn."))
        return redirect(case_url)
    if application.status not in BEFORE_DECISION:
        messages.error(
            request,
            _("This application can no longer be withdrawn: a decision has been made."),
        )
        return redirect(case_url)
    form = WithdrawForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.application_withdraw(
                application=application,
                actor=_actor(request),
                reason=form.cleaned_data["reason"],
            )
        except IllegalTransition:
            # The office decided (or someone withdrew) since the page was loaded.
            application.refresh_from_db(fields=["status"])
            if application.status == Status.WITHDRAWN:
                messages.info(
                    request, _("This application has already been withdrawn.")
                )
            else:
                messages.error(
                    request,
                    _(
                        "This application can no longer be withdrawn: its status changed "
                        "while you were on the page."
                    ),
                )
            return redirect(case_url)
        messages.success(
            request,
            _(
                "Application %(number)s has been withdrawn. The immigration office has been told."
            )
            % {"number": application.receipt_number},
        )
        return redirect(case_url)
    return render(
        request,
        "applications/cases/withdraw.html",
        {"application": application, "form": form, "cancel_url": case_url},
    )


# --- Receipt PDF ---------------------------------------------------------------------------


@login_required
@require_GET
def case_receipt(request: HttpRequest, code: uuid.UUID, language: str) -> FileResponse:
    """The receipt PDF in ``language`` as an attachment, for the users of the
    application's organisation; 404 for others and while it is not rendered.
    Every download is audited."""
    application = selectors.application_get_for_user(user=request.user, code=code)
    receipt = selectors.application_receipt_get(
        application=application, language=language
    )
    stored = receipt.file
    try:
        handle = default_storage.open(stored.name, "rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    try:
        audit_record(
            actor=request.user,
            action="application.download",
            obj=application,
            organization_code=application.organization.code,
            data={"document": "receipt", "language": language},
        )
    except BaseException:
        handle.close()
        raise
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=stored.original_name,
        content_type="application/pdf",
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "no-store, private"
    response["Cross-Origin-Resource-Policy"] = "same-origin"
    response["Content-Security-Policy"] = "sandbox"
    return response


# --- Dashboard panel ------------------------------------------------------------------------


def dashboard_panel(request: HttpRequest) -> tuple[str, dict[str, Any]] | None:
    """Portal users: their cases by stage and the five latest.  Registered in
    ApplicationsConfig.ready."""
    if not is_portal_user(request.user):
        return None
    counts = selectors.application_status_counts(user=request.user)
    by_state: dict[str, int] = {}
    for status, n in counts.items():
        state = case_state(status).value
        by_state[state] = by_state.get(state, 0) + n
    list_url = reverse("applications:list")
    states = [
        {
            "value": value,
            "label": label,
            "count": by_state.get(value, 0),
            "href": f"{list_url}?{urlencode({'state': value})}",
        }
        for value, label in (
            *Stage.choices,
            (STATE_WITHDRAWN, Status.WITHDRAWN.label),
            (STATE_DENIED, Status.DENIED.label),
        )
        if value in Stage.values or by_state.get(value)
    ]
    recent = []
    if counts:
        recent = [
            {
                "application": a,
                "state": case_state(a.status),
                "companions": list(a.companions.all()),
            }
            for a in selectors.cases_for_user(user=request.user)[:DASHBOARD_RECENT]
        ]
    return (
        "applications/cases/_dashboard_panel.html",
        {
            "states": states,
            "recent": recent,
            "total": sum(counts.values()),
            "list_url": list_url,
        },
    )


urlpatterns: list[URLPattern] = [
    path("", case_list, name="list"),
    path("<uuid:code>/", case_detail, name="case"),
    path("<uuid:code>/withdraw/", case_withdraw, name="withdraw"),
    path("<uuid:code>/receipt-<str:language>.pdf", case_receipt, name="receipt"),
]
