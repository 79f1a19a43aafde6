"""The office queue (examiners, supervisors and clerks of an office): filters,
sort, keyset pages and the counts per status; claiming (examiner) and
assigning (supervisor) a case.

Query budget of the queue page (QUALITY.md item 23, tested): the officer's
roles (one query; the examiners only when the cached filter form is rendered
again or an examiner is chosen) and the page of rows (one query,
``LIMIT 51``, no OFFSET, no COUNT, walking the partial index of open cases);
the counts per status come from the worker's summary in the cache (one
grouped query only when an office is missing from it), the reference lists of
the filters and the rows' types and statuses from caches.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from contextlib import nullcontext
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.utils import timezone
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_POST

from accounts.models import OfficerRole
from applications.forms.fields import localized_name
from applications.models import Application
from applications.selectors import (
    reference_generation,
    reference_lists,
    reference_maps,
)
from applications.workflow import OPEN_STATUSES, STATUS_COLOURS, Status
from portal.lib.countries import country_name
from portal.lib.db import replica_reads
from portal.lib.errors import show_error
from portal.lib.i18n import page_language
from portal.lib.jinja import render_fragment
from portal.lib.rowcache import RowCache
from portal.lib.urls import code_url
from review import selectors
from review.forms import AssignForm, QueueFilterForm
from review.permissions import CASE_ROLES, Role, officer_roles_preload
from review.rules import CaseAction, CaseFacts, case_refusal
from review.services.examination import (
    ExaminationError,
    StaleEdit,
    case_assign,
    case_claim,
)
from review.views.common import changed

PAGE_SIZE = 50


def reference_choices(
    language: str,
) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """(application types, statuses of residence) as choices in
    ``language``, from the process cache of reference rows (no query and no
    cache round trip on a queue page)."""
    types, statuses = reference_lists()
    en = language == "en"
    return (
        [(t.code, t.name_en if en else t.name_ja) for t in types],
        [(s.code, s.name_en if en else s.name_ja) for s in statuses],
    )


def _page_url(request: HttpRequest, **cursor: str) -> str:
    query = {
        k: v for k, v in request.GET.items() if k not in ("after", "before") and v != ""
    }
    query.update(cursor)
    return "?" + urlencode(query)


@login_required
@require_GET
def queue(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    roles = officer_roles_preload(user)
    mine = [r for r in roles if r.user_id == user.pk]
    office_ids = {r.office_id for r in mine if r.role in CASE_ROLES}
    if not office_ids:
        raise PermissionDenied
    assigning_offices = {
        r.office_id for r in mine if r.role in (Role.EXAMINER, Role.SUPERVISOR)
    }
    language = page_language()
    types, statuses = reference_choices(language)
    form = QueueFilterForm(
        request.GET or None,
        application_types=types,
        statuses=statuses,
        # Only read when the cached filter form is rendered again or an
        # examiner is chosen: not on every queue page.
        examiners=lambda: _examiners(assigning_offices),
        language=language,
    )
    today = timezone.localdate()
    rows: list[dict[str, Any]] = []
    next_url = prev_url = ""
    valid = form.is_bound is False or form.is_valid()
    data: dict[str, Any] = form.cleaned_data if form.is_bound and valid else {}
    sort = data.get("sort") or selectors.DEFAULT_SORT
    if valid:
        filters = selectors.QueueFilters(
            application_type=data.get("type") or None,
            status=data.get("status") or None,
            residence_status=data.get("residence_status") or None,
            nationality=data.get("nationality") or None,
            organization=data.get("organization") or None,
            older_than_days=data.get("age"),
            documents_due_by=data.get("due_by"),
            assignee=data.get("assignee") or None,
            overdue=bool(data.get("overdue")),
            answered=bool(data.get("answered")),
            text=data.get("q") or None,
            sort=sort,
        )
        after = selectors.decode_cursor(request.GET.get("after"))
        before = selectors.decode_cursor(request.GET.get("before"))
        # The usual shapes through a query compiled once; others built.
        found = selectors.compiled_queue_page(
            office_ids=office_ids,
            filters=filters,
            after=after,
            before=None if after else before,
            size=PAGE_SIZE,
        )
        if found is None:
            cases = selectors.case_queue(
                user=user, office_ids=office_ids, filters=filters, today=today
            )
            # A search may read from the replica (README, "Performance").
            with replica_reads() if filters.text else nullcontext():
                found = selectors.case_queue_page(
                    cases,
                    sort=sort,
                    after=after,
                    before=None if after else before,
                    size=PAGE_SIZE,
                    written_order=selectors.plans_as_written(filters),
                )
        page, more = found
        backwards = before is not None and after is None
        if page:
            if more or backwards:
                next_url = _page_url(
                    request, after=selectors.encode_cursor(page[-1], sort)
                )
            if (after is not None) or (backwards and more):
                prev_url = _page_url(
                    request, before=selectors.encode_cursor(page[0], sort)
                )
        rows = page
    counts = selectors.case_queue_counts(office_ids=office_ids, today=today)
    status_counts = [
        {
            "status": status,
            "label": Status(status).label,
            "count": counts.get(status, {}).get("n", 0),
            "overdue": counts.get(status, {}).get("overdue", 0),
        }
        for status in OPEN_STATUSES
    ]
    return render(
        request,
        "review/queue/queue.html",
        {
            "form": form,
            "rows": rows,
            "table": render_fragment(
                "review/queue_rows.html",
                {
                    "rows": _table_rows(request, user, rows, today=today),
                    "paged": bool(prev_url or next_url),
                },
                request,
            )
            if rows
            else "",
            "status_counts": status_counts,
            "overdue_total": sum(item["overdue"] for item in status_counts),
            "next_url": next_url,
            "prev_url": prev_url,
            "filtered": any(
                v
                for k, v in request.GET.items()
                if k not in ("after", "before", "sort")
            ),
            # Filters other than the search line open the disclosure.
            "advanced_filtered": any(
                v
                for k, v in request.GET.items()
                if k not in ("after", "before", "q", "status")
            ),
            "current_status": data.get("status") or "",
            "several_offices": len(office_ids) > 1,
            # What the cached filter form's HTML depends on (besides the
            # language): the offices (their examiners) and the filters.
            "filters_key": (
                ",".join(str(pk) for pk in sorted(office_ids)),
                _page_url(request),
            ),
        },
    )


@dataclass(frozen=True, slots=True)
class QueueRow:
    """What one row of the queue says, ready to print."""

    url: str
    receipt_number: str
    type_name: str
    companions: str
    person_name: str
    nationality: str
    residence_status: str
    organization: str
    submitted_at: datetime | None  # local time
    days: int | None
    status_label: str
    status_colour: str
    documents_due: date | None
    overdue: bool
    examiner: str
    claim_url: str | None


# The queue's rows, printed once per process for each distinct row
# (portal/lib/rowcache.py).
QUEUE_ROWS = RowCache("review/_queue_row.html")


def _table_rows(
    request: HttpRequest, user: Any, page: list[dict[str, Any]], *, today: date
) -> SafeString:
    """The HTML of the page's rows (``case_queue`` rows are plain values).

    A row shows its values as the query returned them, plus what the moment
    and the officer decide: days since receipt, overdue, and whether the
    officer may claim it — all part of the row's key."""
    now = timezone.now()
    generation = reference_generation()
    claim_url = code_url("review:case_claim")
    # Whether an unassigned case may be claimed depends on its office and
    # status only: ask the rule once per pair, not once per row.
    claimable: dict[tuple[int, str], bool] = {}

    def may_claim(office_id: int, status: str) -> bool:
        key = (office_id, status)
        if key not in claimable:
            facts = CaseFacts(
                application=Application(office_id=office_id, status=status),
                assignment=None,
            )
            claimable[key] = case_refusal(user, facts, CaseAction.CLAIM) is None
        return claimable[key]

    def moment(r: dict[str, Any]) -> tuple[int | None, bool, bool]:
        submitted, due = r["submitted_at"], r["documents_due"]
        return (
            (now - submitted).days if submitted else None,
            due is not None and due < today,
            r["assignment__id"] is None and may_claim(r["office_id"], r["status"]),
        )

    def prepare(rows: list[dict[str, Any]]) -> list[QueueRow]:
        return _rows(rows, [moment(r) for r in rows], claim_url=claim_url)

    return QUEUE_ROWS.body(
        page,
        key_parts=lambda r: (generation, tuple(r.values()), moment(r)),
        prepare=prepare,
        request=request,
    )


