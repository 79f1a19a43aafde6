"""Reads for the applications app."""

from __future__ import annotations

import time
import uuid
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import (
    CharField,
    Count,
    Exists,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    StringAgg,
    Subquery,
    Value,
)
from django.db.models.functions import Cast
from django.http import Http404
from django.utils import timezone

from accounts.models import Membership, Office, Organization, RosterEntry, User
from accounts.permissions import can_file
from accounts.selectors import (
    current_appointments,
    organizations_today,
)
from accounts.validators import normalize_text
from applications import eligibility, search
from applications.application_forms import jurisdiction, online_scope
from applications.models import (
    Application,
    ApplicationDocument,
    ApplicationType,
    DocumentSlot,
    Fee,
    ForeignNational,
    GeneratedDocument,
    OrganisationProfile,
    StatusEvent,
    StatusOfResidence,
    StatusSubCategory,
)
from applications.workflow import Status
from portal.lib import keyset
from portal.lib.access import get_or_404
from portal.lib.compiled import CompiledQuery


def fee_for(
    *,
    application_type: ApplicationType | str,
    variant: str = "",
    channel: str,
    received_on: date,
) -> int:
    """The fee in yen for an application of ``application_type`` (an instance
    or its code) and ``variant`` ("" or, for re-entry, "single"/"multiple")
    filed through ``channel`` ("online"/"counter") and received on
    ``received_on``: the amount of the fee row with the greatest ``valid_from``
    on or before that day.  Free types return 0 (they have rows of 0).

    Raises Fee.DoesNotExist when the table has no such row — a data error,
    never read as "free".
    """
    fees = Fee.objects.filter(
        variant=variant, channel=channel, valid_from__lte=received_on
    )
    if isinstance(application_type, ApplicationType):
        fees = fees.filter(application_type=application_type)
    else:
        fees = fees.filter(application_type__code=application_type)
    amount = fees.order_by("-valid_from").values_list("amount_yen", flat=True).first()
    if amount is None:
        raise Fee.DoesNotExist(
            f"no fee for {application_type} {variant!r} {channel} on {received_on}"
        )
    return amount


# --- Access -----------------------------------------------------------------------


def user_organization_ids(*, user: Any) -> set[int]:
    """Organisations whose applications the user may see (cached per request
    on the user object).  An appointee may be limited within one of them to
    some types and people: lists and objects go through ``scope_applications``
    / ``scope_people`` as well."""
    if not hasattr(user, "_zairyu_org_ids"):
        user._zairyu_org_ids = {o.pk for o in organizations_today(user=user)}
    return set(user._zairyu_org_ids)


@dataclass(frozen=True)
class ScopeLimit:
    """An appointee's reach within one organisation: the ids of the
    application types and of the people the appointment names, or None for
    every one of them."""

    organization_id: int
    type_ids: frozenset[int] | None
    person_ids: frozenset[int] | None


def user_scope_limits(*, user: Any) -> dict[int, ScopeLimit]:
    """The user's limited appointments that give access now, by organisation
    (empty for staff and for appointees with the scope "everything": they see
    every case of ``user_organization_ids``).  Cached per request on the user
    object; no query for staff (category 1), who are never appointed."""
    cached = getattr(user, "_zairyu_scope_limits", None)
    if cached is not None:
        return dict(cached)
    limits: dict[int, ScopeLimit] = {}
    if getattr(user, "is_authenticated", False) and user.user_category not in (
        None,
        User.Category.ORG_STAFF,
    ):
        limited = (
            current_appointments()
            .filter(appointee=user)
            .filter(Q(scope_all_types=False) | Q(scope_all_people=False))
            .exclude(organization__memberships__user=user)
            .select_related("scope")
            .prefetch_related("scope__application_types", "scope__people")
        )
        for appointment in limited:
            scope = getattr(appointment, "scope", None)
            types: frozenset[int] | None = None
            people: frozenset[int] | None = None
            if not appointment.scope_all_types:
                types = frozenset(
                    t.pk for t in (scope.application_types.all() if scope else [])
                )
            if not appointment.scope_all_people:
                people = frozenset(p.pk for p in (scope.people.all() if scope else []))
            limits[appointment.organization_id] = ScopeLimit(
                appointment.organization_id, types, people
            )
    user._zairyu_scope_limits = limits
    return dict(limits)


def scope_limit_for(*, user: Any, organization_id: int) -> ScopeLimit | None:
    """The user's limit within the organisation, or None (no limit)."""
    return user_scope_limits(user=user).get(organization_id)


def scope_applications(
    applications: QuerySet[Application], *, user: Any
) -> QuerySet[Application]:
    """THE scope filter of cases and drafts: keeps the main applications an
    appointee's limited appointment covers (its types and its people) and
    every application of the organisations they may see whole.  Every list
    and every object lookup of applications goes through it, so an
    out-of-scope case answers 404 like another organisation's."""
    limits = user_scope_limits(user=user)
    if not limits:
        return applications
    allowed = Q(organization_id__in=user_organization_ids(user=user) - set(limits))
    for limit in limits.values():
        part = Q(organization_id=limit.organization_id)
        if limit.type_ids is not None:
            part &= Q(application_type_id__in=limit.type_ids)
        if limit.person_ids is not None:
            part &= Q(foreign_national_id__in=limit.person_ids)
        allowed |= part
    return applications.filter(allowed)


