"""The desk: calendar selectors (scope, kinds, constant queries), the
calendar page and its filters, the dashboard's action-needed block and the
client filter, "Start the extension", the weekly digest (once per ISO week)
and the iCalendar feed (parsed with icalendar; a revoked token is 404)."""

from __future__ import annotations

import re
import uuid
from datetime import timedelta

from django.db import IntegrityError
from django.urls import reverse
from django.utils import timezone

import pytest
from icalendar import Calendar

from accounts.models import Organization, User
from applications.models import Application
from applications.workflow import Status
from desk import selectors, services
from desk.models import CalendarFeed, WeeklyDigest
from desk.selectors import Kind
from portal.notifications.models import Notification
from portal.notifications.services import outbox_sweep
from review.models import DocumentRequest
from tests.factories import (
    ApplicationFactory,
    ForeignNationalFactory,
    OrganizationFactory,
    appoint,
    appointee,
    officer,
)

pytestmark = pytest.mark.django_db


def days(n: int):
    return timezone.localdate() + timedelta(days=n)


def text_of(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


@pytest.fixture
def people(org, other_org):
    """In ``org``: one expiring in 40 days (window open), one in 150 days
    (window not open yet), one in 8 months (beyond the horizon); in
    ``other_org``: one expiring in 20 days."""
    return {
        "soon": ForeignNationalFactory(
            organization=org, family_name="SOON", period_expiry=days(40)
        ),
        "later": ForeignNationalFactory(
            organization=org, family_name="LATER", period_expiry=days(150)
        ),
        "far": ForeignNationalFactory(
            organization=org, family_name="FAR", period_expiry=days(240)
        ),
        "stranger": ForeignNationalFactory(
            organization=other_org, family_name="STRANGER", period_expiry=days(20)
        ),
    }


@pytest.fixture
def staff_client(client, org_staff):
    client.force_login(org_staff)
    return client


# --- Selectors ----------------------------------------------------------------------


def test_calendar_lists_the_users_organisations_only(org_staff, people):
    items = selectors.calendar_items(user=org_staff)
    names = {i.person_name.split()[0] for i in items if i.kind == Kind.EXTENSION}
    assert names == {"SOON", "LATER"}
    soon = next(i for i in items if i.person_name.startswith("SOON"))
    assert soon.due == days(39)  # the last online day
    assert soon.days_left == 39
    assert soon.extension is not None and soon.extension.window_open


def test_calendar_has_every_kind(org, org_staff, people):
    application = ApplicationFactory(
        organization=org,
        foreign_national=people["far"],
        shortcut=True,
        status=Status.AWAITING_DOCUMENTS,
    )
    DocumentRequest.objects.create(
        application=application, due_date=days(10), created_by=officer("examiner")
    )
    lawyer = appointee(org, valid_days=100)
    lawyer.appointments.update(valid_until=days(90))
    org_staff.valid_until = days(120)
    org_staff.save(update_fields=["valid_until"])
    items = selectors.calendar_items(user=org_staff)
    kinds = {i.kind for i in items}
    assert kinds == set(Kind.VALUES)
    documents = next(i for i in items if i.kind == Kind.DOCUMENTS)
    assert documents.due == days(10)
    assert documents.receipt_number == application.receipt_number
    report = next(i for i in items if i.kind == Kind.PERIODIC_REPORT)
    # The earliest approval of the organisation (the attorney's, 100 days)
    # less one month.
    assert report.reference_date == days(100)
    assert report.due < days(100)
    appointment = next(i for i in items if i.kind == Kind.APPOINTMENT)
    assert appointment.due == days(90)


def test_items_are_sorted_soonest_first_and_action_needed_skips_far_ones(
    org_staff, people
):
    items = selectors.calendar_items(user=org_staff)
    assert [i.due for i in items] == sorted(i.due for i in items)
    urgent = selectors.action_needed(items)
    assert [i.person_name.split()[0] for i in urgent] == ["SOON"]


def test_an_extension_already_sent_is_not_action_needed(org, org_staff, people):
    ApplicationFactory(
        organization=org,
        foreign_national=people["soon"],
        shortcut=True,
        status=Status.SUBMITTED,
    )
    items = selectors.calendar_items(user=org_staff)
    soon = next(i for i in items if i.person_name.startswith("SOON"))
    assert soon.in_progress and soon.extension_in_progress
    assert soon not in selectors.action_needed(items)


def test_one_organisation_of_an_attorney(org, other_org, people):
    lawyer = appointee(org)
    appoint(lawyer, other_org)
    every = selectors.calendar_items(user=lawyer)
    assert {i.organization.pk for i in every if i.kind == Kind.EXTENSION} == {
        org.pk,
        other_org.pk,
    }
    only = selectors.calendar_items(user=lawyer, organization=other_org)
    assert {i.organization.pk for i in only} == {other_org.pk}
    # An organisation the user does not serve gives nothing.
    assert (
        selectors.calendar_items(user=lawyer, organization=OrganizationFactory()) == []
    )


def test_calendar_queries_do_not_grow_with_items(
    org, other_org, django_assert_max_num_queries
):
    lawyer = appointee(org)
    appoint(lawyer, other_org)

    def count() -> int:
        # A new request: no per-request caches (organisations, scope limits).
        lawyer.__dict__.pop("_zairyu_org_ids", None)
        lawyer.__dict__.pop("_zairyu_organizations", None)
        lawyer.__dict__.pop("_zairyu_scope_limits", None)
        with django_assert_max_num_queries(8) as captured:
            selectors.calendar_items(user=lawyer)
        return len(captured)

    ForeignNationalFactory(organization=org, period_expiry=days(30))
    small = count()
    for n in range(6):
        person = ForeignNationalFactory(
            organization=other_org if n % 2 else org, period_expiry=days(30 + n)
        )
        application = ApplicationFactory(
            organization=person.organization,
            foreign_national=person,
            shortcut=True,
            status=Status.AWAITING_DOCUMENTS,
        )
        DocumentRequest.objects.create(
            application=application,
            due_date=days(5 + n),
            created_by=officer("examiner"),
        )
        appointee(person.organization, valid_days=50 + n)
    assert count() == small


# --- Pages -----------------------------------------------------------------------------


def test_calendar_page_lists_and_filters(staff_client, org, people):
    response = staff_client.get(reverse("desk:calendar"))
    assert response.status_code == 200
    page = text_of(response)
    assert "SOON" in page and "LATER" in page
    assert "STRANGER" not in page and "FAR" not in page
    assert "Start the extension" in page

    page = text_of(staff_client.get(reverse("desk:calendar"), {"person": "later"}))
    assert "LATER" in page and "SOON VAN" not in page

    month = days(149).strftime("%Y-%m")
    page = text_of(staff_client.get(reverse("desk:calendar"), {"month": month}))
    assert "LATER" in page and "SOON VAN" not in page

    page = text_of(staff_client.get(reverse("desk:calendar"), {"kind": Kind.DOCUMENTS}))
    assert "Nothing matches these filters." in page


def test_calendar_refuses_an_organisation_the_user_does_not_serve(
    staff_client, other_org, people
):
    response = staff_client.get(
        reverse("desk:calendar"), {"organization": str(other_org.code)}
    )
    assert response.status_code == 200
    page = text_of(response)
    assert "STRANGER" not in page and "SOON" not in page
    assert "Correct the filters" in page


def test_calendar_page_needs_an_organisation_side_user(client, people):
    client.force_login(officer("examiner"))
    assert client.get(reverse("desk:calendar")).status_code == 404


def test_dashboard_leads_with_action_needed(staff_client, org, people):
    page = text_of(staff_client.get(reverse("dashboard")))
    assert "Action needed" in page
    block = page[page.index("Action needed") :]
    assert (
        block.index("SOON") < block.index("Your applications")
        if ("Your applications" in block)
        else "SOON" in block
    )
    assert "LATER" not in block.split("Latest notifications")[0]
    assert "STRANGER" not in page
    assert "39 days left" in page


def test_attorney_filters_the_dashboard_by_client(client, org, other_org, people):
    other_org.name_en = "Second Client KK"
    other_org.save(update_fields=["name_en"])
    lawyer = appointee(org)
    appoint(lawyer, other_org)
    mine = ApplicationFactory(
        organization=org,
        foreign_national=people["far"],
        shortcut=True,
        status=Status.SUBMITTED,
    )
    theirs = ApplicationFactory(
        organization=other_org,
        foreign_national=people["stranger"],
        shortcut=True,
        status=Status.EXAMINING,
    )
    client.force_login(lawyer)
    page = text_of(client.get(reverse("dashboard")))
    assert "SOON" in page and "STRANGER" in page  # the urgency list spans clients
    assert "Second Client KK" in page  # each row names its organisation
    assert mine.receipt_number in page and theirs.receipt_number in page
    page = text_of(
        client.get(reverse("dashboard"), {"organization": str(other_org.code)})
    )
    block = page.split("Latest notifications")[0]
    # The action-needed block, the cases panel and the documents panel show
    # the chosen client only.
    assert "STRANGER" in block and "SOON" not in block
    assert theirs.receipt_number in block and mine.receipt_number not in block
    assert f"{reverse('applications:list')}?organization={other_org.code}" in page
    # An organisation the attorney does not serve shows nothing of it.
    page = text_of(
        client.get(reverse("dashboard"), {"organization": str(uuid.uuid4())})
    )
    assert "Select a valid choice" in page


def test_drafts_filter_by_client(client, org, other_org, people):
    lawyer = appointee(org)
    appoint(lawyer, other_org)
    ApplicationFactory(organization=org, foreign_national=people["soon"])
    ApplicationFactory(organization=other_org, foreign_national=people["stranger"])
    client.force_login(lawyer)
    page = text_of(client.get(reverse("applications:drafts")))
    assert "SOON" in page and "STRANGER" in page
    page = text_of(
        client.get(reverse("applications:drafts"), {"organization": str(org.code)})
    )
    assert "SOON" in page and "STRANGER" not in page


# --- Start the extension ------------------------------------------------------------------


def test_start_the_extension_creates_one_prefilled_draft(
    staff_client, org_staff, people
):
    person = people["soon"]
    url = reverse("desk:start_extension", args=[person.code])
    token = "5f0c6b1e9a2d4c3b8e7f6a5b4c3d2e1f"
    first = staff_client.post(url, {"once": token})
    second = staff_client.post(url, {"once": token})
    drafts = Application.objects.filter(foreign_national=person, main__isnull=True)
    assert drafts.count() == 1
    draft = drafts.get()
    assert draft.application_type.code == "extension"
    assert draft.status == Status.DRAFT and draft.created_by == org_staff
    assert (
        first["Location"]
        == second["Location"]
        == reverse("applications:draft", args=[draft.code])
    )
    # Pre-filled: the draft's person page shows the person's record.
    page = text_of(
        staff_client.get(reverse("applications:draft_person", args=[draft.code]))
    )
    assert person.passport_number in page
    # The calendar row now continues the draft instead of starting another.
    page = text_of(staff_client.get(reverse("desk:calendar")))
    assert "Continue the extension draft" in page


def test_start_the_extension_for_another_organisations_person_is_404(
    staff_client, people
):
    url = reverse("desk:start_extension", args=[people["stranger"].code])
    assert staff_client.post(url).status_code == 404
    assert not Application.objects.filter(foreign_national=people["stranger"]).exists()


def test_start_the_extension_refused_to_a_read_only_user(
    client, read_only_staff, people
):
    client.force_login(read_only_staff)
    url = reverse("desk:start_extension", args=[people["soon"].code])
    assert client.post(url).status_code == 403
    assert not Application.objects.exists()


# --- The weekly digest ----------------------------------------------------------------


def test_digest_is_sent_once_per_week(org_staff, colleague, people, mailoutbox):
    monday = days(0) - timedelta(days=days(0).weekday())
    assert services.weekly_digests_send(today=monday) == 2
    assert services.weekly_digests_send(today=monday + timedelta(days=3)) == 0
    assert services.weekly_digest_send(user=org_staff, today=monday) is False
    digests = Notification.objects.filter(kind="weekly_digest")
    assert digests.count() == 2
    assert services.weekly_digests_send(today=monday + timedelta(days=7)) == 2
    assert digests.count() == 4


def test_digest_week_is_unique_in_the_database(org_staff):
    WeeklyDigest.objects.create(user=org_staff, iso_year=2026, iso_week=49)
    with pytest.raises(IntegrityError):
        WeeklyDigest.objects.create(user=org_staff, iso_year=2026, iso_week=49)


def test_digest_can_be_turned_off(staff_client, org_staff, colleague, people):
    response = staff_client.post(reverse("desk:settings"), {})
    assert response.status_code == 302
    assert services.weekly_digests_send() == 1  # the colleague only
    assert not Notification.objects.filter(
        kind="weekly_digest", recipient=org_staff
    ).exists()


def test_digest_email_in_the_users_language(org_staff, colleague, people, mailoutbox):
    # org_staff reads English, the colleague Japanese.
    services.weekly_digests_send()
    assert outbox_sweep() == 2
    by_address = {m.to[0]: m for m in mailoutbox}
    english = by_address[org_staff.email]
    japanese = by_address[colleague.email]
    assert "This week's deadlines: 1 item needs action" in english.subject
    assert "SOON" in english.body and "STRANGER" not in english.body
    assert "Last day to file the extension online" in english.body
    assert "This week's deadlines" not in japanese.subject
    assert "SOON" in japanese.body


def test_no_digest_without_anything_to_do(org_staff):
    assert services.weekly_digests_send() == 0


# --- The iCalendar feed -----------------------------------------------------------------


def test_feed_parses_and_holds_no_card_numbers(client, org_staff, people):
    token = services.calendar_feed_create(user=org_staff)
    response = client.get(reverse("desk:feed", args=[token]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    calendar = Calendar.from_ical(response.content)
    events = list(calendar.walk("VEVENT"))
    summaries = [str(e["SUMMARY"]) for e in events]
    assert any("SOON" in s for s in summaries)
    assert any("LATER" in s and "window" in s for s in summaries)
    assert not any("STRANGER" in s for s in summaries)
    body = response.content.decode()
    for person in people.values():
        assert person.residence_card_number not in body
        assert person.passport_number not in body
    soon = next(
        e
        for e in events
        if "SOON" in str(e["SUMMARY"]) and "Last day" in str(e["SUMMARY"])
    )
    assert soon.decoded("DTSTART") == days(39)
    uids = [str(e["UID"]) for e in events]
    assert len(set(uids)) == len(events)
    assert not any("VAN AN" in uid or "SOON" in uid for uid in uids)


def test_a_revoked_or_unknown_feed_is_404(client, org_staff, people):
    token = services.calendar_feed_create(user=org_staff)
    assert CalendarFeed.objects.get().token_hash != token  # only the hash stored
    url = reverse("desk:feed", args=[token])
    assert client.get(url).status_code == 200
    services.calendar_feed_revoke(user=org_staff)
    assert client.get(url).status_code == 404
    assert client.get(reverse("desk:feed", args=["not-a-token"])).status_code == 404


def test_a_revoked_accounts_feed_is_404(client, org_staff):
    token = services.calendar_feed_create(user=org_staff)
    org_staff.status = User.Status.REVOKED
    org_staff.save(update_fields=["status"])
    assert client.get(reverse("desk:feed", args=[token])).status_code == 404


def test_a_new_feed_replaces_the_old(client, org_staff):
    old = services.calendar_feed_create(user=org_staff)
    new = services.calendar_feed_create(user=org_staff)
    assert client.get(reverse("desk:feed", args=[old])).status_code == 404
    assert client.get(reverse("desk:feed", args=[new])).status_code == 200


def test_settings_page_creates_shows_once_and_revokes(staff_client, org_staff):
    from tests.accounts.test_account_lifecycle import reauthenticate

    response = staff_client.post(reverse("desk:feed_create"))
    assert response["Location"].startswith(reverse("account_reauthenticate"))
    reauthenticate(staff_client)
    response = staff_client.post(reverse("desk:feed_create"))
    assert response.status_code == 302
    page = text_of(staff_client.get(reverse("desk:settings")))
    match = re.search(r"/desk/calendar/feed/([^<\s]+)\.ics", page)
    assert match
    # Shown once: the next view of the page no longer has it.
    assert "/desk/calendar/feed/" not in text_of(
        staff_client.get(reverse("desk:settings"))
    )
    staff_client.post(reverse("desk:feed_revoke"))
    assert (
        staff_client.get(reverse("desk:feed", args=[match.group(1)])).status_code == 404
    )
    assert Organization.objects.exists()


# --- An appointee's scope ---------------------------------------------------------------


def test_a_scope_limited_appointee_sees_only_their_scope(
    client, org, org_staff, people
):
    """An attorney appointed for one person's extensions sees that person's
    rows (and may start the extension), not the others', not the periodic
    report, not other users' approvals; the calendar keeps to the scope that
    ``applications.selectors`` applies everywhere else."""
    from accounts import services as account_services
    from applications.models import ApplicationType
    from tests.applications.test_appointments import offer, scrivener

    extension = ApplicationType.objects.get(code="extension")
    lawyer = scrivener()
    appointment = offer(
        org, org_staff, lawyer, application_types=[extension], people=[people["soon"]]
    )
    account_services.appointment_accept(appointment=appointment, actor=lawyer)
    outside_case = ApplicationFactory(
        organization=org,
        foreign_national=people["later"],
        shortcut=True,
        status=Status.AWAITING_DOCUMENTS,
    )
    DocumentRequest.objects.create(
        application=outside_case, due_date=days(10), created_by=officer("examiner")
    )
    org_staff.valid_until = days(100)
    org_staff.save(update_fields=["valid_until"])

    items = selectors.calendar_items(user=User.objects.get(pk=lawyer.pk))
    assert {i.kind for i in items} == {Kind.EXTENSION, Kind.APPOINTMENT}
    assert [i.person_name.split()[0] for i in items if i.person_name] == ["SOON"]
    # Staff see the whole organisation: the request, the report, approvals.
    staff_kinds = {i.kind for i in selectors.calendar_items(user=org_staff)}
    assert {Kind.DOCUMENTS, Kind.PERIODIC_REPORT, Kind.APPROVAL} <= staff_kinds

    client.force_login(lawyer)
    page = text_of(client.get(reverse("desk:calendar")))
    assert "SOON" in page and "LATER" not in page
    assert "Start the extension" in page
    response = client.post(reverse("desk:start_extension", args=[people["later"].code]))
    assert response.status_code == 404
