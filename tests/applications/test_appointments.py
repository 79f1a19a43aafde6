"""Appointments by user ID with a scope (issue 11 item 8): the organisation's
staff appoint an existing portal user, the user accepts or declines, and
until they accept — or once the date passed or it ended — it gives no
access.  A limited scope narrows the case list, the drafts and the people;
starting a draft outside it is refused.  Every step is audited."""

from __future__ import annotations

import uuid
from datetime import timedelta
from pathlib import Path
from typing import Any

from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

import pytest

from accounts import selectors as account_selectors
from accounts import services as account_services
from accounts.errors import AppointmentRefused
from accounts.models import Appointment, User
from applications import selectors, services
from applications.models import Application, ApplicationType, AppointmentScope
from applications.workflow import Status
from portal.audit.events import AuditAction
from portal.audit.models import AuditEvent
from portal.lib.errors import IllegalTransition
from portal.notifications.kinds import NotificationKind
from portal.notifications.models import Notification
from tests.factories import (
    ApplicationFactory,
    ForeignNationalFactory,
    OrganizationFactory,
    UserFactory,
    appoint,
    officer,
    staff,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media_root(settings: Any, tmp_path: Path) -> Path:
    root = tmp_path / "media"
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(root), "base_url": "/no-public-url/"},
        },
    }
    return root


def scrivener(**fields: Any) -> User:
    """A category-2 portal user nobody has appointed yet."""
    fields.setdefault("user_category", User.Category.ATTORNEY)
    fields.setdefault("valid_until", timezone.localdate() + timedelta(days=400))
    fields.setdefault("affiliation", "行政書士法人テスト")
    return UserFactory(mfa=True, **fields)


def in_days(days: int) -> Any:
    return timezone.localdate() + timedelta(days=days)


def login(client: Any, user: User, settings: Any) -> Any:
    client.force_login(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def offer(org: Any, actor: User, user: User, **scope: Any) -> Appointment:
    return services.appointment_appoint(
        organization=org,
        user_id=user.username,
        actor=actor,
        valid_until=scope.pop("valid_until", in_days(90)),
        **scope,
    )


def sees_org(user: User, org: Any) -> bool:
    fresh = User.objects.get(pk=user.pk)
    return (
        account_selectors.organizations_for_user(user=fresh).filter(pk=org.pk).exists()
    )


def audit_actions(appointment: Appointment) -> list[str]:
    return list(
        AuditEvent.objects.filter(object_code=str(appointment.code))
        .order_by("at", "id")
        .values_list("action", flat=True)
    )


# --- Appointing by user ID ---------------------------------------------------------------


def test_staff_appoint_a_user_by_user_id_and_the_user_is_told(
    client, settings, org, org_staff
):
    attorney = scrivener()
    login(client, org_staff, settings)
    url = reverse("applications:appointment_new", args=[org.code])
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            # Typed in full width with spaces around it: normalised.
            "user_id": f"  {attorney.username.translate(_FULL_WIDTH)} ",
            "valid_until": in_days(120).isoformat(),
            "types_scope": "all",
            "people_scope": "all",
        },
    )
    assert response.status_code == 302, response.context["form"].errors
    appointment = Appointment.objects.get(appointee=attorney, organization=org)
    assert appointment.accepted_at is None and appointment.ended_at is None
    assert appointment.valid_until == in_days(120)
    assert appointment.appointed_by == org_staff
    assert appointment.scope_all_types and appointment.scope_all_people
    note = Notification.objects.get(recipient=attorney)
    assert note.kind == NotificationKind.APPOINTMENT_OFFERED
    assert note.link == reverse("applications:appointments_offered")
    event = AuditEvent.objects.get(action=AuditAction.APPOINTMENT_OFFER)
    assert event.object_code == str(appointment.code)
    assert event.organization_code == org.code
    # No personal values in the audit: flags and the date only.
    assert set(event.data) == {"all_types", "all_people", "valid_until"}


_FULL_WIDTH = {c: c + 0xFEE0 for c in range(0x21, 0x7F)}


