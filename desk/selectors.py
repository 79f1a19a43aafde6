"""Reads for the desk: the compliance calendar's items for one organisation
or across all of a user's organisations.

Access is decided once, by the existing selectors: the organisations come
from ``accounts.selectors.organizations_for_user`` (membership or a current
appointment), the people from ``applications.selectors.foreign_nationals_for_user``
and the drafts from ``applications.selectors.drafts_for_user``; everything
else is filtered by those organisations' ids.  An organisation the user may
not see is never in any list.  The number of queries does not grow with the
number of organisations, people or items.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import OuterRef, Subquery
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Membership, Organization, User, UseRequest
from accounts.selectors import current_appointments, organizations_for_user
from applications.models import Application, ApplicationType
from applications.selectors import (
    applications_for_user,
    foreign_nationals_for_user,
    scope_applications,
    user_scope_limits,
)
from applications.workflow import BEFORE_DECISION, Status
from desk import calendar
from desk.models import CalendarFeed, DeskPreference
from review.models import DocumentRequest


class Kind:
    """The kinds of calendar item (the filter's values)."""

    EXTENSION = "extension"
    DOCUMENTS = "documents"
    PERIODIC_REPORT = "periodic_report"
    APPROVAL = "approval"
    APPOINTMENT = "appointment"

    CHOICES = (
        (EXTENSION, _("Period of stay ends")),
        (DOCUMENTS, _("Requested documents due")),
        (PERIODIC_REPORT, _("Periodic report due")),
        (APPROVAL, _("Approval to use the portal ends")),
        (APPOINTMENT, _("Appointment ends")),
    )
    VALUES = tuple(value for value, _label in CHOICES)


@dataclass
class CalendarItem:
    """One dated thing to act on.  ``due`` is the day by which to act (the
    last online day for an extension) and ``days_left`` counts to it."""

    kind: str
    due: date
    days_left: int
    organization: Organization
    person_name: str = ""
    person_code: Any = None  # a ForeignNational's code (extension rows)
    person_id: int | None = None
    user_name: str = ""  # approval rows: whose approval
    extension: calendar.ExtensionDates | None = None
    # An extension already started or sent for the person: its code and status.
    extension_in_progress: Any = None
    extension_in_progress_status: str = ""
    application_code: Any = None  # documents rows: the case
    receipt_number: str = ""
    reference_date: date | None = None  # the expiry behind the due date
    in_progress: bool = False  # nothing to do now (already filed)
    # Approval and appointment rows: the user's or the appointment's opaque
    # code (the iCalendar UID names no one).
    subject_code: Any = None

    @property
    def month(self) -> str:
        return self.due.strftime("%Y-%m")

    @property
    def overdue(self) -> bool:
        return self.days_left < 0

    @property
    def key(self) -> str:
        """A stable identity for the iCalendar UID."""
        subject = (
            self.person_code
            or self.application_code
            or self.subject_code
            or self.organization.code
        )
        day = self.reference_date or self.due
        return f"{self.kind}-{self.organization.code}-{subject}-{day}"


def user_organizations(*, user: Any) -> list[Organization]:
    """The user's organisations by name (one query): the client filter's
    choices and the scope of every list below."""
    return list(organizations_for_user(user=user).order_by("name_ja", "pk"))


def _open_extension(person_ref: Any, *, user: Any) -> Any:
    """The person's extension being drafted or examined, within the user's
    scope (an appointee limited to other types does not see it)."""
    return scope_applications(
        Application.objects.filter(
            foreign_national_id=person_ref,
            main__isnull=True,
            application_type__code="extension",
            status__in=[Status.DRAFT, *BEFORE_DECISION],
        ),
        user=user,
    ).order_by("-created_at", "-id")


def _extension_items(
    *, user: Any, org_ids: set[int], by_id: dict[int, Organization], today: date
) -> list[CalendarItem]:
    latest = _open_extension(OuterRef("pk"), user=user)
    people = (
        foreign_nationals_for_user(user=user)
        .filter(
            organization_id__in=org_ids,
            period_expiry__gte=today,
            period_expiry__lte=calendar.horizon_end(today),
        )
        .select_related(None)
        .annotate(
            open_extension=Subquery(latest.values("code")[:1]),
            open_extension_status=Subquery(latest.values("status")[:1]),
        )
        .only(
            "code",
            "organization_id",
            "family_name",
            "given_name",
            "name_kanji",
            "current_period",
            "period_expiry",
        )
    )
    items = []
    for person in people:
        if person.period_expiry is None:  # filtered out above; for the type checker
            continue
        dates = calendar.extension_dates(
            expiry=person.period_expiry,
            current_period=person.current_period,
            today=today,
        )
        name = f"{person.family_name} {person.given_name}".strip()
        if person.name_kanji:
            name += f"（{person.name_kanji}）"
        status = person.open_extension_status or ""
        items.append(
            CalendarItem(
                kind=Kind.EXTENSION,
                due=dates.last_online_day,
                days_left=dates.days_left,
                organization=by_id[person.organization_id],
                person_name=name,
                person_code=person.code,
                person_id=person.pk,
                extension=dates,
                extension_in_progress=person.open_extension,
                extension_in_progress_status=status,
                reference_date=person.period_expiry,
                # Sent: the special period covers the person; nothing to do.
                in_progress=bool(status) and status != Status.DRAFT,
            )
        )
    return items


def _document_items(
    *, user: Any, org_ids: set[int], by_id: dict[int, Organization], today: date
) -> list[CalendarItem]:
    # The cases through the applications selector: an appointee's scope applies.
    cases = applications_for_user(user=user).filter(organization_id__in=org_ids)
    requests = (
        DocumentRequest.objects.filter(
            state=DocumentRequest.State.OPEN,
            application__in=cases.values("pk"),
        )
        .select_related("application__foreign_national")
        .only(
            "due_date",
            "application__code",
            "application__receipt_number",
            "application__organization_id",
            "application__foreign_national__family_name",
            "application__foreign_national__given_name",
            "application__foreign_national__name_kanji",
        )
        .order_by("due_date", "pk")
    )
    items = []
    for request in requests:
        application = request.application
        person = application.foreign_national
        name = f"{person.family_name} {person.given_name}".strip()
        if person.name_kanji:
            name += f"（{person.name_kanji}）"
        items.append(
            CalendarItem(
                kind=Kind.DOCUMENTS,
                due=request.due_date,
                days_left=(request.due_date - today).days,
                organization=by_id[application.organization_id],
                person_name=name,
                application_code=application.code,
                receipt_number=application.receipt_number or "",
                reference_date=request.due_date,
            )
        )
    return items


def _people_items(
    *, user: Any, org_ids: set[int], by_id: dict[int, Organization], today: date
) -> list[CalendarItem]:
    """Approvals expiring (members and current appointees), the periodic
    report due per organisation, appointments ending.  Where an appointee's
    scope is limited to some people (who may not see the organisation's
    users or its periodic report, ``accounts.permissions.sees_every_person``)
    only their own approval and appointment are listed."""
    end = calendar.horizon_end(today)
    limited = {
        organization_id
        for organization_id, limit in user_scope_limits(user=user).items()
        if limit.person_ids is not None
    }
    members = list(
        Membership.objects.filter(
            organization_id__in=org_ids,
            user__status=User.Status.ACTIVE,
            user__is_active=True,
            user__valid_until__gte=today,
        )
        .select_related("user")
        .only(
            "organization_id",
            "user__code",
            "user__username",
            "user__full_name",
            "user__valid_until",
            "user__status",
            "user__is_active",
        )
    )
    appointments = list(
        current_appointments(today=today)
        .filter(organization_id__in=org_ids)
        .filter(appointee__is_active=True, appointee__status=User.Status.ACTIVE)
        .select_related("appointee")
        .only(
            "organization_id",
            "code",
            "valid_until",
            "appointee_id",
            "appointee__code",
            "appointee__username",
            "appointee__full_name",
            "appointee__valid_until",
            "appointee__status",
            "appointee__is_active",
        )
    )
    # Periodic reports already sent (the office decides; nothing to do).
    reported = set(
        UseRequest.objects.filter(
            organization_id__in=org_ids,
            kind=UseRequest.Kind.PERIODIC,
            status=UseRequest.Status.SUBMITTED,
        ).values_list("organization_id", flat=True)
    )
    items: list[CalendarItem] = []
    earliest: dict[int, date] = {}
    users = [(m.organization_id, m.user) for m in members] + [
        (a.organization_id, a.appointee) for a in appointments
    ]
    for organization_id, person in users:
        valid_until = person.valid_until
        if valid_until is None or valid_until < today:
            continue
        if organization_id in limited and person.pk != user.pk:
            continue
        if organization_id not in earliest or valid_until < earliest[organization_id]:
            earliest[organization_id] = valid_until
        if valid_until <= end:
            items.append(
                CalendarItem(
                    kind=Kind.APPROVAL,
                    due=valid_until,
                    days_left=(valid_until - today).days,
                    organization=by_id[organization_id],
                    user_name=person.display_name,
                    subject_code=person.code,
                    reference_date=valid_until,
                )
            )
    for organization_id, valid_until in earliest.items():
        due = calendar.periodic_report_due(valid_until)
        if valid_until <= end and organization_id not in limited:
            items.append(
                CalendarItem(
                    kind=Kind.PERIODIC_REPORT,
                    due=due,
                    days_left=(due - today).days,
                    organization=by_id[organization_id],
                    reference_date=valid_until,
                    in_progress=organization_id in reported,
                )
            )
    for appointment in appointments:
        if (
            appointment.organization_id in limited
            and appointment.appointee_id != user.pk
        ):
            continue
        if appointment.valid_until is not None and appointment.valid_until <= end:
            items.append(
                CalendarItem(
                    kind=Kind.APPOINTMENT,
                    due=appointment.valid_until,
                    days_left=(appointment.valid_until - today).days,
                    organization=by_id[appointment.organization_id],
                    user_name=appointment.appointee.display_name,
                    subject_code=appointment.code,
                    reference_date=appointment.valid_until,
                )
            )
    return items


def calendar_items(
    *,
    user: Any,
    organization: Organization | None = None,
    today: date | None = None,
    organizations: list[Organization] | None = None,
) -> list[CalendarItem]:
    """Every calendar item of the user's organisations (or of one of them,
    which the caller got through ``organization_get_for_user`` or from
    ``organizations``), soonest due first.  Eight queries at most, whatever
    the number of organisations and items."""
    today = today or timezone.localdate()
    if organizations is None:
        organizations = user_organizations(user=user)
    by_id = {o.pk: o for o in organizations}
    if organization is not None:
        if organization.pk not in by_id:
            return []
        by_id = {organization.pk: by_id[organization.pk]}
    if not by_id:
        return []
    org_ids = set(by_id)
    items = (
        _extension_items(user=user, org_ids=org_ids, by_id=by_id, today=today)
        + _document_items(user=user, org_ids=org_ids, by_id=by_id, today=today)
        + _people_items(user=user, org_ids=org_ids, by_id=by_id, today=today)
    )
    items.sort(key=lambda item: (item.due, item.kind, item.organization.name_ja))
    return items


def extension_type_id() -> int:
    """The id of the extension application type (for the start rule)."""
    return int(
        ApplicationType.objects.values_list("pk", flat=True).get(code="extension")
    )


# Items due within this many days (or overdue) need action now.
ACTION_DAYS = 60


def action_needed(items: list[CalendarItem]) -> list[CalendarItem]:
    """The items to act on now, most urgent first: due within ACTION_DAYS
    (or overdue) and not already filed; extensions only once their window
    is open."""
    return [
        item
        for item in items
        if not item.in_progress
        and item.days_left <= ACTION_DAYS
        and (item.extension is None or item.extension.window_open)
    ]


# --- Preferences and the feed ---------------------------------------------------------


def digest_enabled(*, user: Any) -> bool:
    preference = DeskPreference.objects.filter(user=user).first()
    return preference is None or preference.weekly_digest


def live_feed(*, user: Any) -> CalendarFeed | None:
    return CalendarFeed.objects.filter(user=user, revoked_at__isnull=True).first()


def feed_user(*, token: str) -> User | None:
    """The owner of a live feed token, if the account may still read; None
    for an unknown or revoked token (the view answers 404)."""
    from accounts.selectors import token_hash

    feed = (
        CalendarFeed.objects.select_related("user")
        .filter(token_hash=token_hash(token), revoked_at__isnull=True)
        .first()
    )
    if feed is None:
        return None
    owner = feed.user
    # Suspended and expired users keep read access (as on the pages); a
    # revoked or deactivated account's feed dies with it.
    if (
        not owner.is_active
        or not owner.user_category
        or owner.status == User.Status.REVOKED
    ):
        return None
    return owner


def digest_recipients() -> Any:
    """Active organisation-side users with an email address who did not turn
    the digest off."""
    opted_out = DeskPreference.objects.filter(weekly_digest=False).values("user_id")
    return (
        User.objects.filter(
            is_active=True, user_category__isnull=False, status=User.Status.ACTIVE
        )
        .exclude(email="")
        .exclude(pk__in=opted_out)
        .order_by("pk")
    )
