"""The user's cases after submission: the list (filters, keyset pages), the
case page (timeline, what was sent, special period, downloads), withdrawal
before a decision, the receipt PDFs, and the dashboard panel.

Every case URL starts from ``selectors.application_get_for_user``: 404 for
anyone outside the application's organisations, 403 on withdrawal for users
who may read but not act (suspended, expired).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.files.storage import default_storage
from django.db.models import Count
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from accounts.http import AuthenticatedHttpRequest
from accounts.models import Organization
from accounts.permissions import can_file, is_portal_user
from accounts.selectors import organizations_today
from applications import rules, selectors, services
from applications.forms import CaseFilterForm, ClientFilterForm, WithdrawForm
from applications.forms.fields import localized_name
from applications.messages import (
    ALREADY_WITHDRAWN,
    NOT_WITHDRAWABLE,
    WITHDRAWAL_RACED,
)
from applications.models import Application, GeneratedDocument
from applications.panels import case_panels, case_reads, timeline_details
from applications.presenters import (
    CaseState,
    case_page,
    case_state,
    local,
    sent_form_sections,
    special_period,
    timeline,
)
from applications.workflow import (
    BEFORE_DECISION,
    STATE_DENIED,
    STATE_STATUSES,
    STATE_WITHDRAWN,
    Stage,
    Status,
)
from portal.audit.events import AuditAction
from portal.audit.services import audit_record, audit_recorded_with
from portal.lib import keyset
from portal.lib.errors import IllegalTransition
from portal.lib.i18n import page_language
from portal.lib.jinja import render_fragment
from portal.lib.rowcache import RowCache
from portal.lib.urls import code_url

PAGE_SIZE = 50
# What the case page selects with the case (its reference rows come from the
# process cache: every join costs planning time).
DASHBOARD_RECENT = 5


def _case_url(application: Application) -> str:
    return reverse("applications:case", args=[application.code])


# --- Keyset cursors ------------------------------------------------------------------
# A cursor names the row a page starts after ("n", next) or before ("p",
# previous) as an opaque token: base64 of "<direction>.<microseconds>.<id>".
# A malformed token is ignored (first page); a forged one only moves within the
# user's own, already scoped, rows.


def encode_cursor(direction: str, row: dict[str, Any]) -> str:
    """The cursor of a ``case_list_values`` row."""
    if row["submitted_at"] is None:  # drafts are never listed
        raise ValueError("a case without a submission time has no cursor")
    return keyset.encode(row["submitted_at"], row["id"], direction)


def decode_cursor(token: str) -> tuple[str, tuple[datetime, int]] | None:
    return keyset.decode(token)


def _filters_only(request: HttpRequest) -> str:
    """The query string without the cursor: what the filter form shows."""
    params = request.GET.copy()
    params.pop("cursor", None)
    return params.urlencode()


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
    also scope the list) and one page of rows (+1 to know whether there is
    a next page) with their companions' types; application types come from
    the process cache.  No COUNT, no OFFSET."""
    language = page_language()
    organizations = organizations_today(user=request.user)
    types = selectors.application_types_cached()
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

    rows: list[dict[str, Any]] = []
    prev_url = next_url = ""
    if valid:
        cursor = decode_cursor(request.GET.get("cursor", ""))
        before = cursor[1] if cursor and cursor[0] == "p" else None
        after = cursor[1] if cursor and cursor[0] != "p" else None
        # Without filters through a query compiled once; else built.
        found = (
            None
            if filtered
            else selectors.compiled_case_list_page(
                user=request.user, after=after, before=before, size=PAGE_SIZE
            )
        )
        if found is None:
            cases = selectors.case_list_values(
                selectors.cases_for_user(user=request.user, **filters)
            )
            found = selectors.cases_keyset_page(
                cases, after=after, before=before, size=PAGE_SIZE
            )
        rows, more = found
        if before is not None:
            has_prev, has_next = more, True
        elif after is not None:
            has_prev, has_next = True, more
        else:
            has_prev, has_next = False, more
        if rows and has_prev:
            prev_url = _page_url(request, encode_cursor("p", rows[0]))
        if rows and has_next:
            next_url = _page_url(request, encode_cursor("n", rows[-1]))

    paged = "cursor" in request.GET
    return render(
        request,
        "applications/cases/list.html",
        {
            "form": form,
            "has_errors": not valid,
            "rows": rows,
            "table": render_fragment(
                "applications/case_rows.html",
                {"rows": _table_rows(request, rows)},
                request,
            )
            if rows
            else "",
            "filtered": filtered,
            "several_organizations": len(organizations) > 1,
            "prev_url": prev_url,
            "next_url": next_url,
            "paged": paged,
            "may_file": can_file(request.user),
            # What the cached filter form's HTML depends on (besides the
            # language): the organisations offered and the filters chosen.
            "filters_key": (
                ",".join(str(o.pk) for o in organizations),
                _filters_only(request),
            ),
        },
    )


