"""Officer roles: granted and withdrawn only through the audited services, by
a superuser (the admin) or by a bureau administrator for the offices of their
own regional bureau; and the admin has no side doors for lifecycle fields."""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone

import pytest

from accounts import services
from accounts.errors import OfficerRoleRefused
from accounts.models import Appointment, Office, OfficerRole, User
from portal.audit.models import AuditEvent
from tests.factories import PASSWORD, OrganizationFactory, UserFactory, appointee, staff

pytestmark = pytest.mark.django_db


def bureau_admin(bureau: str = "TKY") -> User:
    admin = UserFactory(mfa=True)
    OfficerRole.objects.create(
        user=admin,
        office=Office.objects.get(code=bureau),
        role=OfficerRole.Role.BUREAU_ADMIN,
    )
    return admin


def officer() -> User:
    return UserFactory(mfa=True)


def reauthenticate(client) -> None:
    response = client.post(reverse("account_reauthenticate"), {"password": PASSWORD})
    assert response.status_code == 302


@pytest.fixture
def admin_client(client, settings):
    client.force_login(bureau_admin())
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    reauthenticate(client)
    return client


# --- the services --------------------------------------------------------------------


def test_grant_and_revoke_are_audited():
    admin = bureau_admin()
    someone = officer()
    yokohama = Office.objects.get(code="YKH")  # a district office of Tokyo
    granted = services.officer_role_grant(
        user=someone, office=yokohama, role=OfficerRole.Role.EXAMINER, actor=admin
    )
    grant = AuditEvent.objects.get(action="officer_role.grant")
    assert grant.actor == admin
    assert grant.object_code == str(someone.code)
    assert grant.data == {"role": "examiner", "office": "YKH"}

    services.officer_role_revoke(officer_role=granted, actor=admin)
    assert not OfficerRole.objects.filter(user=someone).exists()
    revoke = AuditEvent.objects.get(action="officer_role.revoke")
    assert revoke.data == {"role": "examiner", "office": "YKH"}


def test_granting_a_role_held_already_is_a_noop():
    admin = bureau_admin()
    someone = officer()
    tokyo = Office.objects.get(code="TKY")
    for _attempt in range(2):
        services.officer_role_grant(
            user=someone, office=tokyo, role=OfficerRole.Role.CLERK, actor=admin
        )
    assert OfficerRole.objects.filter(user=someone).count() == 1
    assert AuditEvent.objects.filter(action="officer_role.grant").count() == 1


def test_a_bureau_admin_cannot_grant_or_revoke_at_another_bureau():
    admin = bureau_admin("TKY")
    someone = officer()
    nagoya = Office.objects.get(code="NGY")
    with pytest.raises(OfficerRoleRefused) as refused:
        services.officer_role_grant(
            user=someone, office=nagoya, role=OfficerRole.Role.RECEPTION, actor=admin
        )
    assert refused.value.code == "officer_role_other_bureau"
    held = OfficerRole.objects.create(
        user=someone, office=nagoya, role=OfficerRole.Role.RECEPTION
    )
    with pytest.raises(OfficerRoleRefused):
        services.officer_role_revoke(officer_role=held, actor=admin)
    assert OfficerRole.objects.filter(pk=held.pk).exists()
    assert not AuditEvent.objects.filter(action__startswith="officer_role.").exists()


def test_a_bureau_admin_cannot_make_another_bureau_admin():
    with pytest.raises(OfficerRoleRefused) as refused:
        services.officer_role_grant(
            user=officer(),
            office=Office.objects.get(code="TKY"),
            role=OfficerRole.Role.BUREAU_ADMIN,
            actor=bureau_admin("TKY"),
        )
    assert refused.value.code == "officer_role_not_grantable"


def test_a_portal_user_is_never_given_an_officer_role():
    with pytest.raises(OfficerRoleRefused):
        services.officer_role_grant(
            user=staff(OrganizationFactory()),
            office=Office.objects.get(code="TKY"),
            role=OfficerRole.Role.RECEPTION,
            actor=bureau_admin("TKY"),
        )