@pytest.mark.parametrize(
    "who",
    ["unknown", "staff", "officer", "suspended", "revoked", "expired", "inactive"],
)
def test_unknown_and_unappointable_user_ids_get_one_and_the_same_message(
    client, settings, org, org_staff, who
):
    candidates = {
        "unknown": lambda: "NOSUCHUSER",
        "staff": lambda: staff(OrganizationFactory()).username,
        "officer": lambda: officer("examiner").username,
        "suspended": lambda: scrivener(status=User.Status.SUSPENDED).username,
        "revoked": lambda: scrivener(status=User.Status.REVOKED).username,
        "expired": lambda: scrivener(valid_until=in_days(-1)).username,
        "inactive": lambda: scrivener(is_active=False).username,
    }
    login(client, org_staff, settings)
    response = client.post(
        reverse("applications:appointment_new", args=[org.code]),
        {
            "user_id": candidates[who](),
            "valid_until": in_days(30).isoformat(),
            "types_scope": "all",
            "people_scope": "all",
        },
    )
    assert response.status_code == 200
    errors = response.context["form"].errors["user_id"]
    assert errors == [
        "This user ID cannot be appointed. Check it with the person: it must be the "
        "user ID of an active attorney, administrative scrivener, or staff member of "
        "a public-interest corporation or registered support organisation."
    ]
    # What was typed is kept; nothing was made.
    assert "user_id" in response.context["form"].data
    assert not Appointment.objects.filter(organization=org).exists()
    assert not AuditEvent.objects.filter(action=AuditAction.APPOINTMENT_OFFER).exists()


def test_a_user_already_appointed_or_offered_is_refused(org, org_staff):
    attorney = scrivener()
    offer(org, org_staff, attorney)
    with pytest.raises(AppointmentRefused) as exc:
        offer(org, org_staff, attorney)
    assert exc.value.code == "appointee_already_appointed"


def test_tries_of_user_ids_are_rate_limited(client, settings, org, org_staff):
    login(client, org_staff, settings)
    url = reverse("applications:appointment_new", args=[org.code])
    data = {
        "valid_until": in_days(30).isoformat(),
        "types_scope": "all",
        "people_scope": "all",
    }
    from applications.views.appointments import APPOINT_LIMIT_PER_USER

    for number in range(APPOINT_LIMIT_PER_USER):
        client.post(url, {**data, "user_id": f"GUESS{number}"})
    attorney = scrivener()
    response = client.post(url, {**data, "user_id": attorney.username})
    assert response.status_code == 200
    assert "Too many user IDs were tried" in str(response.context["form"].errors)
    # The limit stopped the look-up: even a right ID was not appointed.
    assert not Appointment.objects.filter(appointee=attorney).exists()


@pytest.mark.parametrize(
    ("valid_until", "text"),
    [
        ("", "Enter the last day of the appointment."),
        ("2001-01-01", "cannot be in the past"),
        ("2999-01-01", "can last at most three years"),
    ],
)
def test_the_validity_date_is_required_not_past_and_at_most_three_years(
    client, settings, org, org_staff, valid_until, text
):
    login(client, org_staff, settings)
    response = client.post(
        reverse("applications:appointment_new", args=[org.code]),
        {
            "user_id": scrivener().username,
            "valid_until": valid_until,
            "types_scope": "all",
            "people_scope": "all",
        },
    )
    assert response.status_code == 200
    assert text in " ".join(response.context["form"].errors["valid_until"])


def test_a_limited_scope_needs_something_ticked(client, settings, org, org_staff):
    login(client, org_staff, settings)
    response = client.post(
        reverse("applications:appointment_new", args=[org.code]),
        {
            "user_id": scrivener().username,
            "valid_until": in_days(30).isoformat(),
            "types_scope": "some",
            "people_scope": "some",
        },
    )
    errors = response.context["form"].errors
    assert "Tick at least one type" in " ".join(errors["application_types"])
    assert "Tick at least one foreign national" in " ".join(errors["people"])


def test_only_the_organisations_own_staff_appoint(client, settings, org, org_staff):
    appointed = scrivener()
    appoint(appointed, org)
    login(client, appointed, settings)
    url = reverse("applications:appointment_new", args=[org.code])
    assert client.get(url).status_code == 403
    assert (
        client.get(reverse("applications:appointments", args=[org.code])).status_code
        == 403
    )
    with pytest.raises(PermissionDenied):
        offer(org, appointed, scrivener())
    # Another organisation's staff: the organisation does not exist for them.
    login(client, staff(OrganizationFactory()), settings)
    assert client.get(url).status_code == 404


