"""One rule, two callers: each accounts rule (accounts.permissions) decides
both whether a page offers the action and whether the service performs it.
Refusing in the rule hides the button AND makes the service raise."""

from __future__ import annotations

import threading

from django.core.exceptions import PermissionDenied
from django.db import connection
from django.urls import reverse

import pytest

from accounts import permissions, services
from accounts.models import Appointment, User, UseRequest
from accounts.services import use_requests
from portal.audit.models import AuditEvent
from tests import factories
from tests.factories import (
    OrganizationFactory,
    Role,
    UseRequestFactory,
    UserFactory,
    appointee,
    staff,
)

pytestmark = pytest.mark.django_db


def _signed_in(client, settings, user: User):
    client.force_login(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


# --- deciding a request for use -------------------------------------------------------


def test_decisions_rule_shows_the_buttons_and_lets_the_service_act(client, settings):
    officer = factories.officer(Role.RECEPTION, office_code="TKY", mfa=True)
    use_request = UseRequestFactory(submitted=True, office_code="TKY")
    page = _signed_in(client, settings, officer).get(
        reverse("accounts:reception_detail", args=[use_request.code])
    )
    assert page.context["can_decide"] is True
    approved = services.use_request_approve(use_request=use_request, actor=officer)
    assert approved.status == UseRequest.Status.APPROVED


def test_refusing_the_decision_rule_hides_the_buttons_and_makes_the_service_raise(
    client, settings, monkeypatch
):
    officer = factories.officer(Role.RECEPTION, office_code="TKY", mfa=True)
    use_request = UseRequestFactory(submitted=True, office_code="TKY")
    monkeypatch.setattr(permissions, "may_decide_use_request", lambda *args: False)

    page = _signed_in(client, settings, officer).get(
        reverse("accounts:reception_detail", args=[use_request.code])
    )
    assert page.context["can_decide"] is False
    assert reverse(
        "accounts:reception_decide", args=[use_request.code, "approve"]
    ) not in (page.content.decode())
    for decide in (
        lambda: services.use_request_approve(use_request=use_request, actor=officer),
        lambda: services.use_request_return(
            use_request=use_request, actor=officer, comments={"person": "Phone?"}
        ),
        lambda: services.use_request_reject(
            use_request=use_request, actor=officer, reason="No."
        ),
    ):
        with pytest.raises(PermissionDenied):
            decide()
    use_request.refresh_from_db()
    assert use_request.status == UseRequest.Status.SUBMITTED


def test_an_officer_of_another_office_cannot_approve_through_the_service():
    use_request = UseRequestFactory(submitted=True, office_code="TKY")
    stranger = factories.officer(Role.RECEPTION, office_code="NGY", mfa=False)
    with pytest.raises(PermissionDenied):
        services.use_request_approve(use_request=use_request, actor=stranger)
    use_request.refresh_from_db()
    assert use_request.status == UseRequest.Status.SUBMITTED
    assert use_request.resulting_user is None
    assert not AuditEvent.objects.filter(
        action="use_request.approve", object_code=str(use_request.code)
    ).exists()


def test_a_non_officer_cannot_reject_through_the_service():
    use_request = UseRequestFactory(submitted=True, office_code="TKY")
    with pytest.raises(PermissionDenied):
        services.use_request_reject(
            use_request=use_request, actor=UserFactory(), reason="No."
        )


def test_a_stale_decision_is_refused_by_the_service():
    use_request = UseRequestFactory(submitted=True, office_code="TKY")
    officer = factories.officer(Role.RECEPTION, office_code="TKY", mfa=False)
    with pytest.raises(services.StaleEdit):
        services.use_request_approve(
            use_request=use_request,
            actor=officer,
            expected_version=use_request.version - 1,
        )
    use_request.refresh_from_db()
    assert use_request.status == UseRequest.Status.SUBMITTED


# --- accounts of the office's users ----------------------------------------------------


def test_refusing_the_account_rule_hides_the_actions_and_makes_the_services_raise(
    client, settings, monkeypatch
):
    officer = factories.officer(Role.RECEPTION, office_code="TKY", mfa=True)
    subject = staff(OrganizationFactory())
    monkeypatch.setattr(permissions, "may_manage_account", lambda *args: False)

    page = _signed_in(client, settings, officer).get(
        reverse("accounts:reception_user_detail", args=[subject.code])
    )
    assert page.status_code == 200
    assert page.context["actions"] == []
    with pytest.raises(PermissionDenied):
        services.account_suspend(user=subject, actor=officer, reason="Check.")
    subject.refresh_from_db()
    assert subject.status == User.Status.ACTIVE


def test_account_rule_allows_the_page_and_the_service(client, settings):
    officer = factories.officer(Role.RECEPTION, office_code="TKY", mfa=True)
    subject = staff(OrganizationFactory())
    page = _signed_in(client, settings, officer).get(
        reverse("accounts:reception_user_detail", args=[subject.code])
    )
    assert "suspend" in page.context["actions"]
    services.account_suspend(user=subject, actor=officer, reason="Check.")
    subject.refresh_from_db()
    assert subject.status == User.Status.SUSPENDED


def test_an_officer_of_another_office_cannot_revoke_through_the_service():
    subject = staff(OrganizationFactory())  # a Tokyo organisation
    with pytest.raises(PermissionDenied):
        services.account_revoke(
            user=subject,
            actor=factories.officer(Role.RECEPTION, office_code="NGY", mfa=False),
            reason="Shared ID.",
        )
    subject.refresh_from_db()
    assert subject.status == User.Status.ACTIVE


def test_refusing_the_password_link_rule_hides_the_button_and_the_service_raises(
    client, settings, monkeypatch
):
    officer = factories.officer(Role.RECEPTION, office_code="TKY", mfa=True)
    subject = staff(OrganizationFactory())
    subject.set_unusable_password()
    subject.save(update_fields=["password"])
    client = _signed_in(client, settings, officer)
    url = reverse("accounts:reception_user_detail", args=[subject.code])
    assert client.get(url).context["needs_password"] is True

    monkeypatch.setattr(permissions, "may_manage_account", lambda *args: False)
    assert client.get(url).context["needs_password"] is False
    with pytest.raises(PermissionDenied):
        services.set_password_link_reissue(user=subject, actor=officer)


# --- appointments and the roster ----------------------------------------------------------


def test_refusing_the_appointment_rule_hides_the_button_and_the_service_raises(
    client, settings, monkeypatch
):
    org = OrganizationFactory()
    member = staff(org)
    appointed = appointee(org)
    appointment = Appointment.objects.get(appointee=appointed, organization=org)
    client = _signed_in(client, settings, member)
    url = reverse("accounts:organization_detail", args=[org.code])
    assert client.get(url).context["may_end_appointments"] is True

    monkeypatch.setattr(permissions, "can_end_appointments", lambda *args: False)
    assert client.get(url).context["may_end_appointments"] is False
    with pytest.raises(PermissionDenied):
        services.appointment_end(appointment=appointment, actor=member)
    appointment.refresh_from_db()
    assert appointment.ended_at is None


def test_an_appointee_cannot_end_an_appointment_through_the_service():
    org = OrganizationFactory()
    appointed = appointee(org)
    appointment = Appointment.objects.get(appointee=appointed, organization=org)
    with pytest.raises(PermissionDenied):
        services.appointment_end(appointment=appointment, actor=appointed)


def test_a_user_of_another_organisation_cannot_change_the_roster():
    org = OrganizationFactory()
    outsider = staff(OrganizationFactory())
    with pytest.raises(PermissionDenied):
        services.roster_import(organization=org, rows=[], actor=outsider)


# --- unique reference numbers under contention ------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_reference_numbers_are_unique_when_two_submissions_collide(
    monkeypatch, reference_data
):
    """Two submissions in two threads draw the same first candidate: one keeps
    it, the other draws again (savepoint and retry), neither fails."""
    first = UseRequestFactory(office_code="TKY")
    second = UseRequestFactory(office_code="TKY")
    drawn: list[str] = []
    lock = threading.Lock()
    shared = iter(["RTKY-2026-000001", "RTKY-2026-000001", "RTKY-2026-000002"])

    def candidate(prefix: str, office_code: str) -> str:
        with lock:
            value = next(shared)
            drawn.append(value)
            return value

    monkeypatch.setattr(use_requests, "reference_number_candidate", candidate)
    barrier = threading.Barrier(2)
    errors: list[BaseException] = []

    def submit(use_request: UseRequest) -> None:
        try:
            barrier.wait(timeout=10)
            services.use_request_submit(use_request=use_request)
        except BaseException as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=submit, args=(r,)) for r in (first, second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert errors == []
    first.refresh_from_db()
    second.refresh_from_db()
    assert {first.reference_number, second.reference_number} == {
        "RTKY-2026-000001",
        "RTKY-2026-000002",
    }
    assert first.status == second.status == UseRequest.Status.SUBMITTED
    assert drawn == ["RTKY-2026-000001", "RTKY-2026-000001", "RTKY-2026-000002"]


def test_refusing_the_organisation_rule_hides_roster_buttons_and_the_service_raises(
    client, settings, monkeypatch
):
    org = OrganizationFactory()
    member = staff(org)
    client = _signed_in(client, settings, member)
    url = reverse("accounts:organization_roster", args=[org.code])
    add_url = reverse("accounts:organization_roster_add", args=[org.code])
    assert add_url in client.get(url).content.decode()

    monkeypatch.setattr(permissions, "may_change_organization", lambda *args: False)
    page = client.get(url)
    assert page.context["approval"]["can_write"] is False
    assert add_url not in page.content.decode()
    assert client.get(add_url).status_code == 403
    with pytest.raises(PermissionDenied):
        services.roster_entry_save(
            organization=org,
            values={"family_name": "NGUYEN"},
            actor=member,
        )