def _rows(
    page: list[dict[str, Any]],
    moments: list[tuple[int | None, bool, bool]],
    *,
    claim_url: Callable[[Any], str],
) -> list[QueueRow]:
    """The rows ready to print, in the active language."""
    en = page_language() == "en"
    language = "en" if en else "ja"
    case_url = code_url("review:case")
    types, statuses = reference_maps(
        (r["application_type_id"] for r in page),
        (
            r["target_status_id"] or r["foreign_national__current_status_id"]
            for r in page
        ),
    )
    rows = []
    for r, (days, overdue, claim) in zip(page, moments, strict=True):
        residence = statuses.get(
            r["target_status_id"] or r["foreign_national__current_status_id"]
        )
        companions = r["companion_count"]
        submitted = r["submitted_at"]
        rows.append(
            QueueRow(
                url=case_url(r["code"]),
                receipt_number=r["receipt_number"],
                type_name=localized_name(types[r["application_type_id"]]),
                companions=ngettext(
                    "with %(counter)s companion application",
                    "with %(counter)s companion applications",
                    companions,
                )
                % {"counter": companions}
                if companions
                else "",
                person_name=f"{r['foreign_national__family_name']} "
                f"{r['foreign_national__given_name']}",
                nationality=country_name(r["foreign_national__nationality"], language),
                residence_status=localized_name(residence) if residence else "—",
                organization=(en and r["organization__name_en"])
                or r["organization__name_ja"],
                submitted_at=timezone.localtime(submitted) if submitted else None,
                days=days,
                # Status(...).label, not get_status_display(): the model
                # method hashes the field's choices on every call.
                status_label=str(Status(r["status"]).label),
                status_colour=STATUS_COLOURS.get(r["status"], "blue"),
                documents_due=r["documents_due"],
                overdue=overdue,
                examiner=(
                    r["assignment__examiner__full_name"]
                    or r["assignment__examiner__username"]
                )
                if r["assignment__id"] is not None
                else "",
                claim_url=claim_url(r["code"]) if claim else None,
            )
        )
    return rows