def test_read_only_staff_see_the_appointments_but_cannot_appoint(
    client, settings, org, read_only_staff
):
    login(client, read_only_staff, settings)
    assert (
        client.get(reverse("applications:appointments", args=[org.code])).status_code
        == 200
    )
    assert (
        client.get(reverse("applications:appointment_new", args=[org.code])).status_code
        == 403
    )


# --- Accept, decline; what gives access ---------------------------------------------------


def test_an_offer_gives_no_access_until_accepted(client, settings, org, org_staff):
    attorney = scrivener()
    case = ApplicationFactory(
        shortcut=True, organization=org, created_by=org_staff, status=Status.SUBMITTED
    )
    appointment = offer(org, org_staff, attorney)
    login(client, attorney, settings)
    case_url = reverse("applications:case", args=[case.code])
    assert not sees_org(attorney, org)
    assert client.get(case_url).status_code == 404
    # The offer is on the dashboard and its page.
    dashboard = client.get(reverse("dashboard")).content.decode()
    assert "Appointments waiting for your answer" in dashboard
    assert (
        org.name_ja
        in client.get(reverse("applications:appointments_offered")).content.decode()
    )

    response = client.post(
        reverse("applications:appointment_accept", args=[appointment.code])
    )
    assert response.status_code == 302
    appointment.refresh_from_db()
    assert appointment.accepted_at is not None
    assert sees_org(attorney, org)
    assert client.get(case_url).status_code == 200
    assert audit_actions(appointment) == [
        AuditAction.APPOINTMENT_OFFER,
        AuditAction.APPOINTMENT_ACCEPT,
    ]
    assert (
        "Appointments waiting" not in client.get(reverse("dashboard")).content.decode()
    )


def test_declining_ends_the_offer_and_the_organisation_may_offer_again(
    client, settings, org, org_staff
):
    attorney = scrivener()
    appointment = offer(org, org_staff, attorney)
    login(client, attorney, settings)
    client.post(reverse("applications:appointment_decline", args=[appointment.code]))
    appointment.refresh_from_db()
    assert appointment.declined_at is not None and appointment.ended_at is not None
    assert not sees_org(attorney, org)
    # Too late to accept now.
    with pytest.raises(IllegalTransition):
        account_services.appointment_accept(appointment=appointment, actor=attorney)
    assert audit_actions(appointment) == [
        AuditAction.APPOINTMENT_OFFER,
        AuditAction.APPOINTMENT_DECLINE,
    ]
    again = offer(org, org_staff, attorney)
    assert again.pk != appointment.pk


def test_only_the_appointee_answers_an_offer(client, settings, org, org_staff):
    appointment = offer(org, org_staff, scrivener())
    someone_else = scrivener()
    login(client, someone_else, settings)
    url = reverse("applications:appointment_accept", args=[appointment.code])
    assert client.post(url).status_code == 404
    assert client.get(url).status_code == 405
    with pytest.raises(PermissionDenied):
        account_services.appointment_accept(appointment=appointment, actor=org_staff)
    appointment.refresh_from_db()
    assert appointment.accepted_at is None


def test_a_suspended_user_cannot_accept(org, org_staff):
    attorney = scrivener()
    appointment = offer(org, org_staff, attorney)
    User.objects.filter(pk=attorney.pk).update(status=User.Status.SUSPENDED)
    attorney.refresh_from_db()
    with pytest.raises(AppointmentRefused) as exc:
        account_services.appointment_accept(appointment=appointment, actor=attorney)
    assert exc.value.code == "appointment_accept_needs_active_account"


def test_an_appointment_past_its_date_gives_no_access(client, settings, org, org_staff):
    attorney = scrivener()
    appointment = appoint(attorney, org, valid_until=in_days(-1))
    case = ApplicationFactory(
        shortcut=True, organization=org, created_by=org_staff, status=Status.SUBMITTED
    )
    login(client, attorney, settings)
    assert not sees_org(attorney, org)
    assert client.get(reverse("applications:case", args=[case.code])).status_code == 404
    # An offer past its date cannot be accepted either.
    late = appoint(scrivener(), org, valid_until=in_days(-1), accepted_at=None)
    with pytest.raises(IllegalTransition):
        account_services.appointment_accept(appointment=late, actor=late.appointee)
    # The organisation sets a later date: access again.
    services.appointment_rescope(
        appointment=appointment, actor=org_staff, valid_until=in_days(10)
    )
    assert sees_org(attorney, org)