def scope_people(
    people: QuerySet[ForeignNational], *, user: Any
) -> QuerySet[ForeignNational]:
    """The scope filter of people: an appointment limited to some people
    shows those only (one limited to some types shows every person)."""
    limits = user_scope_limits(user=user)
    if not any(limit.person_ids is not None for limit in limits.values()):
        return people
    allowed = Q(
        organization_id__in=user_organization_ids(user=user)
        - {o for o, limit in limits.items() if limit.person_ids is not None}
    )
    for limit in limits.values():
        if limit.person_ids is not None:
            allowed |= Q(organization_id=limit.organization_id, pk__in=limit.person_ids)
    return people.filter(allowed)


def in_scope(
    *,
    user: Any,
    organization_id: int,
    application_type_id: int | None = None,
    person_id: int | None = None,
) -> bool:
    """Whether a draft of this type for this person (either may be left out)
    is within the user's scope at the organisation (the same rule as
    ``scope_applications``, for a draft not made yet)."""
    if organization_id not in user_organization_ids(user=user):
        return False
    limit = scope_limit_for(user=user, organization_id=organization_id)
    if limit is None:
        return True
    type_outside = (
        application_type_id is not None
        and limit.type_ids is not None
        and application_type_id not in limit.type_ids
    )
    person_outside = (
        person_id is not None
        and limit.person_ids is not None
        and person_id not in limit.person_ids
    )
    return not (type_outside or person_outside)


def application_row_in_scope(*, user: Any, application: Application) -> bool:
    """``scope_applications`` for one application already read: its
    organisation is one of the user's, and an appointee's limit there covers
    its type and its person (a draft without a person is outside a limit to
    some people, as NULL is in SQL).  Tested against the queryset rule."""
    if application.organization_id not in user_organization_ids(user=user):
        return False
    limit = scope_limit_for(user=user, organization_id=application.organization_id)
    return limit is None or (
        (limit.type_ids is None or application.application_type_id in limit.type_ids)
        and (
            limit.person_ids is None
            or application.foreign_national_id in limit.person_ids
        )
    )


def may_see_every_person(*, user: Any, organization_id: int) -> bool:
    """The user's scope covers every person of the organisation (so they may
    add people and bring people in from the roster)."""
    limit = scope_limit_for(user=user, organization_id=organization_id)
    return limit is None or limit.person_ids is None


def application_in_scope(*, user: Any, application_id: int) -> bool:
    """The application (a companion counts as its main application) is one
    the user may see: their organisation's and within their scope."""
    facts = Application.objects.filter(pk=application_id).values("main_id").first()
    if facts is None:
        return False
    target = facts["main_id"] or application_id
    return (
        scope_applications(
            Application.objects.filter(
                pk=target, organization_id__in=user_organization_ids(user=user)
            ),
            user=user,
        )
        .only("pk")
        .exists()
    )


def applications_for_user(*, user: Any) -> QuerySet[Application]:
    """Main applications (companions travel with them) of the user's
    organisations, within an appointee's scope; drafts included."""
    return scope_applications(
        _applications_of(user_organization_ids(user=user)), user=user
    )


def _applications_of(organization_ids: Collection[int]) -> QuerySet[Application]:
    return (
        Application.objects.filter(
            organization_id__in=organization_ids, main__isnull=True
        )
        .select_related("application_type", "foreign_national", "organization")
        .prefetch_related("companions__application_type")
    )


# What ``application_get_for_user`` selects with the application by default.
APPLICATION_RELATED = (
    "application_type",
    "foreign_national",
    "organization",
    "office",
    "target_status",
    "target_subcategory",
)


def application_get_for_user(
    *,
    user: Any,
    code: Any,
    for_write: bool = False,
) -> Application:
    """The application if it belongs to one of the user's organisations and
    is within an appointee's scope, else 404 (also for companions addressed
    directly: they are reached through their main application).
    ``for_write`` additionally requires an active account (403 for suspended
    or expired users, who may only read)."""
    application = get_or_404(
        scope_applications(
            Application.objects.select_related(*APPLICATION_RELATED),
            user=user,
        ),
        code=code,
        main__isnull=True,
        organization_id__in=user_organization_ids(user=user),
    )
    if for_write and not can_file(user):
        raise PermissionDenied
    return application


def foreign_nationals_for_user(*, user: Any) -> QuerySet[ForeignNational]:
    """People of the user's organisations, within an appointee's scope."""
    return scope_people(
        ForeignNational.objects.filter(
            organization_id__in=user_organization_ids(user=user)
        ),
        user=user,
    ).select_related("organization", "current_status")


def foreign_national_get_for_user(*, user: Any, code: Any) -> ForeignNational:
    """A person of one of the user's organisations within their scope; else
    404."""
    return get_or_404(foreign_nationals_for_user(user=user), code=code)


# --- Reference data lookups ---------------------------------------------------------


def document_slots_for(
    *,
    application_type: ApplicationType,
    status: StatusOfResidence | None,
    org_category: int | None,
) -> list[DocumentSlot]:
    """The document slots for a filing.  Rows match when each of their keys is
    empty (wildcard) or equal; for each slot code the most specific matching
    row wins (type, then status, then category count as specificity)."""
    candidates = DocumentSlot.objects.filter(
        Q(application_type__isnull=True) | Q(application_type=application_type),
        Q(status__isnull=True) | Q(status=status),
        Q(org_category__isnull=True) | Q(org_category=org_category),
    )
    best: dict[str, tuple[int, DocumentSlot]] = {}
    for slot in candidates:
        score = (
            (slot.application_type_id is not None) * 4
            + (slot.status_id is not None) * 2
            + (slot.org_category is not None)
        )
        if slot.code not in best or score > best[slot.code][0]:
            best[slot.code] = (score, slot)
    return sorted(
        (slot for _, slot in best.values()), key=lambda s: (s.sort_order, s.code)
    )