# --- the bureau administrator's page ----------------------------------------------------


def test_the_page_lists_the_bureaus_roles_only(admin_client):
    tokyo_examiner = officer()
    OfficerRole.objects.create(
        user=tokyo_examiner,
        office=Office.objects.get(code="YKH"),
        role=OfficerRole.Role.EXAMINER,
    )
    nagoya_clerk = officer()
    OfficerRole.objects.create(
        user=nagoya_clerk,
        office=Office.objects.get(code="NGY"),
        role=OfficerRole.Role.CLERK,
    )
    response = admin_client.get(reverse("accounts:officer_roles"))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Officer roles of your bureau" in page
    assert tokyo_examiner.username in page
    assert nagoya_clerk.username not in page
    offices = {office.code for office in response.context["offices"]}
    assert {"TKY", "YKH", "NRT", "HND"} <= offices
    assert "NGY" not in offices


def test_the_page_is_in_japanese_too(client, settings):
    client.force_login(bureau_admin())
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "ja"
    page = client.get(reverse("accounts:officer_roles")).content.decode()
    assert "局の職員の役割" in page


def test_grant_through_the_page(admin_client):
    someone = officer()
    response = admin_client.post(
        reverse("accounts:officer_role_grant"),
        {
            "username": someone.username,
            "office": Office.objects.get(code="YKH").pk,
            "role": "reception",
        },
    )
    assert response.status_code == 302
    assert OfficerRole.objects.filter(
        user=someone, office__code="YKH", role="reception"
    ).exists()
    assert AuditEvent.objects.filter(action="officer_role.grant").count() == 1


def test_the_page_refuses_an_office_of_another_bureau(admin_client):
    someone = officer()
    response = admin_client.post(
        reverse("accounts:officer_role_grant"),
        {
            "username": someone.username,
            "office": Office.objects.get(code="NGY").pk,
            "role": "reception",
        },
    )
    assert response.status_code == 200
    assert "office" in response.context["form"].errors
    assert not OfficerRole.objects.filter(user=someone).exists()


def test_withdraw_through_the_page_and_404_for_another_bureau(admin_client):
    someone = officer()
    ours = OfficerRole.objects.create(
        user=someone, office=Office.objects.get(code="TKY"), role="examiner"
    )
    theirs = OfficerRole.objects.create(
        user=someone, office=Office.objects.get(code="OSK"), role="examiner"
    )
    response = admin_client.post(
        reverse("accounts:officer_role_withdraw", args=[theirs.pk])
    )
    assert response.status_code == 404
    response = admin_client.post(
        reverse("accounts:officer_role_withdraw", args=[ours.pk])
    )
    assert response.status_code == 302
    assert list(OfficerRole.objects.filter(user=someone)) == [theirs]


def test_other_officers_may_not_open_the_page(client):
    reception = officer()
    OfficerRole.objects.create(
        user=reception, office=Office.objects.get(code="TKY"), role="reception"
    )
    client.force_login(reception)
    assert client.get(reverse("accounts:officer_roles")).status_code == 403


# --- the admin: no side doors ------------------------------------------------------------


@pytest.fixture
def superuser_client(client):
    superuser = UserFactory(mfa=True, is_staff=True, is_superuser=True)
    client.force_login(superuser)
    return client, superuser