def test_an_ended_appointment_gives_no_access_and_is_audited(
    client, settings, org, org_staff
):
    attorney = scrivener()
    appointment = appoint(attorney, org)
    case = ApplicationFactory(
        shortcut=True, organization=org, created_by=org_staff, status=Status.SUBMITTED
    )
    login(client, org_staff, settings)
    end_url = reverse(
        "accounts:organization_appointment_end", args=[org.code, appointment.code]
    )
    assert client.post(end_url).status_code == 302
    appointment.refresh_from_db()
    assert appointment.ended_at is not None
    assert AuditAction.APPOINTMENT_END in audit_actions(appointment)
    login(client, attorney, settings)
    assert client.get(reverse("applications:case", args=[case.code])).status_code == 404
    assert not sees_org(attorney, org)


def test_the_organisation_sees_its_appointments_with_state_and_scope(
    client, settings, org, org_staff
):
    kept = ForeignNationalFactory(organization=org, family_name="INSCOPE")
    ForeignNationalFactory(organization=org, family_name="OUTSIDE")
    extension = ApplicationType.objects.get(code="extension")
    waiting = offer(
        org, org_staff, scrivener(full_name="待機 一郎"), application_types=[extension]
    )
    current = appoint(scrivener(full_name="現在 二郎"), org)
    ended = appoint(scrivener(full_name="終了 三郎"), org, ended_at=timezone.now())
    services.appointment_rescope(
        appointment=current, actor=org_staff, valid_until=in_days(60), people=[kept]
    )
    login(client, org_staff, settings)
    html = client.get(
        reverse("applications:appointments", args=[org.code])
    ).content.decode()
    for text in (
        "待機 一郎",
        "Waiting for the appointee to accept",
        "現在 二郎",
        "Current",
        "終了 三郎",
        "Ended",
        "INSCOPE",
        "Extension of Period of Stay",
        "Every foreign national of the organisation",
    ):
        assert text in html, text
    assert "OUTSIDE" not in html
    assert f"/appointments/{waiting.code}/change/" in html
    assert f"/appointments/{ended.code}/change/" not in html
    # The organisation page links to them.
    detail = client.get(reverse("accounts:organization_detail", args=[org.code]))
    assert (
        reverse("applications:appointments", args=[org.code]) in detail.content.decode()
    )


def test_changing_the_scope_is_audited_and_takes_effect_at_once(
    client, settings, org, org_staff
):
    attorney = scrivener()
    appointment = appoint(attorney, org)
    first = ForeignNationalFactory(organization=org)
    second = ForeignNationalFactory(organization=org)
    login(client, org_staff, settings)
    url = reverse("applications:appointment_change", args=[org.code, appointment.code])
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            "valid_until": in_days(200).isoformat(),
            "types_scope": "all",
            "people_scope": "some",
            "people": [str(first.pk)],
        },
    )
    assert response.status_code == 302, response.context["form"].errors
    appointment.refresh_from_db()
    assert appointment.valid_until == in_days(200)
    assert not appointment.scope_all_people
    assert list(appointment.scope.people.all()) == [first]
    event = AuditEvent.objects.get(action=AuditAction.APPOINTMENT_CHANGE)
    assert event.data == {
        "all_types": True,
        "all_people": False,
        "valid_until": in_days(200).isoformat(),
    }
    fresh = User.objects.get(pk=attorney.pk)
    assert list(selectors.foreign_nationals_for_user(user=fresh)) == [first]
    assert second.pk  # kept out of the scope
    # Back to everything: the scope's rows go.
    services.appointment_rescope(
        appointment=appointment, actor=org_staff, valid_until=in_days(200)
    )
    assert not AppointmentScope.objects.filter(appointment=appointment).exists()


# --- The scope narrows every list; starting outside it is refused -------------------------


