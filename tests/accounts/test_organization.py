"""The organisation side: the user's organisations and validity banner, the
organisation page (users, appointments), ending an appointment (members
only; the appointee loses access at once), the roster (add, edit, remove,
CSV import with errors per line and column, export), read-only users, the
dashboard panel, and 404 for strangers on every organisation URL."""

from __future__ import annotations

import re
import time
from datetime import timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

import pytest

from accounts import services
from accounts.models import Appointment, RosterEntry, User, UseRequest
from portal.audit.models import AuditEvent
from portal.notifications.models import Notification
from tests.accounts.roster_files import CSV_HEADER, csv_row, roster_file
from tests.factories import (
    OrganizationFactory,
    Role,
    appoint,
    appointee,
    officer,
    staff,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def alice(org):
    """Staff of the organisation."""
    return staff(org, full_name="山田 アリス")


@pytest.fixture
def scrivener(org):
    """An administrative scrivener the organisation appointed."""
    return appointee(org, full_name="行政 書士")


@pytest.fixture
def entry(org):
    return RosterEntry.objects.create(
        organization=org,
        family_name="NGUYEN",
        given_name="VAN AN",
        sex="M",
        date_of_birth="1995-04-01",
        nationality="VN",
        residence_card_number="AB12345678CD",
    )


def url(name: str, *args) -> str:
    return reverse(f"accounts:{name}", args=[*args])


def text_of(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


# --- Access --------------------------------------------------------------------


def org_urls(org, entry, appointment) -> list[tuple[str, str]]:
    """Every organisation URL, with the method that reaches it."""
    c = org.code
    report = services.periodic_report_start(organization=org, actor=staff(org))
    r = report.code
    return [
        ("get", url("organization_detail", c)),
        ("get", url("organization_appointment_end", c, appointment.code)),
        ("post", url("organization_appointment_end", c, appointment.code)),
        ("get", url("organization_roster", c)),
        ("get", url("organization_roster_add", c)),
        ("post", url("organization_roster_add", c)),
        ("get", url("organization_roster_edit", c, entry.code)),
        ("post", url("organization_roster_edit", c, entry.code)),
        ("get", url("organization_roster_delete", c, entry.code)),
        ("post", url("organization_roster_delete", c, entry.code)),
        ("get", url("organization_roster_import", c)),
        ("post", url("organization_roster_import", c)),
        ("get", url("organization_roster_export", c)),
        ("get", url("organization_roster_template", c)),
        ("get", url("organization_periodic", c)),
        ("post", url("organization_periodic", c)),
        ("get", url("periodic_users", c, r)),
        ("get", url("periodic_roster", c, r)),
        ("get", url("periodic_declarations", c, r)),
        ("get", url("periodic_documents", c, r)),
        ("post", url("periodic_document_remove", c, r, entry.code)),
        ("get", url("periodic_check", c, r)),
        ("post", url("periodic_check", c, r)),
        ("get", url("periodic_done", c, r)),
    ]


def test_every_organisation_url_is_404_for_strangers(client, org, entry, scrivener):
    appointment = Appointment.objects.get(appointee=scrivener)
    other_org = OrganizationFactory()
    strangers = [
        staff(other_org),  # staff of another organisation
        appointee(other_org),  # appointed by another organisation
        officer(
            Role.RECEPTION, mfa=True
        ),  # an officer (of the organisation's own office)
    ]
    urls = org_urls(org, entry, appointment)
    for stranger in strangers:
        client.force_login(stranger)
        for method, address in urls:
            response = getattr(client, method)(address)
            assert response.status_code == 404, (stranger, method, address)
    assert RosterEntry.objects.filter(organization=org).count() == 1
    assert Appointment.objects.get(pk=appointment.pk).ended_at is None


def test_anonymous_users_are_sent_to_sign_in(client, org):
    response = client.get(url("organization_detail", org.code))
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_unknown_codes_are_404(client, org, alice):
    client.force_login(alice)
    import uuid

    unknown = uuid.uuid4()
    assert client.get(url("organization_detail", unknown)).status_code == 404
    assert (
        client.get(url("organization_roster_edit", org.code, unknown)).status_code
        == 404
    )
    assert (
        client.get(url("organization_appointment_end", org.code, unknown)).status_code
        == 404
    )
    assert client.get(url("periodic_users", org.code, unknown)).status_code == 404


def test_another_organisations_entry_or_appointment_is_404_through_mine(
    client, org, alice
):
    other = OrganizationFactory()
    their_entry = RosterEntry.objects.create(
        organization=other,
        family_name="X",
        sex="F",
        date_of_birth="1990-01-01",
        nationality="PH",
    )
    their_appointment = appoint(appointee(OrganizationFactory()), other)
    client.force_login(alice)
    assert (
        client.get(
            url("organization_roster_edit", org.code, their_entry.code)
        ).status_code
        == 404
    )
    assert (
        client.post(
            url("organization_appointment_end", org.code, their_appointment.code)
        ).status_code
        == 404
    )
    their_appointment.refresh_from_db()
    assert their_appointment.ended_at is None


# --- Lists and the organisation page -------------------------------------------------


def test_organisations_list_shows_only_mine_with_validity(client, org, alice):
    other = OrganizationFactory()
    client.force_login(alice)
    response = client.get(url("organizations"))
    assert response.status_code == 200
    html = text_of(response)
    assert org.name_ja in html
    assert other.name_ja not in html
    assert "ends soon" not in html


@pytest.mark.parametrize(
    ("days", "warned"), [(61, False), (60, True), (7, True), (0, True)]
)
def test_warning_banner_from_60_days_before_expiry(client, org, days, warned):
    user = staff(org, valid_days=days)
    client.force_login(user)
    html = text_of(client.get(url("organizations")))
    assert ("Your approval to use the portal ends soon" in html) is warned
    if warned:
        assert "periodic report" in html


def test_expired_user_sees_why_they_are_read_only(client, org):
    user = staff(org, valid_days=-1)
    client.force_login(user)
    html = text_of(client.get(url("organization_detail", org.code)))
    assert "You can read but not change anything" in html
    assert "periodic report" in html


def test_organisation_page_shows_users_and_appointments(client, org, alice, scrivener):
    ended = appointee(org, full_name="元 代理人")
    Appointment.objects.filter(appointee=ended).update(ended_at=timezone.now())
    client.force_login(alice)
    response = client.get(url("organization_detail", org.code))
    html = text_of(response)
    users = response.context["users"]
    assert [u["user"] for u in users] == [alice, scrivener]
    assert [u["relation"] for u in users] == ["member", "appointee"]
    assert alice.username in html and scrivener.username in html
    assert str(alice.valid_until.year) in html
    # The ended appointment is listed (history) but the person is not a user.
    assert "元 代理人" in html
    assert ended.username not in html
    assert html.count("End appointment") == 1  # only the current one


def test_appointee_sees_the_organisation_but_no_end_buttons(
    client, org, alice, scrivener
):
    client.force_login(scrivener)
    response = client.get(url("organization_detail", org.code))
    assert response.status_code == 200
    assert "End appointment" not in text_of(response)


def test_detail_page_query_count_is_constant(
    client, org, alice, django_assert_max_num_queries
):
    for _ in range(5):
        appointee(org)
    client.force_login(alice)
    client.get(url("organization_detail", org.code))  # warm the session
    with django_assert_max_num_queries(16):
        client.get(url("organization_detail", org.code))


# --- Ending an appointment ----------------------------------------------------------


def test_member_ends_an_appointment_after_confirming(
    client, org, alice, scrivener, mailoutbox
):
    appointment = Appointment.objects.get(appointee=scrivener)
    client.force_login(alice)
    confirm = client.get(
        url("organization_appointment_end", org.code, appointment.code)
    )
    assert confirm.status_code == 200
    assert "cannot be undone" in text_of(confirm)
    appointment.refresh_from_db()
    assert appointment.ended_at is None  # GET changes nothing

    response = client.post(
        url("organization_appointment_end", org.code, appointment.code)
    )
    assert response.status_code == 302
    assert response["Location"] == url("organization_detail", org.code)
    appointment.refresh_from_db()
    assert appointment.ended_at is not None
    assert AuditEvent.objects.filter(action="appointment.end", actor=alice).count() == 1
    notification = Notification.objects.get(
        recipient=scrivener, kind="appointment_ended"
    )
    assert notification.context["organization"] == org.name_ja

    # From that moment the appointee no longer sees the organisation.
    client.force_login(scrivener)
    assert client.get(url("organization_detail", org.code)).status_code == 404
    assert client.get(url("organization_roster", org.code)).status_code == 404
    assert org.name_ja not in text_of(client.get(url("organizations")))


def test_appointees_cannot_end_appointments(client, org, alice, scrivener):
    colleague = appointee(org)
    mine = Appointment.objects.get(appointee=scrivener)
    theirs = Appointment.objects.get(appointee=colleague)
    client.force_login(scrivener)
    for appointment in (theirs, mine):
        assert (
            client.get(
                url("organization_appointment_end", org.code, appointment.code)
            ).status_code
            == 403
        )
        assert (
            client.post(
                url("organization_appointment_end", org.code, appointment.code)
            ).status_code
            == 403
        )
    assert not Appointment.objects.filter(ended_at__isnull=False).exists()


def test_suspended_member_cannot_end_appointments(client, org, scrivener):
    user = staff(org, status=User.Status.SUSPENDED)
    appointment = Appointment.objects.get(appointee=scrivener)
    client.force_login(user)
    assert (
        client.post(
            url("organization_appointment_end", org.code, appointment.code)
        ).status_code
        == 403
    )


def test_ending_an_ended_appointment_changes_nothing(client, org, alice, scrivener):
    appointment = Appointment.objects.get(appointee=scrivener)
    services.appointment_end(appointment=appointment, actor=alice)
    ended_at = Appointment.objects.get(pk=appointment.pk).ended_at
    client.force_login(alice)
    response = client.post(
        url("organization_appointment_end", org.code, appointment.code)
    )
    assert response.status_code == 302
    assert Appointment.objects.get(pk=appointment.pk).ended_at == ended_at
    assert AuditEvent.objects.filter(action="appointment.end").count() == 1


# --- Roster: list, add, edit, remove ------------------------------------------------


def test_roster_is_paginated(client, org, alice):
    RosterEntry.objects.bulk_create(
        RosterEntry(
            organization=org,
            family_name=f"P{n:03d}",
            sex="F",
            date_of_birth="1990-01-01",
            nationality="VN",
        )
        for n in range(60)
    )
    client.force_login(alice)
    first = client.get(url("organization_roster", org.code))
    assert first.status_code == 200
    assert len(first.context["page"].object_list) == 50
    second = client.get(url("organization_roster", org.code) + "?page=2")
    assert len(second.context["page"].object_list) == 10
    assert "P059" in text_of(second)


ADD = {
    "family_name": "ｓａｎｔｏｓ",
    "given_name": "maria",
    "name_kanji": "",
    "sex": "F",
    "date_of_birth": "１９９８／１２／２４",
    "nationality": "PH",
    "status_of_residence": "特定技能",
    "residence_card_number": "ab-1234 5678-cd",
    "period_expiry": "2027-03-31",
}


def test_add_a_person_normalises_like_the_csv(client, org, alice):
    client.force_login(alice)
    form = client.get(url("organization_roster_add", org.code))
    html = text_of(form)
    assert "novalidate" in html
    assert "(optional)" in html
    response = client.post(url("organization_roster_add", org.code), ADD)
    assert response.status_code == 302
    added = RosterEntry.objects.get(organization=org)
    assert added.family_name == "SANTOS"
    assert added.given_name == "MARIA"
    assert str(added.date_of_birth) == "1998-12-24"
    assert added.residence_card_number == "AB12345678CD"
    assert (
        AuditEvent.objects.filter(
            action="roster.add", organization_code=org.code
        ).count()
        == 1
    )


def test_add_with_errors_keeps_input_and_shows_summary(client, org, alice):
    client.force_login(alice)
    bad = dict(
        ADD, date_of_birth="2026-02-30", residence_card_number="", nationality=""
    )
    response = client.post(url("organization_roster_add", org.code), bad)
    assert response.status_code == 200
    html = text_of(response)
    assert "<title>Error:" in html or "<title>エラー" in html
    assert "error-summary" in html
    assert "not a real date" in html
    assert 'value="2026-02-30"' in html  # input kept
    assert 'value="ｓａｎｔｏｓ"' in html
    assert not RosterEntry.objects.exists()


def test_card_number_required_unless_planned_hire(client, org, alice):
    client.force_login(alice)
    response = client.post(
        url("organization_roster_add", org.code), dict(ADD, residence_card_number="")
    )
    assert "planned hire" in text_of(response)
    assert not RosterEntry.objects.exists()
    response = client.post(
        url("organization_roster_add", org.code),
        dict(ADD, residence_card_number="", planned_hire="on"),
    )
    assert response.status_code == 302
    assert RosterEntry.objects.get().planned_hire is True


def test_adding_the_same_person_twice_is_refused(client, org, alice):
    client.force_login(alice)
    client.post(url("organization_roster_add", org.code), ADD)
    response = client.post(
        url("organization_roster_add", org.code),
        dict(ADD, residence_card_number="ZZ00000000ZZ"),
    )
    assert response.status_code == 200
    assert "already on the list" in text_of(response)
    assert RosterEntry.objects.count() == 1


def test_edit_a_person(client, org, alice, entry):
    client.force_login(alice)
    form = client.get(url("organization_roster_edit", org.code, entry.code))
    assert 'value="AB12345678CD"' in text_of(form)
    data = dict(
        ADD,
        family_name="NGUYEN",
        given_name="VAN AN",
        date_of_birth="1995-04-01",
        nationality="VN",
        residence_card_number="xy-8765-4321-zw",
    )
    response = client.post(url("organization_roster_edit", org.code, entry.code), data)
    assert response.status_code == 302
    entry.refresh_from_db()
    assert entry.residence_card_number == "XY87654321ZW"
    assert entry.nationality == "VN"
    assert AuditEvent.objects.filter(action="roster.update").count() == 1


def test_remove_a_person_after_confirming(client, org, alice, entry):
    client.force_login(alice)
    assert (
        client.get(url("organization_roster_delete", org.code, entry.code)).status_code
        == 200
    )
    assert RosterEntry.objects.exists()
    response = client.post(url("organization_roster_delete", org.code, entry.code))
    assert response.status_code == 302
    assert not RosterEntry.objects.exists()
    assert AuditEvent.objects.filter(action="roster.delete").count() == 1


def test_appointee_may_keep_the_roster(client, org, scrivener):
    client.force_login(scrivener)
    response = client.post(url("organization_roster_add", org.code), ADD)
    assert response.status_code == 302
    assert RosterEntry.objects.filter(organization=org).count() == 1


# --- Roster: CSV ---------------------------------------------------------------------


def upload(data: bytes, name: str = "roster.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="text/csv")


def test_import_a_shift_jis_file(client, org, alice):
    text = (
        "姓,名,漢字氏名,性別,生年月日,国籍,在留資格,在留カード番号,在留期間満了日,採用予定\r\n"
        "LI,WEI,李 偉,男,1990/1/2,CHN,技術・人文知識・国際業務,AB12345678CD,2027/1/1,\r\n"
        "SANTOS,MARIA,,女,1999-02-03,PH,,,,○\r\n"
    )
    client.force_login(alice)
    response = client.post(
        url("organization_roster_import", org.code),
        {"csv_file": upload(text.encode("cp932"))},
    )
    assert response.status_code == 302
    names = list(
        RosterEntry.objects.order_by("family_name").values_list(
            "name_kanji", "nationality", "planned_hire"
        )
    )
    assert names == [("李 偉", "CN", False), ("", "PH", True)]
    assert AuditEvent.objects.get(action="roster.import").data == {"count": 2}


def test_import_with_errors_imports_nothing_and_lists_them(client, org, alice, entry):
    data = (
        CSV_HEADER
        + "\n"
        + csv_row(1)
        + "\n"
        + csv_row(2, date_of_birth="2026-02-30")
        + "\n"
        + csv_row(3, residence_card_number="AB123")
        + "\n"
        + csv_row(1)
        + "\n"
    ).encode()
    client.force_login(alice)
    response = client.post(
        url("organization_roster_import", org.code), {"csv_file": upload(data)}
    )
    assert response.status_code == 200
    html = text_of(response)
    assert "error-summary" in html
    assert "Nothing was imported" in html
    errors = [(e.line, e.column) for e in response.context["row_errors"]]
    assert errors == [
        (3, "date_of_birth"),
        (4, "residence_card_number"),
        (5, "family_name"),
    ]
    assert "not a real date" in html
    assert (
        RosterEntry.objects.filter(organization=org).count() == 1
    )  # only the old entry
    assert not AuditEvent.objects.filter(action="roster.import").exists()


def test_import_with_wrong_headings_says_which(client, org, alice):
    client.force_login(alice)
    response = client.post(
        url("organization_roster_import", org.code),
        {"csv_file": upload(b"name,birthday\nA,1990-01-01\n")},
    )
    assert response.status_code == 200
    html = text_of(response)
    assert "Missing columns" in html and "birthday" in html


def test_import_without_a_file(client, org, alice):
    client.force_login(alice)
    response = client.post(url("organization_roster_import", org.code), {})
    assert response.status_code == 200
    assert "Choose the CSV file" in text_of(response)


def test_import_of_1000_rows_through_the_page(
    client, org, alice, django_assert_max_num_queries
):
    client.force_login(alice)
    client.get(url("organization_roster", org.code))  # warm the session
    data = roster_file(1000)
    started = time.perf_counter()
    with django_assert_max_num_queries(20):
        response = client.post(
            url("organization_roster_import", org.code), {"csv_file": upload(data)}
        )
    elapsed = time.perf_counter() - started
    print(f"1,000-row import through the page: {elapsed:.3f}s")
    assert response.status_code == 302
    assert RosterEntry.objects.filter(organization=org).count() == 1000


def test_export_is_the_import_format_and_is_audited(client, org, alice, entry):
    client.force_login(alice)
    response = client.get(url("organization_roster_export", org.code))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment" in response["Content-Disposition"]
    assert response["Cache-Control"] == "no-store, private"
    assert response.content.startswith(b"\xef\xbb\xbf")
    assert b"NGUYEN,VAN AN" in response.content
    event = AuditEvent.objects.get(action="roster.export")
    assert event.actor == alice
    assert event.data == {"count": 1}
    # and it imports back unchanged
    client.post(
        url("organization_roster_import", org.code),
        {"csv_file": upload(response.content)},
    )
    assert RosterEntry.objects.filter(organization=org).count() == 1


def test_template_download(client, org, alice):
    client.force_login(alice)
    response = client.get(url("organization_roster_template", org.code))
    assert response.status_code == 200
    assert response.content.startswith(b"\xef\xbb\xbf")
    assert response.content.count(b"\r\n") == 2


# --- Read-only users -------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["suspended", "expired"])
def test_read_only_users_read_everything_and_change_nothing(
    client, org, entry, scrivener, kind
):
    if kind == "suspended":
        user = staff(org, status=User.Status.SUSPENDED)
        reason = "suspended"
    else:
        user = staff(org, valid_days=-5)
        reason = "ended on"
    appointment = Appointment.objects.get(appointee=scrivener)
    client.force_login(user)
    for name in ("organization_detail", "organization_roster", "organization_periodic"):
        response = client.get(url(name, org.code))
        assert response.status_code == 200
        html = text_of(response)
        assert "You can read but not change anything" in html
        assert reason in html
    roster_html = text_of(client.get(url("organization_roster", org.code)))
    assert "Add a person" not in roster_html
    # The periodic report is how an expired organisation renews its approval,
    # so an expired user may file it (issue 11 item 8); a suspended one may not.
    periodic_html = text_of(client.get(url("organization_periodic", org.code)))
    assert ("Start the periodic report" in periodic_html) == (kind == "expired")
    assert client.get(url("organization_roster_export", org.code)).status_code == 200
    forbidden = [
        ("get", url("organization_roster_add", org.code)),
        ("post", url("organization_roster_add", org.code)),
        ("post", url("organization_roster_edit", org.code, entry.code)),
        ("post", url("organization_roster_delete", org.code, entry.code)),
        ("post", url("organization_roster_import", org.code)),
        ("post", url("organization_appointment_end", org.code, appointment.code)),
    ]
    if kind == "suspended":
        forbidden.append(("post", url("organization_periodic", org.code)))
    for method, address in forbidden:
        assert getattr(client, method)(address).status_code == 403, address
    assert RosterEntry.objects.count() == 1
    assert not UseRequest.objects.exists()


# --- Dashboard panel ---------------------------------------------------------------------


def test_dashboard_panel_lists_my_organisations_with_validity(client, org, alice):
    second = OrganizationFactory()
    appoint(alice, second)
    client.force_login(alice)
    html = text_of(client.get(reverse("dashboard")))
    assert "Your organisations" in html
    assert org.name_ja in html and second.name_ja in html
    assert url("organization_detail", org.code) in html
    assert "valid until" in html


def test_dashboard_panel_is_not_for_officers(client):
    reception = officer(Role.RECEPTION, mfa=True)
    client.force_login(reception)
    html = text_of(client.get(reverse("dashboard")))
    assert "Your organisations" not in html


def test_dashboard_panel_warns_before_expiry(client, org):
    user = staff(org, valid_days=20)
    client.force_login(user)
    html = text_of(client.get(reverse("dashboard")))
    assert "ends soon" in html
    assert url("organization_periodic", org.code) in html


def test_appointment_that_has_not_started_or_has_lapsed_gives_no_access(client, org):
    user = appointee(OrganizationFactory())
    appoint(user, org, valid_from=timezone.localdate() + timedelta(days=3))
    client.force_login(user)
    assert client.get(url("organization_detail", org.code)).status_code == 404
    Appointment.objects.filter(appointee=user, organization=org).update(
        valid_from=timezone.localdate() - timedelta(days=30),
        valid_until=timezone.localdate() - timedelta(days=1),
    )
    assert client.get(url("organization_detail", org.code)).status_code == 404