@dataclass(frozen=True, slots=True)
class CaseRow:
    """What one row of the case list says, ready to print."""

    url: str
    receipt_number: str
    type_name: str
    companion_types: list[str]
    person_name: str
    name_kanji: str
    state: CaseState
    submitted_at: datetime  # local time
    organization: str


# The case list's rows, printed once per process for each distinct row
# (portal/lib/rowcache.py).
CASE_ROWS = RowCache("applications/_case_row.html")


def _table_rows(request: HttpRequest, rows: list[dict[str, Any]]) -> SafeString:
    """The HTML of the page's rows: each shows its values as the query
    returned them (its companions' types among them) — the row's key."""
    generation = selectors.reference_generation()
    return CASE_ROWS.body(
        rows,
        key_parts=lambda r: (generation, tuple(r.values())),
        prepare=_case_rows,
        request=request,
    )


def _case_rows(rows: list[dict[str, Any]]) -> list[CaseRow]:
    """The rows ready to print, in the active language."""
    companions = {r["id"]: selectors.companion_type_ids(r) for r in rows}
    types, _statuses = selectors.reference_maps(
        [r["application_type_id"] for r in rows]
        + [pk for ids in companions.values() for pk in ids],
        (),
    )
    case_url = code_url("applications:case")
    states: dict[str, CaseState] = {}
    en = page_language() == "en"
    return [
        CaseRow(
            url=case_url(r["code"]),
            receipt_number=r["receipt_number"],
            type_name=localized_name(types[r["application_type_id"]]),
            companion_types=[localized_name(types[pk]) for pk in companions[r["id"]]],
            person_name=f"{r['foreign_national__family_name']} "
            f"{r['foreign_national__given_name']}",
            name_kanji=r["foreign_national__name_kanji"],
            state=states.get(r["status"])
            or states.setdefault(r["status"], case_state(r["status"])),
            submitted_at=timezone.localtime(r["submitted_at"]),
            organization=(en and r["organization__name_en"])
            or r["organization__name_ja"],
        )
        for r in rows
    ]


# --- The case page --------------------------------------------------------------------


@login_required
@require_GET
def case_detail(request: AuthenticatedHttpRequest, code: uuid.UUID) -> HttpResponse:
    """One case: timeline, notices, downloads and what was sent (read-only).
    Viewing is audited.  Queries are constant in the number of companions,
    documents and events (one each)."""
    application = selectors.case_page_get_for_user(user=request.user, code=code)
    if application.status == Status.DRAFT:
        # Not a case yet: drafts live in the filing flow.
        return redirect("applications:draft", code=application.code)
    # The page's reads, the other apps' (panels, timeline) and the audit
    # record of the view: one round trip.
    with audit_recorded_with(
        [
            *selectors.case_page_reads(application=application),
            *case_reads(application),
        ],
        actor=request.user,
        action=AuditAction.APPLICATION_VIEW,
        obj=application,
        organization_code=application.organization.code,
    ):
        companions = selectors.case_page_companions(application=application)
        documents = selectors.case_page_documents(application=application)
        events = selectors.case_page_events(application=application)
        generated = selectors.case_page_generated_languages(application=application)
        panels = case_panels.render(request, application)
        details = timeline_details(application)
    may_withdraw = rules.may_withdraw(request.user, application)
    person = selectors.sent_person(application=application)
    state = case_state(application.status)
    timeline_items = timeline(application, events, details)
    return render(
        request,
        "applications/cases/detail.html",
        {
            "application": application,
            "person": person,
            "panels": panels,
            # A panel that states the decision (``review``'s outcome panel)
            # replaces the page's own short banner: one place says it.
            "outcome_stated": any(
                context.get("states_outcome") for _template, context in panels
            ),
            "state": state,
            # What the fragment prints, decided here.
            "timeline": timeline_items,
            "may_withdraw": may_withdraw,
            "special_period_end": special_period(application),
            "closed_at": local(application.closed_at),
            "page": render_fragment(
                "applications/case_page.html",
                case_page(
                    application=application,
                    person=person,
                    timeline_items=timeline_items,
                    companions=companions,
                    documents=documents,
                    generated=generated,
                    form_sections=sent_form_sections(
                        application, request.LANGUAGE_CODE or "ja"
                    ),
                    may_withdraw=may_withdraw,
                    read_only=application.status in BEFORE_DECISION
                    and not may_withdraw,
                ),
                request,
            ),
        },
    )