@pytest.fixture
def limited(org: Any, org_staff: User) -> dict[str, Any]:
    """An attorney appointed for extensions of one person only, with cases
    and drafts inside and outside that scope."""
    inside = ForeignNationalFactory(organization=org, family_name="INSIDE")
    outside = ForeignNationalFactory(organization=org, family_name="OUTSIDE")
    extension = ApplicationType.objects.get(code="extension")
    attorney = scrivener()
    appointment = offer(
        org, org_staff, attorney, application_types=[extension], people=[inside]
    )
    account_services.appointment_accept(appointment=appointment, actor=attorney)

    def case(person: Any, type_code: str = "extension", **kw: Any) -> Application:
        return ApplicationFactory(
            organization=org,
            created_by=org_staff,
            foreign_national=person,
            type_code=type_code,
            # Drafts are made as the filing flow makes them; cases put
            # straight into their status.
            shortcut="status" in kw,
            companions=(),
            **kw,
        )

    return {
        "attorney": attorney,
        "inside": inside,
        "outside": outside,
        "case_in": case(inside, status=Status.SUBMITTED),
        "case_other_person": case(outside, status=Status.SUBMITTED),
        "case_other_type": case(inside, "change", status=Status.SUBMITTED),
        "draft_in": case(inside),
        "draft_other_person": case(outside),
        "draft_other_type": case(inside, "change"),
    }


def test_the_case_list_drafts_and_people_show_the_scope_only(client, settings, limited):
    attorney = User.objects.get(pk=limited["attorney"].pk)
    assert list(selectors.cases_for_user(user=attorney)) == [limited["case_in"]]
    assert list(selectors.drafts_for_user(user=attorney)) == [limited["draft_in"]]
    assert list(selectors.foreign_nationals_for_user(user=attorney)) == [
        limited["inside"]
    ]
    assert selectors.application_status_counts(user=attorney) == {Status.SUBMITTED: 1}
    login(client, attorney, settings)
    cases = client.get(reverse("applications:list")).content.decode()
    assert limited["case_in"].receipt_number in cases
    assert limited["case_other_person"].receipt_number not in cases
    assert limited["case_other_type"].receipt_number not in cases
    drafts = client.get(reverse("applications:drafts")).content.decode()
    assert str(limited["draft_in"].code) in drafts
    assert str(limited["draft_other_person"].code) not in drafts
    assert str(limited["draft_other_type"].code) not in drafts
    people = client.get(reverse("applications:foreign_nationals")).content.decode()
    assert "INSIDE" in people and "OUTSIDE" not in people


def test_staff_still_see_everything(org_staff, limited):
    staff_user = User.objects.get(pk=org_staff.pk)
    assert selectors.cases_for_user(user=staff_user).count() == 3
    assert selectors.drafts_for_user(user=staff_user).count() == 3


def test_starting_a_draft_outside_the_scope_is_refused(client, settings, org, limited):
    attorney = User.objects.get(pk=limited["attorney"].pk)
    change = ApplicationType.objects.get(code="change")
    extension = ApplicationType.objects.get(code="extension")
    with pytest.raises(PermissionDenied):
        services.application_create(
            foreign_national=limited["inside"],
            application_type=change,
            companions=[],
            actor=attorney,
        )
    with pytest.raises(PermissionDenied):
        services.application_create(
            foreign_national=limited["outside"],
            application_type=extension,
            companions=[],
            actor=attorney,
        )
    login(client, attorney, settings)
    # The start page offers the scope's types only and refuses another.
    start = reverse("applications:start_type", args=[limited["inside"].code])
    page = client.get(start)
    assert page.status_code == 200
    offered = {
        value
        for value, _label in page.context["form"].fields["application_type"].choices
    }
    assert offered == {"extension"}
    refused = client.post(
        start, {"application_type": "change", "once": uuid.uuid4().hex}
    )
    assert refused.status_code == 200
    assert refused.context["form"].errors["application_type"]
    # A person outside the scope cannot be chosen or reached.
    outside_start = reverse("applications:start_type", args=[limited["outside"].code])
    assert client.get(outside_start).status_code == 404
    choose = client.get(reverse("applications:start_person", args=[org.code]))
    choices = " ".join(
        label for _value, label in choose.context["form"].fields["person"].choices
    )
    assert "INSIDE" in choices and "OUTSIDE" not in choices
    # Nor can people be added (they would fall outside the scope).
    assert (
        client.get(
            reverse("applications:foreign_national_add", args=[org.code])
        ).status_code
        == 403
    )
    assert Application.objects.filter(created_by=attorney).count() == 0


def test_files_of_a_case_outside_the_scope_are_not_served(limited):
    from applications.rules import application_file_access
    from tests.factories import attach_required_documents

    attorney = User.objects.get(pk=limited["attorney"].pk)
    for key, expected in (("case_in", "view"), ("case_other_person", "none")):
        application = limited[key]
        attach_required_documents(application)
        document = application.documents.select_related("file").first()
        assert document is not None
        fresh = User.objects.get(pk=attorney.pk)
        assert application_file_access(fresh, document.file) == expected, key