def _examiners(office_ids: set[int]) -> list[Any]:
    """The active examiners of these offices (the assignee filter's choices)."""
    roles = (
        OfficerRole.objects.filter(
            role=Role.EXAMINER, office_id__in=office_ids, user__is_active=True
        )
        .select_related("user")
        .only("user_id", "user__code", "user__username", "user__full_name")
    )
    examiners = {role.user_id: role.user for role in roles}
    return sorted(examiners.values(), key=lambda u: u.username)


# --- Claim and assign ---------------------------------------------------------------------


@login_required
@require_POST
def claim(request: HttpRequest, code: uuid.UUID) -> HttpResponse:
    user: Any = request.user
    officer_roles_preload(user)
    application = selectors.case_get_for_officer(
        user=user, code=code, role=Role.EXAMINER
    )
    try:
        case_claim(application=application, actor=user)
    except ExaminationError as exc:
        show_error(request, exc)
    except StaleEdit:
        return changed(request, application)
    else:
        messages.success(
            request,
            _("You are now examining application %(number)s.")
            % {"number": application.receipt_number},
        )
    return redirect("review:case", application.code)


@login_required
@require_POST
def assign(request: HttpRequest, code: uuid.UUID) -> HttpResponse:
    user: Any = request.user
    officer_roles_preload(user)
    application = selectors.case_get_for_officer(
        user=user, code=code, role=Role.SUPERVISOR
    )
    form = AssignForm(
        request.POST,
        examiners=selectors.case_examiners(office_id=application.office_id),
    )
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, str(error))
        return redirect("review:case", application.code)
    examiner = form.cleaned_data["examiner"]
    try:
        case_assign(application=application, actor=user, examiner=examiner)
    except ExaminationError as exc:
        show_error(request, exc)
    except StaleEdit:
        return changed(request, application)
    else:
        messages.success(
            request,
            _("Application %(number)s is assigned to %(name)s.")
            % {"number": application.receipt_number, "name": examiner.display_name},
        )
    return redirect("review:case", application.code)


urlpatterns: list[URLPattern] = [
    path("office/cases/", queue, name="queue"),
    path("office/cases/<uuid:code>/claim/", claim, name="case_claim"),
    path("office/cases/<uuid:code>/assign/", assign, name="case_assign"),
]