# --- Reference rows from a process cache ------------------------------------------
# Application types and statuses of residence are a few dozen rows that change
# with a migration or in the admin.  Lists join them from this cache instead
# of a wider select_related: every extra join of a list query costs planning
# time on every page.
REFERENCE_SECONDS = 300
_reference: dict[str, Any] = {}


def _reference_maps(
    *, refresh: bool = False
) -> tuple[dict[int, ApplicationType], dict[int, StatusOfResidence]]:
    now = time.monotonic()
    if refresh or _reference.get("until", 0) < now:
        _reference["types"] = {t.pk: t for t in ApplicationType.objects.all()}
        _reference["statuses"] = {s.pk: s for s in StatusOfResidence.objects.all()}
        _reference["subcategories"] = {s.pk: s for s in StatusSubCategory.objects.all()}
        _reference["offices"] = {o.pk: o for o in Office.objects.all()}
        _reference["until"] = now + REFERENCE_SECONDS
        _reference["generation"] = _content_hash(
            [*_reference["types"].values(), *_reference["statuses"].values()]
        )
    return _reference["types"], _reference["statuses"]


def _content_hash(rows: Iterable[Any]) -> int:
    return hash(
        repr(
            [
                (
                    type(row).__name__,
                    [getattr(row, f.attname) for f in row._meta.concrete_fields],
                )
                for row in rows
            ]
        )
    )


def reference_generation() -> int:
    """What the reference rows (types, statuses of residence) in the process
    cache say, as a number that changes when any of them changes: part of
    the key of anything printed from them (``portal.lib.rowcache``), so a
    renamed type or status prints anew after the next reading, and a reading
    that found nothing new keeps what was printed."""
    _reference_maps()
    return int(_reference["generation"])


def reference_lists() -> tuple[list[ApplicationType], list[StatusOfResidence]]:
    """The main application types and the statuses of residence in the
    catalogue's order, from the process cache (a filter form's choices:
    no query or cache round trip on the page)."""
    types, statuses = _reference_maps()
    return (
        sorted(
            (t for t in types.values() if not t.is_companion),
            key=lambda t: (t.sort_order, t.number),
        ),
        sorted(statuses.values(), key=lambda s: (s.sort_order, s.code)),
    )


def forget_reference() -> None:
    """Empty the process cache of reference rows (tests: rows change between
    them)."""
    _reference.clear()


def reference_maps(
    type_ids: Iterable[int], status_ids: Iterable[int | None]
) -> tuple[dict[int, ApplicationType], dict[int, StatusOfResidence]]:
    """Application types and statuses of residence by primary key, from the
    process cache, sure to hold ``type_ids`` and ``status_ids`` (a row added
    since the cache was filled refreshes it once)."""
    types, statuses = _reference_maps()
    wanted_statuses = {pk for pk in status_ids if pk is not None}
    if not set(type_ids) <= types.keys() or not wanted_statuses <= statuses.keys():
        types, statuses = _reference_maps(refresh=True)
    return types, statuses


def attach_case_reference(applications: Iterable[Application]) -> None:
    """Fill the reference rows a case page shows — the application type, the
    status (and subcategory) applied for, the office, and the selected
    person's current status and subcategory — from the process cache, so
    that the case's queries join only what belongs to the case (planning
    time grows fast with every join).  No query, except a refresh of the
    cache when one of the rows is not in it yet.  The applications must have
    those foreign keys loaded (not deferred)."""
    applications = list(applications)
    wanted: list[tuple[str, int | None]] = []
    for application in applications:
        wanted += [
            ("types", application.application_type_id),
            ("statuses", application.target_status_id),
            ("subcategories", application.target_subcategory_id),
            ("offices", application.office_id),
        ]
        person = application._state.fields_cache.get("foreign_national")
        if person is not None:
            wanted += [
                ("statuses", person.current_status_id),
                ("subcategories", person.current_subcategory_id),
            ]
    _reference_maps()
    if any(pk is not None and pk not in _reference[kind] for kind, pk in wanted):
        # A row added (admin) or reloaded since the cache was filled.
        _reference_maps(refresh=True)
    types, statuses = _reference["types"], _reference["statuses"]
    subcategories, offices = _reference["subcategories"], _reference["offices"]
    # A key that is None needs nothing: Django answers None without a query.
    for application in applications:
        if application.application_type_id in types:
            application.application_type = types[application.application_type_id]
        if application.target_status_id in statuses:
            application.target_status = statuses[application.target_status_id]
        if application.target_subcategory_id in subcategories:
            application.target_subcategory = subcategories[
                application.target_subcategory_id
            ]
        if application.office_id in offices:
            application.office = offices[application.office_id]
        person = application._state.fields_cache.get("foreign_national")
        if person is not None:
            if person.current_status_id in statuses:
                person.current_status = statuses[person.current_status_id]
            if person.current_subcategory_id in subcategories:
                person.current_subcategory = subcategories[
                    person.current_subcategory_id
                ]


def application_types_cached() -> list[ApplicationType]:
    """Every application type in catalogue order, from the process cache."""
    return sorted(_reference_maps()[0].values(), key=lambda t: (t.sort_order, t.number))


def statuses_cached() -> list[StatusOfResidence]:
    """Every status of residence, from the process cache (labels of the
    form's status answers without a query)."""
    return list(_reference_maps()[1].values())


