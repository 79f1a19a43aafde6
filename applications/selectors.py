"""Reads for the applications app."""

from __future__ import annotations

from collections.abc import Collection
from datetime import date, datetime
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Exists, F, OuterRef, Prefetch, Q, QuerySet
from django.db.models.fields.tuple_lookups import (
    Tuple,
    TupleGreaterThan,
    TupleLessThan,
)
from django.http import Http404

from accounts.models import Organization
from accounts.permissions import can_file, case_office_ids
from accounts.selectors import organizations_for_user
from applications.models import (
    Application,
    ApplicationDocument,
    ApplicationType,
    DocumentSlot,
    Fee,
    ForeignNational,
    GeneratedDocument,
    StatusEvent,
    StatusOfResidence,
)
from applications.workflow import Status
from portal.files.access import Access


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
    on the user object)."""
    if not hasattr(user, "_zairyu_org_ids"):
        user._zairyu_org_ids = set(
            organizations_for_user(user=user).values_list("pk", flat=True)
        )
    return set(user._zairyu_org_ids)


def applications_for_user(*, user: Any) -> QuerySet[Application]:
    """Main applications (companions travel with them) of the user's
    organisations; drafts included."""
    return (
        Application.objects.filter(
            organization_id__in=user_organization_ids(user=user), main__isnull=True
        )
        .select_related("application_type", "foreign_national", "organization")
        .prefetch_related("companions__application_type")
    )


def application_get_for_user(
    *, user: Any, code: Any, for_write: bool = False
) -> Application:
    """The application if it belongs to one of the user's organisations, else
    404 (also for companions addressed directly: they are reached through
    their main application).  ``for_write`` additionally requires an active
    account (403 for suspended or expired users, who may only read)."""
    try:
        application = Application.objects.select_related(
            "application_type",
            "foreign_national",
            "organization",
            "office",
            "target_status",
            "target_subcategory",
        ).get(
            code=code,
            main__isnull=True,
            organization_id__in=user_organization_ids(user=user),
        )
    except (Application.DoesNotExist, ValueError, ValidationError):
        raise Http404 from None
    if for_write and not can_file(user):
        raise PermissionDenied
    return application


def foreign_nationals_for_user(*, user: Any) -> QuerySet[ForeignNational]:
    return ForeignNational.objects.filter(
        organization_id__in=user_organization_ids(user=user)
    ).select_related("organization", "current_status")


def foreign_national_get_for_user(*, user: Any, code: Any) -> ForeignNational:
    try:
        return foreign_nationals_for_user(user=user).get(code=code)
    except (ForeignNational.DoesNotExist, ValueError, ValidationError):
        raise Http404 from None


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


# --- The user's cases (after submission) -------------------------------------------


def case_list_organizations(*, user: Any) -> list[Organization]:
    """The user's organisations for the case list's filter, by name; one
    query, which also fills the per-request cache of
    ``user_organization_ids`` (so the list itself costs no second one)."""
    organizations = list(
        organizations_for_user(user=user)
        .only("pk", "code", "name_ja", "name_en")
        .order_by("name_ja", "pk")
    )
    user._zairyu_org_ids = {o.pk for o in organizations}
    return organizations


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

    ``text`` (at least 3 characters, already normalised by the form) matches
    the start of the receipt number of the application or of one of its
    companions, or every word of it a part of the person's Roman-letter
    names.  Nothing here counts the rows."""
    # One query for the companions with their types (not two).
    companions = Prefetch(
        "companions",
        queryset=Application.objects.select_related("application_type").order_by(
            "application_type__sort_order", "id"
        ),
    )
    qs = (
        applications_for_user(user=user)
        .filter(submitted_at__isnull=False)
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
        by_name = Q()
        for word in text.split():
            by_name &= Q(foreign_national__family_name__icontains=word) | Q(
                foreign_national__given_name__icontains=word
            )
        companion_receipt = Application.objects.filter(
            main=OuterRef("pk"), receipt_number__startswith=text
        )
        qs = qs.filter(
            Q(receipt_number__startswith=text) | Exists(companion_receipt) | by_name
        )
    return qs.order_by("-submitted_at", "-id")


def cases_keyset_page(
    cases: QuerySet[Application],
    *,
    after: tuple[datetime, int] | None = None,
    before: tuple[datetime, int] | None = None,
    size: int = 50,
) -> tuple[list[Application], bool]:
    """One page of ``cases`` (ordered by ``(-submitted_at, -id)``): the rows
    after the key ``after`` (next page), or before ``before`` (previous page),
    or the first rows.  Returns the rows (in list order) and whether more rows
    lie beyond them in the direction of travel.

    The key is compared as a row value, ``(submitted_at, id) < (%s, %s)``,
    which PostgreSQL answers from the ``app_case_list`` index without
    OFFSET — the cost of a page does not grow with its depth."""
    key = Tuple(F("submitted_at"), F("id"))
    if before is not None:
        rows = list(
            cases.filter(TupleGreaterThan(key, before)).order_by("submitted_at", "id")[
                : size + 1
            ]
        )
        more = len(rows) > size
        return list(reversed(rows[:size])), more
    if after is not None:
        cases = cases.filter(TupleLessThan(key, after))
    rows = list(cases[: size + 1])
    return rows[:size], len(rows) > size


def application_status_counts(*, user: Any) -> dict[str, int]:
    """How many submitted main applications of the user's organisations are
    in each status; one grouped query (after the organisations)."""
    rows = (
        Application.objects.filter(
            organization_id__in=user_organization_ids(user=user),
            main__isnull=True,
            submitted_at__isnull=False,
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
    return list(
        StatusEvent.objects.filter(application=application).order_by("at", "id")
    )


def case_receipt_languages(*, application: Application) -> set[str]:
    """The languages in which the receipt PDF has been rendered."""
    return set(
        GeneratedDocument.objects.filter(
            application=application, kind=GeneratedDocument.Kind.RECEIPT
        ).values_list("language", flat=True)
    )


def application_receipt_get(
    *, application: Application, language: str
) -> GeneratedDocument:
    """The receipt of an application the caller already may see, in
    ``language``; 404 while it is not rendered (or for another language)."""
    try:
        return GeneratedDocument.objects.select_related("file").get(
            application=application,
            kind=GeneratedDocument.Kind.RECEIPT,
            language=language,
        )
    except GeneratedDocument.DoesNotExist:
        raise Http404 from None


def application_file_access(user: Any, stored_file: Any) -> Access:
    """File-access checker for the purposes "application_document" (files
    attached to an application) and "application_receipt" (the receipt PDFs),
    registered in ApplicationsConfig.ready.

    The users of the application's organisation may download them (suspended
    and expired users too: they keep read access); examiners, supervisors and clerks
    of the application's office may also view them inline once it is
    submitted.  Everybody else: "none" (the download view answers 404)."""
    application_id = (
        ApplicationDocument.objects.filter(file_id=stored_file.pk)
        .values_list("application_id", flat=True)
        .first()
    )
    if application_id is None:
        application_id = (
            GeneratedDocument.objects.filter(file_id=stored_file.pk)
            .values_list("application_id", flat=True)
            .first()
        )
    if application_id is None:
        return "none"
    facts = (
        Application.objects.filter(pk=application_id)
        .values("organization_id", "office_id", "status")
        .first()
    )
    if facts is None:
        return "none"
    if facts["organization_id"] in user_organization_ids(user=user):
        return "view"
    # Officers of the case's office (the clerk checks the photo and the
    # documents at issuance).
    if facts["status"] != Status.DRAFT and facts["office_id"] in case_office_ids(user):
        return "view_inline"
    return "none"


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
    try:
        return application.documents.select_related("file").get(file__code=file_code)
    except (ApplicationDocument.DoesNotExist, ValueError, ValidationError):
        raise Http404 from None


def sent_person(*, application: Application) -> ForeignNational:
    """The person as they were when the application was sent (a draft, or an
    older case without a snapshot, shows the current record)."""
    snapshot = (application.answers or {}).get("person")
    if not snapshot:
        return application.foreign_national
    return ForeignNational.from_snapshot(
        snapshot, code=application.foreign_national.code
    )