# --- Withdrawal ----------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def case_withdraw(request: AuthenticatedHttpRequest, code: uuid.UUID) -> HttpResponse:
    """Confirm with a reason, then withdraw (before a decision only).  The
    organisation and the office's examiners and supervisors are told."""
    application = selectors.application_get_for_user(
        user=request.user, code=code, for_write=True
    )
    case_url = _case_url(application)
    if application.status == Status.DRAFT:
        raise Http404
    if application.status == Status.WITHDRAWN:
        messages.info(request, ALREADY_WITHDRAWN)
        return redirect(case_url)
    if not rules.may_withdraw(request.user, application):
        messages.error(request, NOT_WITHDRAWABLE)
        return redirect(case_url)
    form = WithdrawForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.application_withdraw(
                application=application,
                actor=request.user,
                reason=form.cleaned_data["reason"],
            )
        except IllegalTransition:
            # The office decided (or someone withdrew) since the page was loaded.
            application.refresh_from_db(fields=["status"])
            if application.status == Status.WITHDRAWN:
                messages.info(request, ALREADY_WITHDRAWN)
            else:
                messages.error(request, WITHDRAWAL_RACED)
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
def case_receipt(
    request: AuthenticatedHttpRequest, code: uuid.UUID, language: str
) -> FileResponse:
    """The receipt PDF in ``language`` as an attachment, for the users of the
    application's organisation; 404 for others and while it is not rendered.
    Every download is audited."""
    return _generated_pdf(request, code, language, GeneratedDocument.Kind.RECEIPT)


@login_required
@require_GET
def case_application_form(
    request: AuthenticatedHttpRequest, code: uuid.UUID, language: str
) -> FileResponse:
    """The 申請書 as sent (PDF, ``language``), like the receipt."""
    return _generated_pdf(
        request, code, language, GeneratedDocument.Kind.APPLICATION_FORM
    )


def _generated_pdf(
    request: AuthenticatedHttpRequest, code: uuid.UUID, language: str, kind: str
) -> FileResponse:
    application = selectors.application_get_for_user(user=request.user, code=code)
    if not rules.may_download(request.user, application.organization_id):
        raise Http404
    receipt = selectors.application_receipt_get(
        application=application, language=language, kind=kind
    )
    stored = receipt.file
    try:
        handle = default_storage.open(stored.name, "rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    try:
        audit_record(
            actor=request.user,
            action=AuditAction.APPLICATION_DOWNLOAD,
            obj=application,
            organization_code=application.organization.code,
            data={"document": kind, "language": language},
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


def dashboard_client(request: HttpRequest) -> Organization | None:
    """The client chosen in the dashboard's client filter
    (``?organization=<code>``, the case list's parameter), if it is one of
    the user's organisations; None for all (or an unknown value, which the
    filter's own form reports).  No query without the parameter."""
    if not request.GET.get("organization"):
        return None
    form = ClientFilterForm(
        request.GET,
        organizations=organizations_today(user=request.user),
        language=page_language(),
    )
    return form.chosen()


def dashboard_panel(request: HttpRequest) -> tuple[str, dict[str, Any]] | None:
    """Portal users: their cases by stage and the five latest — of one
    client when the dashboard's client filter names one.  Registered in
    ApplicationsConfig.ready."""
    if not is_portal_user(request.user):
        return None
    client = dashboard_client(request)
    if client is None:
        counts = selectors.application_status_counts(user=request.user)
    else:
        counts = {
            row["status"]: row["n"]
            for row in selectors.cases_for_user(
                user=request.user, organization_id=client.pk
            )
            .prefetch_related(None)
            .order_by()
            .values("status")
            .annotate(n=Count("id"))
        }
    by_state: dict[str, int] = {}
    for status, n in counts.items():
        state = case_state(status).value
        by_state[state] = by_state.get(state, 0) + n
    list_url = reverse("applications:list")
    scope = {"organization": str(client.code)} if client else {}
    states = [
        {
            "value": value,
            "label": label,
            "count": by_state.get(value, 0),
            "href": f"{list_url}?{urlencode({**scope, 'state': value})}",
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
            for a in selectors.cases_for_user(
                user=request.user, organization_id=client.pk if client else None
            )[:DASHBOARD_RECENT]
        ]
    return (
        "applications/cases/_dashboard_panel.html",
        {
            "states": states,
            "recent": recent,
            "total": sum(counts.values()),
            "list_url": f"{list_url}?{urlencode(scope)}" if scope else list_url,
            "client": client,
        },
    )


urlpatterns: list[URLPattern] = [
    path("", case_list, name="list"),
    path("<uuid:code>/", case_detail, name="case"),
    path("<uuid:code>/withdraw/", case_withdraw, name="withdraw"),
    path("<uuid:code>/receipt-<str:language>.pdf", case_receipt, name="receipt"),
    path(
        "<uuid:code>/application-form-<str:language>.pdf",
        case_application_form,
        name="application_form_pdf",
    ),
]