def attach_reference(applications: Iterable[Application]) -> None:
    """Fill ``application_type``, ``target_status`` and the person's
    ``current_status`` (when the person is selected) from the cache; no
    query, except a refresh of the cache every few minutes."""
    applications = list(applications)
    types, statuses = _reference_maps()
    wanted_types = {a.application_type_id for a in applications}
    wanted_statuses = {a.target_status_id for a in applications} | {
        person.current_status_id
        for a in applications
        if (person := a._state.fields_cache.get("foreign_national")) is not None
    }
    wanted_statuses.discard(None)
    if not wanted_types <= types.keys() or not wanted_statuses <= statuses.keys():
        # A row added (admin) or reloaded (a new primary key) since the cache
        # was filled: refresh now rather than lazy-load it row by row.
        types, statuses = _reference_maps(refresh=True)
    for application in applications:
        kind = types.get(application.application_type_id)
        if kind is not None:
            application.application_type = kind
        if application.target_status_id in statuses:
            application.target_status = statuses[application.target_status_id]
        person = application._state.fields_cache.get("foreign_national")
        if person is not None and person.current_status_id in statuses:
            person.current_status = statuses[person.current_status_id]


# --- The user's cases (after submission) -------------------------------------------


def cases_for_user(
    *,
    user: Any,
    organization_id: int | None = None,
    application_type: str | None = None,
    statuses: Collection[str] | None = None,
    text: str | None = None,
) -> QuerySet[Application]:
    """Submitted main applications of the user's organisations (drafts are
    the filing flow's list), newest submission first, ordered by
    ``(-submitted_at, -id)`` for keyset paging; companions prefetched.

    ``text`` (at least 3 characters, already normalised by the form) is the
    start of the receipt number of the application or of one of its
    companions, a residence card number, or words of the person's
    normalised name (``applications.search``: indexed lookups, never a scan
    of every person).  Nothing here counts the rows."""
    return _cases(
        applications_for_user(user=user),
        organization_id=organization_id,
        application_type=application_type,
        statuses=statuses,
        text=text,
    )


def _cases(
    applications: QuerySet[Application],
    *,
    organization_id: int | None = None,
    application_type: str | None = None,
    statuses: Collection[str] | None = None,
    text: str | None = None,
) -> QuerySet[Application]:
    # One query for the companions with their types (not two).
    companions = Prefetch(
        "companions",
        queryset=Application.objects.select_related("application_type").order_by(
            "application_type__sort_order", "id"
        ),
    )
    qs = (
        applications.filter(submitted_at__isnull=False)
        .prefetch_related(None)
        .prefetch_related(companions)
    )
    if organization_id is not None:
        qs = qs.filter(organization_id=organization_id)
    if application_type:
        qs = qs.filter(application_type__code=application_type)
    if statuses:
        qs = qs.filter(status__in=list(statuses))
    if text:
        found, condition = search.case_search(text)
        if found == "receipt":
            # A companion's receipt number finds its main application.
            companion_receipt = Application.objects.filter(
                main=OuterRef("pk"), receipt_number__startswith=text
            )
            condition |= Q(Exists(companion_receipt))
        qs = qs.filter(condition)
    return qs.order_by("-submitted_at", "-id")


def cases_keyset_page(
    cases: QuerySet[Any, Any],
    *,
    after: tuple[datetime, int] | None = None,
    before: tuple[datetime, int] | None = None,
    size: int = 50,
) -> tuple[list[Any], bool]:
    """One page of ``cases`` (ordered by ``(-submitted_at, -id)``): the rows
    after the key ``after`` (next page), or before ``before`` (previous page),
    or the first rows.  Returns the rows (in list order) and whether more rows
    lie beyond them in the direction of travel.

    The key is compared as a row value, ``(submitted_at, id) < (%s, %s)``,
    which PostgreSQL answers from the ``app_case_list`` index without
    OFFSET — the cost of a page does not grow with its depth."""
    rows = list(_keyset_page_of(cases, after=after, before=before, size=size))
    return keyset.in_list_order(rows, backwards=before is not None, size=size)


def _keyset_page_of(
    cases: QuerySet[Any, Any],
    *,
    after: tuple[datetime, int] | None,
    before: tuple[datetime, int] | None,
    size: int,
) -> QuerySet[Any, Any]:
    return keyset.page_of(
        cases,
        columns=("submitted_at", "id"),
        descending=True,
        after=after,
        before=before,
        size=size,
    )


# The case list as every organisation opens it — no filter, first or later
# pages — read through a query compiled once per process for each shape
# (``portal.lib.compiled``): building and compiling it with the ORM cost
# about a tenth of the page.  The shape is the number of organisations, the
# direction of the cursor and the page size; a user whose appointment is
# limited to some types or people (``user_scope_limits``) goes through the
# ORM, as does every filter.
_CASE_PAGES: dict[tuple[int, bool, bool, int], CompiledQuery] = {}


def compiled_case_list_page(
    *,
    user: Any,
    after: tuple[datetime, int] | None = None,
    before: tuple[datetime, int] | None = None,
    size: int = 50,
) -> tuple[list[dict[str, Any]], bool] | None:
    """``cases_keyset_page(case_list_values(cases_for_user(user=user)))``
    without filters — the same SQL and rows (tested) — or None when the
    user's scope is limited (the caller builds the query)."""
    if user_scope_limits(user=user):
        return None
    organizations = sorted(user_organization_ids(user=user))
    if not organizations:
        return [], False
    if before is not None and after is not None:
        before = None
    shape = (len(organizations), after is not None, before is not None, size)
    query = _CASE_PAGES.get(shape) or _CASE_PAGES.setdefault(
        shape, _compile_case_list_page(*shape)
    )
    rows = query.dicts(*organizations, *(after or before or ()))
    return keyset.in_list_order(rows, backwards=before is not None, size=size)


