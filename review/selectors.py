"""Reads for officers.  Every case URL goes through ``case_get_for_officer``:
a case of another office is a 404; a role that may see but not act is 403."""

from __future__ import annotations

import dataclasses
import functools
import uuid
from contextlib import nullcontext
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import (
    CharField,
    Count,
    Exists,
    F,
    FilteredRelation,
    Func,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.http import Http404
from django.utils import timezone

from accounts.models import OfficerRole, Organization, User
from accounts.permissions import officer_roles_loaded, prime_officer_offices
from applications import search
from applications.models import OPEN_STATUSES as MODEL_OPEN_STATUSES
from applications.models import (
    Application,
    ApplicationDocument,
    ForeignNational,
    PersonRecordHistory,
    StatusEvent,
)
from applications.selectors import (
    COMPANION_FIELDS,
    application_get_for_user,
    application_in_scope,
    applications_for_user,
    attach_case_reference,
    in_catalogue_order,
    reference_maps,
)
from applications.workflow import AFTER_DECISION, Action, Status
from portal.files.access import Access
from portal.lib import keyset
from portal.lib.compiled import CompiledQuery
from portal.lib.db import joins_as_written, replica_reads
from portal.summaries import store as summaries
from review.models import (
    Assignment,
    Decision,
    Dispatch,
    DocumentRequest,
    DocumentRequestFile,
    DocumentRequestItem,
    InternalNote,
    Payment,
    ResidenceCard,
)
from review.permissions import case_office_ids, has_role
from review.rules import IssuanceAction, IssuanceFacts, issuance_state_refusal


def case_get_for_officer(
    *, user: Any, code: Any, role: str | None = None, related: tuple[str, ...] = ()
) -> Application:
    """The main application ``code`` if it was filed at one of the officer's
    offices (404 otherwise); with ``role``, the officer must hold that role
    at the case's office (403 otherwise).  ``related`` names more relations
    to select in the same query."""
    try:
        application = (
            Application.objects.select_related(
                "application_type",
                "foreign_national",
                "organization",
                "office",
                "target_status",
                "target_subcategory",
                *related,
            )
            .exclude(status="draft")
            .get(code=code, main__isnull=True, office_id__in=case_office_ids(user))
        )
    except (Application.DoesNotExist, ValueError, ValidationError):
        raise Http404 from None
    if role is not None and not has_role(user, role, application.office_id):
        raise PermissionDenied
    return application


def _fields(model: Any, prefix: str = "", only: tuple[str, ...] = ()) -> list[str]:
    return [
        prefix + f.attname
        for f in model._meta.concrete_fields
        if not only or f.attname in only
    ]


_USER_NAMES = ("id", "code", "username", "full_name")

# The case page's case: the application with its person, organisation, the
# user who filed it and its assignment (examiner), by ``code``.  The office
# check is made on the row (an ``__in`` list would change the SQL per user);
# the type, statuses and office come from the process cache.
_CASE_PAGE = CompiledQuery(
    lambda code: (
        Application.objects.filter(code=code, main__isnull=True)
        .exclude(status=Status.DRAFT)
        .values_list(
            *_fields(Application),
            *_fields(ForeignNational, "foreign_national__"),
            *_fields(Organization, "organization__"),
            *_fields(User, "submitted_by__", _USER_NAMES),
            *_fields(Assignment, "assignment__"),
            *_fields(User, "assignment__examiner__", _USER_NAMES),
        )
    ),
    kinds=(uuid.UUID,),
    prepared=True,
)


def case_page_get_for_officer(*, user: Any, code: uuid.UUID) -> Application:
    """``case_get_for_officer`` for the case page: the same 404, read with a
    query compiled once (``portal.lib.compiled``; the twelve-table join it
    replaces planned for 8-15 ms), the reference rows from the process cache
    (``attach_case_reference``).  Selected: the person, the organisation,
    the filing user and the assignment with its examiner (the users' code,
    username and full name only)."""
    found = _CASE_PAGE.objects(code)
    if not found or found[0].office_id not in case_office_ids(user):
        raise Http404
    application: Application = found[0]
    attach_case_reference([application])
    return application


# The user's roles and the examiners of the offices they supervise.
_ROLES_AND_EXAMINERS = CompiledQuery(
    lambda user_id: (
        OfficerRole.objects.filter(
            Q(user_id=user_id)
            | Q(
                role=OfficerRole.Role.EXAMINER,
                office_id__in=OfficerRole.objects.filter(
                    user_id=user_id, role=OfficerRole.Role.SUPERVISOR
                ).values("office_id"),
                user__is_active=True,
            )
        )
        .order_by("user__username", "pk")
        .values_list(
            "user_id",
            "role",
            "office_id",
            "user__code",
            "user__username",
            "user__full_name",
        )
    ),
)


def officer_roles_with_examiners(*, user: Any) -> list[User]:
    """The user's officer roles and, in the same query, the active examiners
    of every office where the user supervises (the assignee choices: only
    supervisors assign, so an examiner's case page reads no colleagues).
    Primes the role cache of ``accounts.permissions`` so the role checks of
    the request cost no query; returns the examiners (code, username, full
    name and ``examiner_office_id`` read), by username."""
    if not getattr(user, "is_authenticated", False):
        return []
    loaded = officer_roles_loaded(user)
    if loaded is not None and not any(
        r.role == OfficerRole.Role.SUPERVISOR for r in loaded
    ):
        # Roles came with the request's user and nobody is supervised here:
        # no examiner to choose, no query.
        return []
    mine: list[OfficerRole] = []
    examiners: list[User] = []
    for (
        user_id,
        role,
        office_id,
        code,
        username,
        full_name,
    ) in _ROLES_AND_EXAMINERS.rows(user.pk):
        if user_id == user.pk:
            mine.append(OfficerRole(user_id=user_id, role=role, office_id=office_id))
        if role == OfficerRole.Role.EXAMINER:
            examiner = User(
                pk=user_id, code=code, username=username, full_name=full_name
            )
            examiner.examiner_office_id = office_id  # type: ignore[attr-defined]
            examiners.append(examiner)
    prime_officer_offices(user, mine)
    return examiners


# --- The office queue -----------------------------------------------------------------

# The statuses a case is "open" in (``applications.workflow.OPEN_STATUSES``):
# what the queue shows by default and what the counts cover.  The partial
# indexes "app_open_queue" and "app_open_updated" are built on it.
OPEN_STATUSES: tuple[str, ...] = MODEL_OPEN_STATUSES

# Sort orders of the queue: the key columns (never NULL for submitted cases,
# ``id`` last to make the key unique) and the direction.  Keyset paging
# compares the key as a row value, so every column of one order runs the same
# way.
SORTS: dict[str, tuple[tuple[str, ...], bool]] = {
    "oldest": (("submitted_at", "id"), False),
    "newest": (("submitted_at", "id"), True),
    "updated": (("updated_at", "id"), True),
}
DEFAULT_SORT = "oldest"


@dataclass(frozen=True)
class QueueFilters:
    """What the queue is narrowed to (all optional; see ``case_queue``)."""

    application_type: str | None = None
    status: str | None = None
    residence_status: str | None = None
    nationality: str | None = None
    organization: str | None = None
    older_than_days: int | None = None
    documents_due_by: date | None = None
    assignee: str | None = None
    overdue: bool = False
    answered: bool = False
    text: str | None = None
    sort: str = DEFAULT_SORT


def _open_request(application_ref: Any) -> QuerySet[DocumentRequest]:
    return DocumentRequest.objects.filter(
        application=application_ref, state=DocumentRequest.State.OPEN
    )


def _answer_waiting() -> Q:
    """Under examination, and the last thing that happened to the case is the
    organisation sending the requested documents: an answer nobody has acted
    on yet."""
    later = StatusEvent.objects.filter(
        application=OuterRef("pk"),
        at__gt=OuterRef("answered_at"),
    )
    return Q(status=Status.EXAMINING, answered_at__isnull=False) & ~Q(Exists(later))


def _with_answered_at[Row](qs: QuerySet[Any, Row]) -> QuerySet[Any, Row]:
    return qs.annotate(
        answered_at=Subquery(
            StatusEvent.objects.filter(
                application=OuterRef("pk"), action=Action.RESPOND_DOCUMENTS
            )
            .order_by("-at")
            .values("at")[:1]
        )
    )


# What a row of the queue shows, read as plain values: building ~200 model
# instances (cases, people, organisations, assignments, examiners) cost more
# than the rest of the page's Python (README, "Performance").
QUEUE_VALUES = (
    "id",
    "code",
    "receipt_number",
    "status",
    "application_type_id",
    "target_status_id",
    "office_id",
    "submitted_at",
    "updated_at",
    "foreign_national__family_name",
    "foreign_national__given_name",
    "foreign_national__nationality",
    "foreign_national__current_status_id",
    "organization__name_ja",
    "organization__name_en",
    "assignment__id",
    "assignment__examiner__username",
    "assignment__examiner__full_name",
    "documents_due",
    "companion_count",
)


@functools.cache
def _queue_rows() -> QuerySet[Any, dict[str, Any]]:
    """Every application as a queue row (``QUEUE_VALUES``), never evaluated
    itself: ``case_queue`` narrows a copy of it.  Built once per process —
    resolving the two subqueries and twenty columns cost about a millisecond
    of every queue page."""
    # COUNT as a plain function: one scalar per row, no GROUP BY.
    companions = (
        Application.objects.filter(main=OuterRef("pk"))
        .order_by()
        .annotate(n=Func(F("pk"), function="COUNT", output_field=IntegerField()))
        .values("n")
    )
    # Only the entities are joined; the small reference tables (types,
    # statuses of residence) come from a process cache (``reference_maps``):
    # each join of a wide select_related costs planning time on every page.
    return Application.objects.annotate(
        documents_due=Subquery(_open_request(OuterRef("pk")).values("due_date")[:1]),
        companion_count=Subquery(companions),
    ).values(*QUEUE_VALUES)


def case_queue(
    *, user: Any, office_ids: set[int], filters: QueueFilters, today: date
) -> QuerySet[Any, dict[str, Any]]:
    """The submitted main applications of ``office_ids`` (the caller has
    checked that the officer works there) narrowed by ``filters``, in the
    order ``filters.sort``, each with ``documents_due`` (the due date of its
    open request for documents, if any), ``companion_count`` and its
    assignment (examiner) selected.  Nothing here counts the rows.

    ``assignee`` is ``"me"``, ``"none"`` or an examiner's user ``code``;
    ``organization`` is a 13-digit corporate number or part of the name;
    ``text`` (at least 3 characters, normalised by the form) is the start of a
    receipt number or words of the person's Roman-letter names."""
    qs = (
        _queue_rows()
        .filter(office_id__in=office_ids, main__isnull=True, submitted_at__isnull=False)
        .exclude(status=Status.DRAFT)
    )
    f = filters
    qs = qs.filter(status=f.status) if f.status else qs.filter(status__in=OPEN_STATUSES)
    if f.application_type:
        qs = qs.filter(application_type__code=f.application_type)
    if f.residence_status:
        qs = qs.filter(
            Q(target_status__code=f.residence_status)
            | Q(
                target_status__isnull=True,
                foreign_national__current_status__code=f.residence_status,
            )
        )
    if f.nationality:
        qs = qs.filter(foreign_national__nationality=f.nationality)
    if f.organization:
        if f.organization.isdigit() and len(f.organization) == 13:
            qs = qs.filter(organization__corporate_number=f.organization)
        else:
            qs = qs.filter(
                Q(organization__name_ja__icontains=f.organization)
                | Q(organization__name_en__icontains=f.organization)
            )
    if f.older_than_days:
        qs = qs.filter(
            submitted_at__lte=timezone.now() - timedelta(days=f.older_than_days)
        )
    if f.documents_due_by:
        qs = qs.filter(
            Exists(
                _open_request(OuterRef("pk")).filter(due_date__lte=f.documents_due_by)
            )
        )
    if f.overdue:
        qs = qs.filter(Exists(_open_request(OuterRef("pk")).filter(due_date__lt=today)))
    if f.answered:
        qs = _with_answered_at(qs).filter(_answer_waiting())
    if f.assignee == "me":
        qs = qs.filter(assignment__examiner=user)
    elif f.assignee == "none":
        qs = qs.filter(assignment__isnull=True)
    elif f.assignee:
        qs = qs.filter(assignment__examiner__code=f.assignee)
    if f.text:
        # A receipt or card number is an exact indexed lookup; words are
        # matched on the normalised name through the trigram index.
        qs = qs.filter(search.case_search(f.text)[1])
    columns, descending = SORTS.get(f.sort, SORTS[DEFAULT_SORT])
    return qs.order_by(*(f"-{c}" if descending else c for c in columns))


def encode_cursor(row: dict[str, Any], sort: str) -> str:
    """The keyset position just after ``row`` (a ``case_queue`` row) in
    ``sort`` order, as an opaque token for a query string
    (``portal.lib.keyset``)."""
    columns, _descending = SORTS.get(sort, SORTS[DEFAULT_SORT])
    return keyset.encode(row[columns[0]], row["id"])


def decode_cursor(text: str | None) -> tuple[datetime, int] | None:
    """The key an ``encode_cursor`` token names; None for anything malformed
    (a tampered link shows the first page, never an error)."""
    decoded = keyset.decode(text)
    return decoded[1] if decoded else None


# The queue's filters on the case's own columns: with only these (and the
# sort and cursor) the walk of the open-queue or search index drives the
# plan, so the row query may be planned in written join order.  A filter on
# a joined table or an EXISTS is left to the planner (a new filter too,
# until it is added here and to the plan tests).
WRITTEN_ORDER_FILTERS = frozenset({"status", "older_than_days", "text", "sort"})


def plans_as_written(filters: QueueFilters) -> bool:
    """Whether the queue's row query may be planned in written join order
    (``portal.lib.db.joins_as_written``: it joins seven tables and planned
    longer than it ran): only when every filter set is one of
    ``WRITTEN_ORDER_FILTERS`` (tests/portal/test_query_plans.py checks both
    plans)."""
    return all(
        field.name in WRITTEN_ORDER_FILTERS or not getattr(filters, field.name)
        for field in dataclasses.fields(filters)
    )


def _page_of(
    cases: QuerySet[Any, dict[str, Any]],
    *,
    sort: str,
    after: tuple[datetime, int] | None,
    before: tuple[datetime, int] | None,
    size: int,
) -> QuerySet[Any, dict[str, Any]]:
    columns, descending = SORTS.get(sort, SORTS[DEFAULT_SORT])
    return keyset.page_of(
        cases,
        columns=columns,
        descending=descending,
        after=after,
        before=before,
        size=size,
    )


def case_queue_page(
    cases: QuerySet[Any, dict[str, Any]],
    *,
    sort: str,
    after: tuple[datetime, int] | None = None,
    before: tuple[datetime, int] | None = None,
    size: int = 50,
    written_order: bool = False,
) -> tuple[list[dict[str, Any]], bool]:
    """One page of ``cases`` (ordered by ``case_queue``): the rows after the
    key ``after`` (next page), before ``before`` (previous page), or the
    first rows.  Returns the rows in list order and whether more rows lie
    beyond them in the direction of travel.  One query, no OFFSET: the key is
    compared as a row value ``(col, id) > (%s, %s)``."""
    page = _page_of(cases, sort=sort, after=after, before=before, size=size)
    with joins_as_written(cases.db) if written_order else nullcontext():
        rows = list(page)
    return keyset.in_list_order(rows, backwards=before is not None, size=size)


# The queue pages every officer opens — all open cases or one status, in any
# sort, first or later pages — read through a query compiled once per
# process for each shape (``portal.lib.compiled``): building and compiling
# the row query with the ORM cost about a tenth of the page.  The shape is
# what changes the SQL: the number of offices, whether a status is chosen,
# the sort, the direction of the cursor and the page size.
COMPILED_FILTERS = frozenset({"status", "sort"})
_QUEUE_PAGES: dict[tuple[Any, ...], CompiledQuery] = {}


def compiled_queue_page(
    *,
    office_ids: set[int],
    filters: QueueFilters,
    after: tuple[datetime, int] | None = None,
    before: tuple[datetime, int] | None = None,
    size: int = 50,
) -> tuple[list[dict[str, Any]], bool] | None:
    """``case_queue_page(case_queue(...))`` for the filter shapes in
    ``COMPILED_FILTERS`` — the same SQL, the same rows (tested) — or None
    for any other shape (the caller builds the query)."""
    if before is not None and after is not None:
        before = None  # as the built query does
    compiled = compiled_queue_query(
        office_ids=office_ids, filters=filters, after=after, before=before, size=size
    )
    if compiled is None:
        return None
    query, args = compiled
    return keyset.in_list_order(
        query.dicts(*args), backwards=before is not None, size=size
    )


def compiled_queue_query(
    *,
    office_ids: set[int],
    filters: QueueFilters,
    after: tuple[datetime, int] | None,
    before: tuple[datetime, int] | None,
    size: int,
) -> tuple[CompiledQuery, tuple[Any, ...]] | None:
    """The compiled query of a queue page's shape and its arguments (not
    both ``after`` and ``before``)."""
    if any(
        getattr(filters, field.name)
        for field in dataclasses.fields(filters)
        if field.name not in COMPILED_FILTERS
    ):
        return None
    offices = sorted(office_ids)
    cursor = after or before
    sort = filters.sort if filters.sort in SORTS else DEFAULT_SORT
    shape = (
        len(offices),
        bool(filters.status),
        sort,
        after is not None,
        before is not None,
        size,
    )
    query = _QUEUE_PAGES.get(shape)
    if query is None:
        query = _QUEUE_PAGES.setdefault(shape, _compile_queue_page(*shape))
    args = (
        *offices,
        *((str(filters.status),) if filters.status else ()),
        *(cursor or ()),
    )
    return query, args


def _compile_queue_page(
    offices: int, status: bool, sort: str, forward: bool, backward: bool, size: int
) -> CompiledQuery:
    def build(*args: Any) -> QuerySet[Any, dict[str, Any]]:
        rest = list(args[offices:])
        cases = case_queue(
            user=None,  # only the "me" assignee filter reads the officer
            office_ids=set(args[:offices]),
            filters=QueueFilters(status=rest.pop(0) if status else None, sort=sort),
            today=date.min,  # only the overdue filter reads the day
        )
        cursor = (rest[0], rest[1]) if forward or backward else None
        return _page_of(
            cases,
            sort=sort,
            after=cursor if forward else None,
            before=cursor if backward else None,
            size=size,
        )

    kinds = (
        (int,) * offices
        + ((str,) if status else ())
        + ((datetime, int) if forward or backward else ())
    )
    # One office's open cases, in any order and from any cursor: one plan
    # for all, a walk of the open cases' partial index in the page's order
    # (custom plans planned for longer than they ran; the plan tests check
    # these shapes' generic plans).  With a status or several offices the
    # generic plan is not that walk (forced on the plans data set, it
    # scanned people or sorted): planned each time, in written join order
    # (only the case's own columns are filtered).
    if offices == 1 and not status:
        return CompiledQuery(build, kinds=kinds, generic=True)
    return CompiledQuery(build, kinds=kinds, joins_as_written=True)


# The counts per status are a summary per office (``portal.summaries``: the
# database, with the shared cache in front): the worker refreshes it every
# minute (``refresh_queue_counts``, Celery beat) and a page only reads it
# (one cache round trip, or one small query when the cache is cold or Redis
# is down).  An office with no summary for today is computed once by the page
# that finds it missing.  So the counts may be a minute old; the list itself
# is always current.
COUNTS_KEY = "review:queue-counts:{office_id}"
COUNTS_SECONDS = 180


def _compute_queue_counts(
    office_ids: set[int], today: date
) -> dict[int, dict[str, dict[str, int]]]:
    """One grouped query for the offices (index-only on ``app_open_queue``
    for the numbers; the overdue probe only for cases with an open request)."""
    overdue = Exists(_open_request(OuterRef("pk")).filter(due_date__lt=today))
    with replica_reads():
        rows = list(
            Application.objects.filter(
                office_id__in=office_ids, main__isnull=True, status__in=OPEN_STATUSES
            )
            .values("office_id", "status")
            .annotate(n=Count("id"), overdue=Count("id", filter=Q(overdue)))
            .order_by()
        )
    result: dict[int, dict[str, dict[str, int]]] = {pk: {} for pk in office_ids}
    for row in rows:
        result[row["office_id"]][row["status"]] = {
            "n": row["n"],
            "overdue": row["overdue"],
        }
    return result


def refresh_queue_counts(*, today: date | None = None) -> int:
    """Recompute every office's counts into the summary (the worker's job)."""
    from accounts.models import Office

    today = today or timezone.localdate()
    office_ids = set(Office.objects.values_list("pk", flat=True))
    counts = _compute_queue_counts(office_ids, today)
    _store_queue_counts(counts, today)
    return len(counts)


def _store_queue_counts(
    counts: dict[int, dict[str, dict[str, int]]], today: date
) -> None:
    summaries.put_many(
        {
            COUNTS_KEY.format(office_id=pk): {"day": today.isoformat(), "counts": value}
            for pk, value in counts.items()
        },
        cache_seconds=COUNTS_SECONDS,
    )


def case_queue_counts(
    *, office_ids: set[int], today: date
) -> dict[str, dict[str, int]]:
    """For each open status, how many main applications of the offices are in
    it and how many of those have an overdue request for documents: from the
    worker's summary (computed here, in one grouped query, only for offices
    without a summary for ``today``).

    On the embedded default (``make run``: DEBUG, no Redis, so no worker and
    no beat) nothing would refresh the summary, so the counts are computed
    on every page: that data set is small, and counts that disagree with
    the list below them until the next day would mislead.  Never with DEBUG
    off, whatever runs the tasks."""
    if settings.DEBUG and settings.CELERY_TASK_ALWAYS_EAGER:
        return _total(_compute_queue_counts(set(office_ids), today))
    keys = {pk: COUNTS_KEY.format(office_id=pk) for pk in office_ids}
    found = summaries.get_many(keys.values(), cache_seconds=COUNTS_SECONDS)
    per_office = {
        pk: found[key]["counts"]
        for pk, key in keys.items()
        if key in found and found[key]["day"] == today.isoformat()
    }
    missing = set(office_ids) - set(per_office)
    if missing:
        computed = _compute_queue_counts(missing, today)
        _store_queue_counts(computed, today)
        per_office.update(computed)
    return _total(per_office)


def _total(
    per_office: dict[int, dict[str, dict[str, int]]],
) -> dict[str, dict[str, int]]:
    total: dict[str, dict[str, int]] = {}
    for counts in per_office.values():
        for status, value in counts.items():
            item = total.setdefault(status, {"n": 0, "overdue": 0})
            item["n"] += value["n"]
            item["overdue"] += value["overdue"]
    return total


# --- Work trays (the officer's dashboard) -----------------------------------------------


@dataclass
class ExaminerLoad:
    name: str
    code: str
    open: int
    overdue: int


def my_open_case_counts(
    *, user: Any, office_ids: set[int], today: date
) -> dict[str, int]:
    """The examiner's own open cases: how many, how many with an answer
    nobody has acted on, how many with an overdue request; one query over
    their assigned cases only."""
    overdue = Exists(_open_request(OuterRef("pk")).filter(due_date__lt=today))
    mine = list(
        _with_answered_at(
            Application.objects.filter(
                office_id__in=office_ids,
                main__isnull=True,
                status__in=OPEN_STATUSES,
                assignment__examiner=user,
            )
        )
        .annotate(is_overdue=overdue, waiting=_answer_waiting_flag())
        .values_list("is_overdue", "waiting")
    )
    return {
        "mine": len(mine),
        "answered": sum(1 for _overdue, waiting in mine if waiting),
        "overdue": sum(1 for is_overdue, _waiting in mine if is_overdue),
    }


def _answer_waiting_flag() -> Any:
    from django.db.models import BooleanField, ExpressionWrapper

    return ExpressionWrapper(_answer_waiting(), output_field=BooleanField())


def examiner_workload(*, office_ids: set[int], today: date) -> list[ExaminerLoad]:
    """Each examiner's open and overdue cases at the offices (the
    supervisor's view of the office), most loaded first; one grouped query."""
    overdue = Exists(_open_request(OuterRef("pk")).filter(due_date__lt=today))
    rows = (
        Application.objects.filter(
            office_id__in=office_ids,
            main__isnull=True,
            status__in=OPEN_STATUSES,
            assignment__isnull=False,
        )
        .values(
            "assignment__examiner__code",
            "assignment__examiner__full_name",
            "assignment__examiner__username",
        )
        .annotate(open=Count("id"), overdue=Count("id", filter=Q(overdue)))
        .order_by("-open", "assignment__examiner__username")
    )
    return [
        ExaminerLoad(
            name=row["assignment__examiner__full_name"]
            or row["assignment__examiner__username"],
            code=str(row["assignment__examiner__code"]),
            open=row["open"],
            overdue=row["overdue"],
        )
        for row in rows
    ]


# --- The case page -----------------------------------------------------------------------


@dataclass
class ItemView:
    """One item of a request for documents with the files sent for it (dicts
    of ``code``, ``name``, ``kind``, ``size``)."""

    item: DocumentRequestItem
    files_sent: list[dict[str, Any]] = field(default_factory=list)

    @property
    def pk(self) -> int:
        return self.item.pk

    @property
    def sort_order(self) -> int:
        return self.item.sort_order

    @property
    def text(self) -> str:
        return self.item.text

    @property
    def document_type(self) -> str:
        return self.item.document_type


@dataclass
class RequestView:
    """A request for documents as the pages show it: the request and its items."""

    request: DocumentRequest
    items: list[ItemView] = field(default_factory=list)

    @property
    def answered_items(self) -> int:
        return sum(1 for item in self.items if item.files_sent)


def document_requests_for_case(*, application: Application) -> list[RequestView]:
    """Every request for documents of the application, newest first, with
    items and the files sent for them: one query (items joined to their
    request, files LEFT JOINed)."""
    rows = (
        DocumentRequestItem.objects.filter(request__application=application)
        .select_related(
            "request",
            "request__created_by",
            "request__answered_by",
            "request__notice__file_ja",
            "request__notice__file_en",
        )
        .annotate(
            file_pk=F("files__file__pk"),
            file_code=F("files__file__code"),
            file_name=F("files__file__original_name"),
            file_kind=F("files__file__kind"),
            file_size=F("files__file__size"),
        )
        .order_by(
            "-request__created_at", "-request__pk", "sort_order", "pk", "files__pk"
        )
    )
    views: dict[int, RequestView] = {}
    items: dict[int, ItemView] = {}
    for row in rows:
        view = views.setdefault(row.request_id, RequestView(request=row.request))
        item = items.get(row.pk)
        if item is None:
            item = items[row.pk] = ItemView(item=row)
            view.items.append(item)
        values = row.__dict__
        if values["file_pk"] is not None:
            item.files_sent.append(
                {
                    "code": values["file_code"],
                    "name": values["file_name"],
                    "kind": values["file_kind"],
                    "size": values["file_size"],
                }
            )
    return list(views.values())


# What the case page reads of the companions and of the person's other
# applications (the user's case page's companion columns, and when each was
# sent); their types and offices come from the process cache.
RELATED_FIELDS = (*COMPANION_FIELDS, "submitted_at")


# The companions of a case and the person's other submitted applications,
# newest first (arguments: the case's and the person's primary keys).
_RELATED = CompiledQuery(
    lambda pk, person_id: (
        Application.objects.filter(
            Q(main_id=pk) | Q(foreign_national_id=person_id, main__isnull=True)
        )
        .exclude(pk=pk)
        .exclude(status=Status.DRAFT)
        .order_by("-submitted_at", "-id")
        .values_list(*RELATED_FIELDS)
    ),
    prepared=True,
)


def case_related_applications(
    *, application: Application
) -> tuple[list[Application], list[Application]]:
    """The companions of the application and the same person's other
    applications in this portal (submitted main applications, newest
    first): one query, split here.  Only ``RELATED_FIELDS`` are read."""
    rows: list[Application] = _RELATED.objects(
        application.pk, application.foreign_national_id
    )
    attach_case_reference(rows)
    companions = in_catalogue_order(a for a in rows if a.main_id == application.pk)
    earlier = [a for a in rows if a.main_id is None]
    return companions, earlier


# The documents of a case and its companions, by slot.
# The case's and its companions' documents.  The OR is on the applications'
# keys inside the subquery (their primary key and main_id indexes): an OR
# across the join scanned every document.
_DOCUMENTS = CompiledQuery(
    lambda pk: (
        ApplicationDocument.objects.filter(
            application_id__in=Application.objects.filter(
                Q(pk=pk) | Q(main_id=pk)
            ).values("id")
        )
        .order_by("slot__sort_order", "slot__code", "uploaded_at", "id")
        .values_list(
            "slot_id",
            "slot__name_ja",
            "slot__name_en",
            "file__code",
            "file__original_name",
            "file__kind",
            "file__size",
        )
    ),
    prepared=True,
)


def case_documents_with_companions(
    *, application: Application
) -> list[tuple[Any, ...]]:
    """The documents sent with the application and its companions, by slot:
    (slot id, slot's Japanese and English names, the file's code, name,
    kind and size)."""
    return _DOCUMENTS.rows(application.pk)


@dataclass
class CaseRequestItem:
    """One item of a request for documents on the officer's case page, with
    the files sent for it (dicts of ``code``, ``name`` and ``size``)."""

    text: str
    document_type: str
    files_sent: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class CaseRequest:
    """A request for documents as the officer's case page shows it."""

    pk: int
    state: str
    due_date: date
    message: str
    created_at: datetime
    answered_at: datetime | None
    extension_reason: str
    created_by_name: str
    # The notice (資料提出通知) and the codes of its PDFs, once made.
    has_notice: bool
    notice_ja_code: Any
    notice_en_code: Any
    items: list[CaseRequestItem] = field(default_factory=list)


# The requests for documents of a case with items, files and notice PDFs.
_REQUESTS = CompiledQuery(
    lambda pk: (
        DocumentRequestItem.objects.filter(request__application_id=pk)
        .order_by(
            "-request__created_at", "-request__pk", "sort_order", "pk", "files__pk"
        )
        .values_list(
            "request_id",
            "request__state",
            "request__due_date",
            "request__message",
            "request__created_at",
            "request__answered_at",
            "request__extension_reason",
            "request__created_by__full_name",
            "request__created_by__username",
            "request__notice__id",
            "request__notice__file_ja__code",
            "request__notice__file_en__code",
            "id",
            "text",
            "document_type",
            "files__file__code",
            "files__file__original_name",
            "files__file__size",
        )
    ),
    prepared=True,
)


def case_document_requests(*, application: Application) -> list[CaseRequest]:
    """Every request for documents of the case, newest first, with its
    items, the files sent for them and its notice's PDFs: one query of plain
    values (items joined to their request, files LEFT JOINed)."""
    requests: dict[int, CaseRequest] = {}
    items: dict[int, CaseRequestItem] = {}
    for (
        request_id,
        state,
        due_date,
        message,
        created_at,
        answered_at,
        extension_reason,
        full_name,
        username,
        notice_id,
        notice_ja_code,
        notice_en_code,
        item_id,
        text,
        document_type,
        file_code,
        file_name,
        file_size,
    ) in _REQUESTS.rows(application.pk):
        request = requests.get(request_id)
        if request is None:
            request = requests[request_id] = CaseRequest(
                pk=request_id,
                state=state,
                due_date=due_date,
                message=message,
                created_at=created_at,
                answered_at=answered_at,
                extension_reason=extension_reason,
                created_by_name=full_name or username,
                has_notice=notice_id is not None,
                notice_ja_code=notice_ja_code,
                notice_en_code=notice_en_code,
            )
        item = items.get(item_id)
        if item is None:
            item = items[item_id] = CaseRequestItem(
                text=text, document_type=document_type
            )
            request.items.append(item)
        if file_code is not None:
            item.files_sent.append(
                {"code": file_code, "name": file_name, "size": file_size}
            )
    return list(requests.values())


@dataclass(frozen=True)
class HistoryRow:
    """A transition of the case (``kind`` "event") or an internal note
    (``kind`` "note"), as the case page lists them."""

    kind: str
    at: datetime
    action: str
    from_status: str
    to_status: str
    text: str
    person_name: str | None
    person_username: str | None

    @property
    def person(self) -> str:
        return self.person_name or self.person_username or ""


def _history_and_notes(pk: int) -> QuerySet[Any, Any]:
    text = CharField()
    columns = (
        "kind",
        "at",
        "action",
        "from_status",
        "to_status",
        "text",
        "person_name",
        "person_username",
    )
    events = (
        StatusEvent.objects.filter(application_id=pk)
        .annotate(
            kind=Value("event", output_field=text),
            text=F("note"),
            person_name=F("actor__full_name"),
            person_username=F("actor__username"),
        )
        .values_list(*columns)
    )
    notes = (
        InternalNote.objects.filter(application_id=pk)
        .annotate(
            kind=Value("note", output_field=text),
            at=F("created_at"),
            action=Value("", output_field=text),
            from_status=Value("", output_field=text),
            to_status=Value("", output_field=text),
            person_name=F("author__full_name"),
            person_username=F("author__username"),
        )
        .values_list(*columns)
    )
    # The parts must be unordered (the models have a default ordering): SQLite
    # refuses ORDER BY inside a compound statement.
    return events.order_by().union(notes.order_by(), all=True).order_by("at")


_HISTORY_AND_NOTES = CompiledQuery(_history_and_notes, prepared=True)


def case_history_and_notes(
    *, application: Application
) -> tuple[list[HistoryRow], list[HistoryRow]]:
    """The history of every transition and the internal notes, each oldest
    first: one query (``UNION ALL`` of the two tables)."""
    rows = [HistoryRow(*row) for row in _HISTORY_AND_NOTES.rows(application.pk)]
    return (
        [r for r in rows if r.kind == "event"],
        [r for r in rows if r.kind == "note"],
    )


# The case's recommendations, newest first, with who proposed and approved.
_DECISIONS = CompiledQuery(
    lambda pk: (
        Decision.objects.filter(application_id=pk)
        .annotate(
            proposer_full_name=F("proposed_by__full_name"),
            proposer_username=F("proposed_by__username"),
            approver_full_name=F("approved_by__full_name"),
            approver_username=F("approved_by__username"),
        )
        .order_by("-proposed_at", "-id")
        .values_list(
            *(f.attname for f in Decision._meta.concrete_fields),
            "proposer_full_name",
            "proposer_username",
            "approver_full_name",
            "approver_username",
        )
    ),
    prepared=True,
)


def case_decisions(*, application: Application) -> list[Decision]:
    """Every recommendation of the case, newest first (the active one, if
    any, is the first whose state is proposed or approved), each with
    ``proposer_name`` and ``approver_name`` (display names; "" when nobody
    approved yet) and its granted status from the process cache."""
    decisions: list[Decision] = _DECISIONS.objects(application.pk)
    _types, statuses = reference_maps((), (d.granted_status_id for d in decisions))
    for decision in decisions:
        if decision.granted_status_id in statuses:
            decision.granted_status = statuses[decision.granted_status_id]
        names: Any = decision
        names.proposer_name = names.proposer_full_name or names.proposer_username
        names.approver_name = names.approver_full_name or names.approver_username or ""
    return decisions


def case_page_reads(
    *, application: Application
) -> list[tuple[CompiledQuery, tuple[Any, ...]]]:
    """The compiled reads behind the officer's case page's five selectors
    (companions and earlier applications, documents, history and notes,
    requests, decisions), for ``fetched_together`` to send in one round
    trip: inside that block the selectors take their rows from it."""
    pk = application.pk
    return [
        (_RELATED, (pk, application.foreign_national_id)),
        (_DOCUMENTS, (pk,)),
        (_HISTORY_AND_NOTES, (pk,)),
        (_REQUESTS, (pk,)),
        (_DECISIONS, (pk,)),
    ]


def active_decision(*, application: Application) -> Decision | None:
    return (
        Decision.objects.filter(
            application=application,
            state__in=[Decision.State.PROPOSED, Decision.State.APPROVED],
        )
        .select_related("granted_status", "proposed_by")
        .first()
    )


def open_document_request(*, application: Application) -> DocumentRequest | None:
    return _open_request(application).first()


def case_examiners(*, office_id: Any) -> list[Any]:
    """The examiners of an office, by user ID (for the assignment form)."""
    return [
        role.user
        for role in OfficerRole.objects.filter(
            office_id=office_id, role=OfficerRole.Role.EXAMINER, user__is_active=True
        )
        .select_related("user")
        .order_by("user__username")
    ]


# --- The user's side: answering a request for documents -----------------------------------


def document_request_get_for_user(
    *, user: Any, code: Any, for_write: bool = False
) -> tuple[Application, DocumentRequest]:
    """The latest request for documents of the user's application ``code``
    (404 when the application is not theirs or has no request; 403 with
    ``for_write`` for a user who may only read)."""
    application = application_get_for_user(user=user, code=code, for_write=for_write)
    document_request = (
        DocumentRequest.objects.filter(application=application)
        # Its notice (資料提出通知) and PDFs in the same query.
        .select_related("notice__file_ja", "notice__file_en")
        .order_by("-created_at", "-pk")
        .first()
    )
    if document_request is None:
        raise Http404
    return application, document_request


def open_document_requests_for_user(
    *, user: Any, limit: int = 10, organization_id: int | None = None
) -> list[DocumentRequest]:
    """Open requests for documents of the user's organisations (within an
    appointee's scope; or of the one ``organization_id`` among them),
    soonest due first (for the dashboard)."""
    cases = applications_for_user(user=user)
    if organization_id is not None:
        cases = cases.filter(organization_id=organization_id)
    return list(
        DocumentRequest.objects.filter(
            state=DocumentRequest.State.OPEN,
            application__in=cases.values("pk"),
        )
        .select_related("application", "application__application_type")
        .order_by("due_date", "pk")[:limit]
    )


def document_response_file_access(user: Any, stored_file: Any) -> Access:
    """File-access checker for purpose "document_response" (files sent in
    answer to a request for documents), registered in ReviewConfig.ready.

    The users of the application's organisation may download them (read-only
    users too); examiners, supervisors and clerks of the application's
    office may also view them inline, once the organisation has sent the
    answer (before that the files are the organisation's draft, which it may
    still remove; review L6).  Everybody else: "none" (404)."""
    facts = (
        DocumentRequestFile.objects.filter(file_id=stored_file.pk)
        .values(
            "item__request__application_id",
            "item__request__application__office_id",
            "item__request__state",
        )
        .first()
    )
    if facts is None:
        return "none"
    if application_in_scope(
        user=user, application_id=facts["item__request__application_id"]
    ):
        return "view"
    if facts["item__request__state"] != DocumentRequest.State.OPEN and facts[
        "item__request__application__office_id"
    ] in case_office_ids(user):
        return "view_inline"
    return "none"


def user_case_panel(
    request: Any, application: Application
) -> tuple[str, dict[str, Any]] | None:
    """The review side of the user's case page: an open request for
    documents, the fee and issuance steps after a decision, and the office's
    processing time for this type."""
    from review.processing_times import processing_time_for

    open_request = None
    if application.status == Status.AWAITING_DOCUMENTS:
        open_request = open_request_once(application)
    decided = application.status in AFTER_DECISION
    payment = payment_once(application) if decided else None
    figure = processing_time_for(
        office_id=application.office_id, type_code=application.application_type.code
    )
    if not (open_request or decided or figure):
        return None
    return (
        "review/_user_case_panel.html",
        {
            "application": application,
            "open_request": open_request,
            "show_issuance": decided,
            "payment": payment,
            "fee_payable": payment is not None
            and issuance_state_refusal(
                IssuanceFacts(application=application, payment=payment),
                IssuanceAction.PAY,
            )
            is None,
            "figure": figure,
        },
    )


# --- Issuance reads -------------------------------------------------------------------


def approved_decision(*, application: Application) -> Decision | None:
    """The approved decision of the case (a grant or a denial), if any."""
    return (
        Decision.objects.filter(application=application, state=Decision.State.APPROVED)
        .select_related("granted_status")
        .first()
    )


def approved_grant(*, application: Application) -> Decision | None:
    """The approved decision, if it grants."""
    decision = approved_decision(application=application)
    return (
        decision
        if decision is not None and decision.outcome == Decision.Outcome.GRANT
        else None
    )


def companions_of(*, application: Application) -> list[Application]:
    """The companion applications filed with the main one, in display order."""
    return list(
        Application.objects.filter(main=application)
        .select_related("application_type")
        .order_by("application_type__sort_order", "id")
    )


def payment_for(*, application: Application) -> Payment | None:
    """The case's payment (the fee due), once it was assessed."""
    return Payment.objects.filter(application=application).first()


def dispatch_for(*, application: Application) -> Dispatch | None:
    return Dispatch.objects.filter(application=application).first()


def assignment_of(application: Application) -> Assignment | None:
    """The case's assignment as selected with it (``assignment`` in
    ``select_related``), or None when nobody examines it."""
    try:
        return application.assignment
    except Assignment.DoesNotExist:
        return None


def assignment_for_update(*, application: Application) -> Assignment | None:
    """The case's assignment with its examiner (the caller holds the case lock)."""
    return (
        Assignment.objects.select_related("examiner")
        .filter(application=application)
        .first()
    )


def timeline_details(application: Application) -> dict[str, Any]:
    """What the user's timeline names from the review side: the due date of
    the open request for documents (the requests themselves come from the
    case's events) and the dispatch's tracking number once sent.  At most
    one query: the open request is kept on the application for
    ``user_case_panel``."""
    details: dict[str, Any] = {"open_due_date": None, "tracking_number": ""}
    if application.status == Status.AWAITING_DOCUMENTS:
        open_request = open_request_once(application)
        details["open_due_date"] = open_request.due_date if open_request else None
    elif application.status in (Status.DISPATCHED, Status.COMPLETED):
        dispatch = dispatch_once(application)
        details["tracking_number"] = dispatch.tracking_number if dispatch else ""
    return details


# What a decided case's pages show from the review side, by the case's key:
# the approved decision, the payment, the residence card and the dispatch
# (their statuses of residence from the process cache), and the person's
# expiry before issuance replaced it (the outcome panel counts the new
# expiry from it).
_DECIDED = CompiledQuery(
    lambda pk: (
        Application.objects.filter(pk=pk)
        .annotate(
            approved=FilteredRelation(
                "decisions", condition=Q(decisions__state=Decision.State.APPROVED)
            ),
            earlier_expiry=Subquery(
                PersonRecordHistory.objects.filter(application=OuterRef("pk"))
                .order_by("pk")
                .values("period_expiry")[:1]
            ),
        )
        .order_by("pk")
        .values_list(
            "id",
            *_fields(Decision, "approved__"),
            *_fields(Payment, "payment__"),
            *_fields(ResidenceCard, "residence_card__"),
            *_fields(Dispatch, "dispatch__"),
            "earlier_expiry",
        )
    ),
    prepared=True,
)


def _decided_records(application: Application) -> dict[str, Any]:
    """What a decided case's pages show from the review side — the approved
    decision (with the status granted), the payment, the residence card and
    the dispatch — read in one query and kept on the application for the
    rest of the request (the outcome panel, the fee panel and the timeline
    all use them)."""
    cached = getattr(application, "_decided_records", None)
    if cached is not None:
        return cached
    found = _DECIDED.objects(application.pk)
    row = found[0] if found else None
    records = {
        name: getattr(row, name, None) if row is not None else None
        for name in (
            "approved",
            "payment",
            "residence_card",
            "dispatch",
            "earlier_expiry",
        )
    }
    decision, card = records["approved"], records["residence_card"]
    _types, statuses = reference_maps(
        (),
        (
            decision.granted_status_id if decision is not None else None,
            card.status_id if card is not None else None,
        ),
    )
    if decision is not None and decision.granted_status_id in statuses:
        decision.granted_status = statuses[decision.granted_status_id]
    if card is not None and card.status_id in statuses:
        card.status = statuses[card.status_id]
    application._decided_records = records  # type: ignore[attr-defined]
    return records


def approved_decision_once(application: Application) -> Decision | None:
    return _decided_records(application)["approved"]


def payment_once(application: Application) -> Payment | None:
    """``payment_for``, read once per page (the outcome panel and the
    issuance panel both show the fee)."""
    return _decided_records(application)["payment"]


def earlier_period_expiry_once(application: Application) -> date | None:
    """The person's period expiry as it was before this case's issuance
    (``PersonRecordHistory``), if issuance recorded one."""
    return _decided_records(application)["earlier_expiry"]


def card_once(application: Application) -> ResidenceCard | None:
    return _decided_records(application)["residence_card"]


def dispatch_once(application: Application) -> Dispatch | None:
    """``dispatch_for``, read once per page (the outcome panel and the
    timeline both name the tracking number)."""
    return _decided_records(application)["dispatch"]


# The case's open request for documents (the newest, as ``.first()`` would).
_OPEN_REQUEST = CompiledQuery(
    lambda pk: (
        DocumentRequest.objects.filter(
            application_id=pk, state=DocumentRequest.State.OPEN
        )
        .order_by("-created_at")
        .values_list(*_fields(DocumentRequest))[:1]
    ),
    prepared=True,
)


def open_request_once(application: Application) -> DocumentRequest | None:
    """The case's open request for documents, read once per page."""
    if not hasattr(application, "_open_document_request"):
        found = _OPEN_REQUEST.objects(application.pk)
        application._open_document_request = found[0] if found else None  # type: ignore[attr-defined]
    return application._open_document_request  # type: ignore[attr-defined]


def user_case_page_reads(
    application: Application,
) -> list[tuple[CompiledQuery, tuple[Any, ...]]]:
    """The reads the review side of the user's case page will make
    (``user_case_panel``, ``outcome_panel``, ``timeline_details``), for the
    page to send with its own in one round trip
    (``applications.panels.register_case_reads``)."""
    key = (application.pk,)
    if application.status == Status.AWAITING_DOCUMENTS:
        return [(_OPEN_REQUEST, key)]
    if application.status in AFTER_DECISION:
        return [(_DECIDED, key)]
    return []