# --- Requests for use and older appointments ----------------------------------------------


def test_approval_of_a_request_for_use_makes_an_accepted_appointment_for_everything():
    """The path through reception still works: approving an attorney's
    request appoints them, accepted, for every type and person — for a new
    account and for an existing one."""
    from tests.factories import Role, UseRequestFactory

    reception_officer = officer(Role.RECEPTION, mfa=False)
    appointer_org = OrganizationFactory()
    existing = scrivener(email="gyosei@example.jp")
    for email, expected_user in (
        ("new@example.jp", None),
        ("gyosei@example.jp", existing),
    ):
        use_request = UseRequestFactory(
            submitted=True,
            category=User.Category.ATTORNEY,
            email=email,
            appointers=[(appointer_org.name_ja, appointer_org.corporate_number)],
        )
        approved = account_services.use_request_approve(
            use_request=use_request, actor=reception_officer
        )
        user = approved.resulting_user
        assert user is not None
        if expected_user is not None:
            assert user == expected_user
        appointments = Appointment.objects.filter(appointee=user, ended_at=None)
        assert approved.organization_id in {a.organization_id for a in appointments}
        for appointment in appointments:
            assert appointment.accepted_at is not None
            assert appointment.scope_all_types and appointment.scope_all_people
            assert sees_org(user, appointment.organization)


def test_the_data_migration_accepts_appointments_made_before_offers():
    import importlib

    from django.apps import apps

    migration = importlib.import_module(
        "accounts.migrations.0011_appointment_offer_accept_scope"
    )
    org = OrganizationFactory()
    attorney = scrivener()
    old = appoint(attorney, org, accepted_at=None)
    assert not sees_org(attorney, org)
    migration.accept_existing(apps, None)
    old.refresh_from_db()
    assert old.accepted_at is not None
    assert sees_org(attorney, org)


def test_an_appointee_limited_to_some_people_does_not_see_the_roster(
    client, settings, org, limited
):
    """The roster lists every foreign employee with card numbers: only staff
    and appointees for every person see it (and so file the periodic
    report, which shows it)."""
    login(client, limited["attorney"], settings)
    for name in (
        "accounts:organization_roster",
        "accounts:organization_roster_export",
        "accounts:organization_roster_add",
        "accounts:organization_periodic",
    ):
        assert client.get(reverse(name, args=[org.code])).status_code == 403, name
    detail = client.get(reverse("accounts:organization_detail", args=[org.code]))
    assert detail.status_code == 200
    assert reverse("accounts:organization_roster", args=[org.code]) not in (
        detail.content.decode()
    )
    # An appointee for every person (types limited) still does.
    everyone = scrivener()
    offered = offer(
        org,
        User.objects.get(memberships__organization=org, full_name="申請 花子"),
        everyone,
        application_types=[ApplicationType.objects.get(code="extension")],
    )
    account_services.appointment_accept(appointment=offered, actor=everyone)
    login(client, everyone, settings)
    roster_url = reverse("accounts:organization_roster", args=[org.code])
    assert client.get(roster_url).status_code == 200


def test_an_offer_not_accepted_does_not_reach_another_office_for_reception():
    """Reception acts only on users who work only for its office's
    organisations (review L11); an offer from an organisation of another
    office does not count until it is accepted."""
    from accounts.permissions import may_manage_account
    from tests.factories import Role, office

    tokyo = OrganizationFactory(office=office("TKY"))
    osaka = OrganizationFactory(office=office("OSK"))
    attorney = scrivener()
    appoint(attorney, tokyo)
    tokyo_reception = officer(Role.RECEPTION, office_code="TKY")
    offered = offer(osaka, staff(osaka), attorney)
    assert may_manage_account(tokyo_reception, attorney)
    account_services.appointment_accept(appointment=offered, actor=attorney)
    fresh_officer = User.objects.get(pk=tokyo_reception.pk)
    assert not may_manage_account(fresh_officer, attorney)