def _compile_case_list_page(
    organizations: int, forward: bool, backward: bool, size: int
) -> CompiledQuery:
    def build(*args: Any) -> QuerySet[Any, dict[str, Any]]:
        cases = case_list_values(_cases(_applications_of(set(args[:organizations]))))
        cursor = (
            (args[organizations], args[organizations + 1])
            if forward or backward
            else None
        )
        return _keyset_page_of(
            cases,
            after=cursor if forward else None,
            before=cursor if backward else None,
            size=size,
        )

    kinds = (int,) * organizations + ((datetime, int) if forward or backward else ())
    return CompiledQuery(build, kinds=kinds)


# What a row of the case list shows, read as plain values (model instances
# for 50 cases, people and organisations cost more than the rest of the page).
CASE_LIST_VALUES = (
    "id",
    "code",
    "receipt_number",
    "status",
    "application_type_id",
    "submitted_at",
    "foreign_national__family_name",
    "foreign_national__given_name",
    "foreign_national__name_kanji",
    "organization__name_ja",
    "organization__name_en",
    "companion_types",
)


def case_list_values(cases: QuerySet[Application]) -> QuerySet[Any, dict[str, Any]]:
    """``cases`` (from ``cases_for_user``) as ``CASE_LIST_VALUES`` rows; a
    row's companions come in it as their types' ids joined by commas
    (``companion_type_ids`` reads them), not from a second query."""
    companions = (
        Application.objects.filter(main=OuterRef("pk"))
        .order_by()
        .values("main")
        .annotate(
            # No ORDER BY inside the aggregate: SQLite (make run) refuses
            # it; companion_type_ids puts them in order.
            types=StringAgg(Cast("application_type_id", CharField()), Value(","))
        )
        .values("types")
    )
    return (
        cases.prefetch_related(None)
        .annotate(companion_types=Subquery(companions))
        .values(*CASE_LIST_VALUES)
    )


def companion_type_ids(row: dict[str, Any]) -> list[int]:
    """The application types of a case list row's companions, in the order a
    case lists them."""
    if not row["companion_types"]:
        return []
    ids = [int(pk) for pk in row["companion_types"].split(",")]
    types, _statuses = reference_maps(ids, ())
    return sorted(ids, key=lambda pk: (types[pk].sort_order, pk))


def application_status_counts(*, user: Any) -> dict[str, int]:
    """How many submitted main applications of the user's organisations are
    in each status; one grouped query (after the organisations)."""
    rows = (
        scope_applications(
            Application.objects.filter(
                organization_id__in=user_organization_ids(user=user),
                main__isnull=True,
                submitted_at__isnull=False,
            ),
            user=user,
        )
        .values("status")
        .annotate(n=Count("id"))
        .order_by()
    )
    return {row["status"]: row["n"] for row in rows}


def case_companions(*, application: Application) -> list[Application]:
    return list(
        Application.objects.filter(main=application)
        .select_related("application_type")
        .order_by("application_type__sort_order", "id")
    )


def case_documents(*, application: Application) -> list[ApplicationDocument]:
    """The documents sent with the application, by slot, each with its file."""
    return list(
        ApplicationDocument.objects.filter(application=application)
        .select_related("slot", "file")
        .order_by("slot__sort_order", "slot__code", "uploaded_at", "id")
    )


def case_events(*, application: Application) -> list[StatusEvent]:
    """The case's status events in time order, kept on the application for
    the rest of the request (the timeline and the outcome panel share
    them)."""
    events = list(
        StatusEvent.objects.filter(application=application).order_by("at", "id")
    )
    application._case_events = events  # type: ignore[attr-defined]
    return events


def case_events_once(application: Application) -> list[StatusEvent]:
    cached = getattr(application, "_case_events", None)
    return cached if cached is not None else case_events(application=application)


def case_generated_languages(*, application: Application) -> dict[str, set[str]]:
    """The languages each generated PDF (receipt, 申請書) has been rendered
    in, by kind (one query)."""
    found: dict[str, set[str]] = {}
    rows = GeneratedDocument.objects.filter(application=application).values_list(
        "kind", "language"
    )
    for kind, language in rows:
        found.setdefault(kind, set()).add(language)
    return found


# --- The user's case page: reads compiled once ----------------------------------------
# Each is a small indexed read by the case's key; building and compiling the
# queryset cost more than PostgreSQL's answer (portal/lib/compiled.py).

# The case (or a draft: the view sends it back to the filing flow) with its
# person and organisation, by ``code``.  Whether the user may see it is
# decided on the row (``application_row_in_scope``): an
# ``__in`` list of organisations would change the SQL per user.
_USER_CASE = CompiledQuery(
    lambda code: Application.objects.filter(code=code, main__isnull=True).values_list(
        *(f.attname for f in Application._meta.concrete_fields),
        *(
            "foreign_national__" + f.attname
            for f in ForeignNational._meta.concrete_fields
        ),
        *("organization__" + f.attname for f in Organization._meta.concrete_fields),
    ),
    kinds=(uuid.UUID,),
    prepared=True,
)