def _admin_form_data(response) -> dict[str, object]:
    """The admin change form's current values, as a browser would post them."""
    data: dict[str, object] = {}
    form = response.context["adminform"].form
    for name, field in form.fields.items():
        value = form.initial.get(name, field.initial)
        if value is None:
            continue
        if isinstance(value, list | tuple):
            data[name] = [getattr(v, "pk", v) for v in value]
        elif hasattr(value, "pk"):
            data[name] = value.pk
        elif isinstance(value, bool):
            if value:
                data[name] = "on"
        else:
            data[name] = value
    for formset in response.context.get("inline_admin_formsets", []):
        management = formset.formset.management_form
        prefix = formset.formset.prefix
        data[f"{prefix}-TOTAL_FORMS"] = management.initial["TOTAL_FORMS"]
        data[f"{prefix}-INITIAL_FORMS"] = management.initial["INITIAL_FORMS"]
        data[f"{prefix}-MIN_NUM_FORMS"] = 0
        data[f"{prefix}-MAX_NUM_FORMS"] = 1000
    return data


def test_admin_cannot_change_an_accounts_status(superuser_client):
    client, _superuser = superuser_client
    subject = staff(OrganizationFactory())
    url = reverse("admin:accounts_user_change", args=[subject.pk])
    form_page = client.get(url)
    assert form_page.status_code == 200
    assert "status" not in form_page.context["adminform"].form.fields
    data = _admin_form_data(form_page)
    data["status"] = User.Status.REVOKED
    response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    subject.refresh_from_db()
    assert subject.status == User.Status.ACTIVE


def test_admin_cannot_end_an_appointment(superuser_client):
    client, _superuser = superuser_client
    org = OrganizationFactory()
    appointment = Appointment.objects.get(appointee=appointee(org), organization=org)
    url = reverse("admin:accounts_appointment_change", args=[appointment.pk])
    form_page = client.get(url)
    assert "ended_at" not in form_page.context["adminform"].form.fields
    data = _admin_form_data(form_page)
    now = timezone.localtime()
    data["ended_at_0"] = now.date().isoformat()
    data["ended_at_1"] = now.time().strftime("%H:%M:%S")
    response = client.post(url, data)
    assert response.status_code == 302
    appointment.refresh_from_db()
    assert appointment.ended_at is None


def test_admin_grants_and_deletes_officer_roles_through_the_services(
    superuser_client,
):
    client, superuser = superuser_client
    someone = officer()
    response = client.post(
        reverse("admin:accounts_officerrole_add"),
        {
            "user": someone.pk,
            "office": Office.objects.get(code="OSK").pk,
            "role": "bureau_admin",
        },
    )
    assert response.status_code == 302
    granted = OfficerRole.objects.get(user=someone)
    assert AuditEvent.objects.get(action="officer_role.grant").actor == superuser

    response = client.post(
        reverse("admin:accounts_officerrole_delete", args=[granted.pk]),
        {"post": "yes"},
    )
    assert response.status_code == 302
    assert not OfficerRole.objects.filter(user=someone).exists()
    assert AuditEvent.objects.get(action="officer_role.revoke").actor == superuser


def test_admin_cannot_edit_an_officer_role_in_place(superuser_client):
    client, _superuser = superuser_client
    held = OfficerRole.objects.create(
        user=officer(), office=Office.objects.get(code="TKY"), role="examiner"
    )
    url = reverse("admin:accounts_officerrole_change", args=[held.pk])
    client.post(url, {"user": held.user_id, "office": held.office_id, "role": "clerk"})
    held.refresh_from_db()
    assert held.role == "examiner"


def test_a_branch_office_belongs_to_its_bureau_through_its_district_office():
    # Kawasaki is a branch of the Yokohama district office of the Tokyo bureau.
    kawasaki = Office.objects.get(code="KWS")
    assert kawasaki.parent is not None and kawasaki.parent.code == "YKH"
    someone = officer()
    services.officer_role_grant(
        user=someone, office=kawasaki, role=OfficerRole.Role.CLERK, actor=bureau_admin()
    )
    assert OfficerRole.objects.filter(user=someone, office=kawasaki).exists()
    with pytest.raises(OfficerRoleRefused):
        services.officer_role_grant(
            user=officer(),
            office=kawasaki,
            role=OfficerRole.Role.CLERK,
            actor=bureau_admin("NGY"),
        )