def test_requests_for_documents_and_their_files_keep_to_the_scope(limited):
    """The review side reads the same scope: the dashboard's open requests
    and the files sent in answer (read by file code) of an out-of-scope case
    are not the appointee's."""
    from review.models import DocumentRequest, DocumentRequestFile, DocumentRequestItem
    from review.selectors import (
        document_response_file_access,
        open_document_requests_for_user,
    )
    from tests.factories import officer, stored_pdf

    examiner = officer("examiner")
    files = {}
    for key in ("case_in", "case_other_person"):
        request = DocumentRequest.objects.create(
            application=limited[key],
            due_date=timezone.localdate() + timedelta(days=14),
            created_by=examiner,
        )
        item = DocumentRequestItem.objects.create(request=request, text="Tax")
        files[key] = DocumentRequestFile.objects.create(
            item=item, file=stored_pdf()
        ).file
    attorney = User.objects.get(pk=limited["attorney"].pk)
    assert [
        r.application_id for r in open_document_requests_for_user(user=attorney)
    ] == [limited["case_in"].pk]
    assert document_response_file_access(attorney, files["case_in"]) == "view"
    fresh = User.objects.get(pk=attorney.pk)
    assert document_response_file_access(fresh, files["case_other_person"]) == "none"


def test_the_compiled_read_of_a_users_organisations_follows_the_dates(org, org_staff):
    """``ORGANIZATIONS_OF_USER`` (compiled once, the date as an argument)
    answers as the ORM does: from valid_from to valid_until, not after."""
    attorney = scrivener()
    appoint(attorney, org, valid_from=in_days(-5), valid_until=in_days(10))
    other = OrganizationFactory(name_ja="あいうえお商事")
    appoint(attorney, other, valid_from=in_days(2))

    def compiled(user: User, day: Any) -> list[int]:
        rows = account_selectors.ORGANIZATIONS_OF_USER.rows(user.pk, day)
        return [row[0] for row in rows]

    def orm(user: User, day: Any) -> list[int]:
        return sorted(
            account_selectors._organizations_of(user.pk, day).values_list(
                "pk", flat=True
            )
        )

    by_name = sorted([org, other], key=lambda o: (o.name_ja, o.pk))
    expected = {
        -6: [],
        0: [org.pk],
        2: [o.pk for o in by_name],
        10: [o.pk for o in by_name],
        11: [other.pk],
    }
    for days, pks in expected.items():
        assert compiled(attorney, in_days(days)) == pks
        assert sorted(pks) == orm(attorney, in_days(days))
    assert compiled(org_staff, in_days(-6)) == [org.pk]  # a member, any day


def test_the_case_pages_scope_check_on_the_row_is_the_queryset_rule(
    client, settings, org, org_staff, limited
):
    """``application_row_in_scope`` (the case page decides on the row it read)
    says what ``scope_applications`` says, for limits to some types, to
    some people, to both, none, and for another organisation's case."""
    extension = ApplicationType.objects.get(code="extension")
    types_only = scrivener()
    account_services.appointment_accept(
        appointment=offer(org, org_staff, types_only, application_types=[extension]),
        actor=types_only,
    )
    people_only = scrivener()
    account_services.appointment_accept(
        appointment=offer(org, org_staff, people_only, people=[limited["outside"]]),
        actor=people_only,
    )
    stranger = scrivener()
    elsewhere = ApplicationFactory(submitted=True, companions=())
    users = [limited["attorney"], types_only, people_only, org_staff, stranger]
    applications = [*Application.objects.filter(main__isnull=True), elsewhere]
    seen = 0
    for fresh in users:
        user = User.objects.get(pk=fresh.pk)
        for application in applications:
            rule = (
                selectors.scope_applications(
                    Application.objects.filter(
                        pk=application.pk,
                        organization_id__in=selectors.user_organization_ids(user=user),
                    ),
                    user=user,
                )
                .only("pk")
                .exists()
            )
            row = Application.objects.get(pk=application.pk)
            assert selectors.application_row_in_scope(user=user, application=row) is (
                rule
            ), (user.username, application.receipt_number, application.status)
            seen += rule
    assert 0 < seen < len(users) * len(applications)
    # And the page answers by it: the attorney's own case, not the others.
    login(client, User.objects.get(pk=limited["attorney"].pk), settings)
    for name, status in (
        ("case_in", 200),
        ("case_other_person", 404),
        ("case_other_type", 404),
        ("draft_in", 302),
        ("draft_other_person", 404),
    ):
        url = reverse("applications:case", args=[limited[name].code])
        assert client.get(url).status_code == status, name
    url = reverse("applications:case", args=[elsewhere.code])
    assert client.get(url).status_code == 404