def case_page_get_for_user(*, user: Any, code: uuid.UUID) -> Application:
    """``application_get_for_user`` for the case page (the same 404), read
    with a query compiled once; the person and the organisation selected,
    the reference rows from the process cache (``attach_case_reference``)."""
    found: list[Application] = _USER_CASE.objects(code)
    if not found or not application_row_in_scope(user=user, application=found[0]):
        raise Http404
    attach_case_reference(found)
    return found[0]


# What the case page reads of the companions (their types from the cache).
COMPANION_FIELDS = (
    "id",
    "code",
    "receipt_number",
    "status",
    "main_id",
    "office_id",
    "application_type_id",
    "target_status_id",
    "target_subcategory_id",
    "reentry_variant",
    "reentry_until",
    "other_activity_kind",
    "other_activity_details",
)
_PAGE_COMPANIONS = CompiledQuery(
    lambda pk: Application.objects.filter(main_id=pk).values_list(*COMPANION_FIELDS),
    prepared=True,
)
_PAGE_DOCUMENTS = CompiledQuery(
    lambda pk: (
        ApplicationDocument.objects.filter(application_id=pk)
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
_PAGE_EVENTS = CompiledQuery(
    lambda pk: (
        StatusEvent.objects.filter(application_id=pk)
        .order_by("at", "id")
        .values_list(*(f.attname for f in StatusEvent._meta.concrete_fields))
    ),
    prepared=True,
)
_PAGE_GENERATED = CompiledQuery(
    lambda pk: GeneratedDocument.objects.filter(application_id=pk).values_list(
        "kind", "language"
    ),
    prepared=True,
)


def case_page_companions(*, application: Application) -> list[Application]:
    """The companions in catalogue order (``COMPANION_FIELDS`` read, the
    types from the process cache)."""
    companions: list[Application] = _PAGE_COMPANIONS.objects(application.pk)
    attach_case_reference(companions)
    return in_catalogue_order(companions)


def in_catalogue_order(applications: Iterable[Application]) -> list[Application]:
    """Applications (companions) in the order a case lists them: by their
    type's place in the catalogue (types attached), then as filed."""
    return sorted(applications, key=lambda a: (a.application_type.sort_order, a.pk))


def case_page_documents(*, application: Application) -> list[tuple[Any, ...]]:
    """The documents sent, by slot: (slot id, the slot's Japanese and
    English names, the file's code, name, kind and size)."""
    return _PAGE_DOCUMENTS.rows(application.pk)


def case_page_events(*, application: Application) -> list[StatusEvent]:
    """``case_events`` for the case page, kept on the application for the
    outcome panel."""
    events: list[StatusEvent] = _PAGE_EVENTS.objects(application.pk)
    application._case_events = events  # type: ignore[attr-defined]
    return events


def case_page_generated_languages(*, application: Application) -> dict[str, set[str]]:
    """``case_generated_languages`` for the case page."""
    found: dict[str, set[str]] = {}
    for kind, language in _PAGE_GENERATED.rows(application.pk):
        found.setdefault(kind, set()).add(language)
    return found


def case_page_reads(
    *, application: Application
) -> list[tuple[CompiledQuery, tuple[Any, ...]]]:
    """The compiled reads behind the user's case page's four ``case_page_*``
    selectors (companions, documents, history, generated documents), for
    ``fetched_together`` to send in one round trip: inside that block the
    selectors take their rows from it."""
    key = (application.pk,)
    return [
        (_PAGE_COMPANIONS, key),
        (_PAGE_DOCUMENTS, key),
        (_PAGE_EVENTS, key),
        (_PAGE_GENERATED, key),
    ]


def case_receipt_languages(
    *, application: Application, kind: str = GeneratedDocument.Kind.RECEIPT
) -> set[str]:
    """The languages in which the receipt (or another generated PDF
    ``kind``) has been rendered."""
    return set(
        GeneratedDocument.objects.filter(
            application=application, kind=kind
        ).values_list("language", flat=True)
    )


def application_receipt_get(
    *,
    application: Application,
    language: str,
    kind: str = GeneratedDocument.Kind.RECEIPT,
) -> GeneratedDocument:
    """The receipt (or another generated PDF ``kind``) of an application the
    caller already may see, in ``language``; 404 while it is not rendered
    (or for another language)."""
    return get_or_404(
        GeneratedDocument.objects.select_related("file"),
        application=application,
        kind=kind,
        language=language,
    )


def application_file_facts(*, stored_file_id: int) -> dict[str, Any] | None:
    """The organisation, office and status of the application a stored file
    belongs to (an attached document or a receipt PDF); None for another
    file.  What ``rules.application_file_access`` decides on."""
    application_id = (
        ApplicationDocument.objects.filter(file_id=stored_file_id)
        .values_list("application_id", flat=True)
        .first()
    )
    if application_id is None:
        application_id = (
            GeneratedDocument.objects.filter(file_id=stored_file_id)
            .values_list("application_id", flat=True)
            .first()
        )
    if application_id is None:
        return None
    facts = (
        Application.objects.filter(pk=application_id)
        .values("organization_id", "office_id", "status")
        .first()
    )
    return {**facts, "application_id": application_id} if facts is not None else None


# --- The filing flow ------------------------------------------------------------------


def drafts_for_user(*, user: Any) -> QuerySet[Application]:
    """Draft main applications of the user's organisations, most recently
    changed first: drafts belong to the organisation, so a colleague or an
    appointed attorney sees (and may continue) them too."""
    return (
        applications_for_user(user=user)
        .filter(status=Status.DRAFT)
        .select_related("created_by")
        .order_by("-updated_at", "-id")
    )


def foreign_national_duplicate(
    *,
    organization_id: int,
    nationality: str,
    passport_number: str,
    exclude_pk: int | None = None,
) -> ForeignNational | None:
    """The person of the organisation with the same nationality and passport
    number (the ``fn_passport_unique`` key), if any."""
    if not passport_number:
        return None
    qs = ForeignNational.objects.filter(
        organization_id=organization_id,
        nationality=nationality,
        passport_number=passport_number,
    )
    if exclude_pk is not None:
        qs = qs.exclude(pk=exclude_pk)
    return qs.first()


def application_documents(*, application: Application) -> list[ApplicationDocument]:
    """The application's files with their slot and stored file, oldest first."""
    return list(
        application.documents.select_related("file", "slot").order_by(
            "uploaded_at", "id"
        )
    )


def application_document_get(
    *, application: Application, file_code: Any
) -> ApplicationDocument:
    """One file of an application the caller already may see; else 404."""
    return get_or_404(
        application.documents.select_related("file"), file__code=file_code
    )


def sent_person(*, application: Application) -> ForeignNational:
    """The person as they were when the application was sent (a draft, or an
    older case without a snapshot, shows the current record)."""
    snapshot = (application.answers or {}).get("person")
    if not snapshot:
        return application.foreign_national
    return ForeignNational.from_snapshot(
        snapshot, code=application.foreign_national.code
    )


def application_types(
    *, user: Any = None, organization_id: int | None = None
) -> list[ApplicationType]:
    """Every application type in the catalogue's order; with ``user`` and
    ``organization_id``, the main types outside an appointee's scope there
    are left out (companion types stay: they go with a main type)."""
    types = list(ApplicationType.objects.order_by("sort_order", "number"))
    if user is None or organization_id is None:
        return types
    limit = scope_limit_for(user=user, organization_id=organization_id)
    if limit is None or limit.type_ids is None:
        return types
    return [t for t in types if t.is_companion or t.pk in limit.type_ids]


def person_choices(
    *, organization: Organization, query: str, limit: int, user: Any = None
) -> tuple[list[ForeignNational], list[RosterEntry], bool]:
    """Who an application can be started for: the organisation's people and
    the people on its roster without a record yet, matching every word of
    the name ``query`` (Roman letters or kanji); at most ``limit`` in all,
    and whether there are more.  With ``user``, an appointee limited to some
    people sees those only (and nobody from the roster)."""
    people = organization.foreign_nationals.order_by("family_name", "given_name", "pk")
    if user is not None:
        people = scope_people(people, user=user)
    roster = (
        RosterEntry.objects.filter(organization=organization)
        .exclude(
            pk__in=organization.foreign_nationals.filter(
                roster_entry__isnull=False
            ).values("roster_entry_id")
        )
        .order_by("family_name", "given_name", "pk")
    )
    if user is not None and not may_see_every_person(
        user=user, organization_id=organization.pk
    ):
        roster = roster.none()
    if query:
        for word in normalize_text(query).upper().split():
            match = (
                Q(family_name__icontains=word)
                | Q(given_name__icontains=word)
                | Q(name_kanji__icontains=word)
            )
            people = people.filter(match)
            roster = roster.filter(match)
    found_people = list(people[: limit + 1])
    found_roster = list(roster[: limit + 1])
    more = len(found_people) + len(found_roster) > limit
    found_people = found_people[:limit]
    found_roster = found_roster[: limit - len(found_people)]
    return found_people, found_roster, more


def organization_person(
    *, organization: Organization, code: Any, user: Any = None
) -> ForeignNational | None:
    """The organisation's person ``code`` (within ``user``'s scope, when
    given), or None."""
    people = organization.foreign_nationals.filter(code=code)
    if user is not None:
        people = scope_people(people, user=user)
    return people.first()


def organization_roster_entry(
    *, organization: Organization, code: Any, user: Any = None
) -> RosterEntry | None:
    """The entry ``code`` of the organisation's roster, or None (always None
    for a ``user`` whose scope does not cover every person)."""
    if user is not None and not may_see_every_person(
        user=user, organization_id=organization.pk
    ):
        return None
    return RosterEntry.objects.filter(organization=organization, code=code).first()


# --- Who hears about a case, and what the eligibility rules read -----------------------


def organization_users(application: Application) -> list[User]:
    """Who hears about a case: the user who submitted it and every active
    member of the organisation."""
    users = {
        membership.user
        for membership in Membership.objects.filter(
            organization=application.organization, user__is_active=True
        ).select_related("user")
    }
    if application.submitted_by is not None:
        users.add(application.submitted_by)
    return sorted(users, key=lambda u: u.pk)


def case_context(application: Application) -> dict[str, Any]:
    """What every notification about a case names (no personal values)."""
    office = application.office
    return {
        "receipt_number": application.receipt_number,
        "application_type_ja": application.application_type.name_ja,
        "application_type_en": application.application_type.name_en,
        # The receiving office and its contact (no personal values).
        "office_name_ja": office.name_ja if office else "",
        "office_name_en": office.name_en if office else "",
        "office_address": office.address_ja if office else "",
        "office_postal_code": office.postal_code if office else "",
        "office_phone": office.phone if office else "",
        # The state named in the glossary's words (``{{ status|...}}``).
        "status": application.status,
    }


def _status_facts(status: Any, sub: Any) -> eligibility.StatusFacts | None:
    if status is None:
        return None
    periods = sub.effective_periods if sub is not None else list(status.periods)
    return eligibility.StatusFacts(
        code=status.code,
        table=status.table,
        online_eligible=status.online_eligible,
        activity_restricted=status.activity_restricted,
        periods=tuple(periods),
        subcategory_online_eligible=sub.online_eligible if sub is not None else True,
    )


def filing_facts(application: Application, *, user: Any) -> eligibility.Filing:
    """Gather what the eligibility rules need from the database."""
    person = application.foreign_national
    current = person.current_status
    companions = list(application.companions.select_related("application_type"))
    reentry = next(
        (c for c in companions if c.application_type.code == eligibility.REENTRY), None
    )
    slots = document_slots_for(
        application_type=application.application_type,
        status=application.target_status or current,
        org_category=application.organization.category,
    )
    present = set(application.documents.values_list("slot__code", flat=True))
    missing = tuple(s.name_ja for s in slots if s.required and s.code not in present)
    return eligibility.Filing(
        application_type=application.application_type.code,
        today=timezone.localdate(),
        user_in_scope=application.organization_id in user_organization_ids(user=user),
        user_can_file=can_file(user),
        companions=tuple(c.application_type.code for c in companions),
        current_status=_status_facts(current, person.current_subcategory),
        target_status=_status_facts(
            application.target_status, application.target_subcategory
        )
        if application.target_status
        else None,
        current_period=person.current_period or None,
        expiry=person.period_expiry,
        requested_period=application.requested_period or None,
        event_date=application.event_date,
        has_residence_card=bool(person.residence_card_number),
        reentry_until=reentry.reentry_until if reentry else None,
        missing_documents=missing,
        application_page_saved="application"
        in (application.answers or {}).get("saved", []),
        incomplete_form_sections=_incomplete_form_sections(application, user=user),
        scope=_scope_facts(application, current),
        office_problem=receiving_office_for(application)[1],
    )


def _incomplete_form_sections(
    application: Application, *, user: Any
) -> tuple[tuple[str, str], ...]:
    from django.utils.translation import get_language

    from applications import draft_form
    from applications.application_forms.engine import SectionStatus

    edition, _answers, states = draft_form.form_status(application, filer=user)
    if edition is None:
        return ()
    language = get_language() or "ja"
    return tuple(
        (key, edition.section(key).title(language))
        for key, state in states.items()
        if state is not SectionStatus.COMPLETE
    )


def _scope_facts(
    application: Application, current: StatusOfResidence | None
) -> online_scope.ScopeFacts:
    """What the online-scope rules need of a draft: the status it is about,
    and for 家族滞在 the supporting person's status as answered."""
    code = application.application_type.code
    if code in (eligibility.COE, eligibility.CHANGE, eligibility.ACQUISITION):
        status, sub = application.target_status, application.target_subcategory
    else:
        status = current
        sub = application.foreign_national.current_subcategory
    form = (application.answers or {}).get("form") or {}
    supporter_code = str((form.get("raw") or {}).get("supporter_status") or "")
    supporter = (
        StatusOfResidence.objects.filter(code=supporter_code).first()
        if supporter_code
        else None
    )
    return scope_facts(
        application_type=code,
        status=status,
        subcategory=sub,
        organization=application.organization,
        supporter=supporter,
    )


def scope_facts(
    *,
    application_type: str,
    status: StatusOfResidence | None,
    subcategory: Any,
    organization: Organization,
    supporter: StatusOfResidence | None = None,
) -> online_scope.ScopeFacts:
    """The facts of ``online_scope`` from the records: the organisation's
    category is its own (``accounts.Organization.category``)."""
    return online_scope.ScopeFacts(
        application_type=application_type,
        status=status.code if status is not None else "",
        today=timezone.localdate(),
        subcategory=subcategory.code if subcategory is not None else "",
        organisation_category=organization.category,
        supporter_status=supporter.code if supporter else None,
        supporter_status_online=bool(supporter and supporter.online_eligible),
        # The supporter is taken to work for an organisation of the same
        # category (the form does not ask the supporter's employer's).
        supporter_organisation_category=organization.category,
        filer_is_supervising_organisation=bool(
            OrganisationProfile.objects.filter(organization=organization)
            .exclude(supervising_permit_number="")
            .exists()
        )
        if status is not None and status.code == "technical_intern_training"
        else False,
    )


def receiving_office_for(application: Application) -> tuple[Office | None, str]:
    """The office the application is filed with (``jurisdiction``): over
    the person's address for filings in Japan, over the organisation for a
    COE; a companion goes where its main application goes.  Returns the
    office and "" — or None and why (``address_no_prefecture``,
    ``office_none``)."""
    main = application.main or application
    code = main.application_type.code
    person_prefecture = jurisdiction.prefecture_from_address(
        main.foreign_national.address_in_japan
    )
    if code not in jurisdiction.BY_ORGANISATION and person_prefecture is None:
        return None, "address_no_prefecture"
    try:
        facts = jurisdiction.receiving_office(
            code,
            person_prefecture=person_prefecture,
            organisation_prefecture=main.organization.prefecture_id,
            offices=jurisdiction.office_facts(),
        )
    except jurisdiction.NoReceivingOffice:
        return None, "office_none"
    return Office.objects.get(code=facts.code), ""


def same_card_people(person: ForeignNational) -> list[ForeignNational]:
    """Other people of the person's organisation with the same residence
    card number (a typing slip or a duplicate record: shown as a warning
    linking to the other record, never refused)."""
    if not person.residence_card_number:
        return []
    return list(
        ForeignNational.objects.filter(
            organization_id=person.organization_id,
            residence_card_number=person.residence_card_number,
        ).exclude(pk=person.pk)[:5]
    )
