"""Reception acts only on its own office's users (issue 11 item 7, review
L11): an attorney appointed by organisations of two offices is visible to
both receptions, but neither can suspend, revoke or reinstate the account
alone — that would cut off the other office's organisations."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.urls import reverse

import pytest

from accounts import services
from accounts.models import User
from accounts.permissions import account_actions, may_manage_account
from tests import factories
from tests.factories import (
    PASSWORD,
    OrganizationFactory,
    Role,
    appoint,
    appointee,
    office,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def shared_attorney() -> User:
    tokyo = OrganizationFactory(office=office("TKY"))
    osaka = OrganizationFactory(office=office("OSK"))
    attorney = appointee(tokyo)
    appoint(attorney, osaka)
    return attorney


def test_a_user_of_two_offices_is_seen_but_not_acted_on(client, shared_attorney):
    tokyo_reception = factories.officer(Role.RECEPTION, office_code="TKY", mfa=True)
    assert not may_manage_account(tokyo_reception, shared_attorney)
    assert account_actions(tokyo_reception, shared_attorney) == []
    with pytest.raises(PermissionDenied):
        services.account_suspend(
            user=shared_attorney, actor=tokyo_reception, reason="Osaka's too."
        )
    client.force_login(tokyo_reception)
    client.cookies["django_language"] = "en"
    page = client.get(
        reverse("accounts:reception_user_detail", args=[shared_attorney.code])
    )
    assert page.status_code == 200
    assert "also works for other offices" in page.content.decode()
    client.post(reverse("account_reauthenticate"), {"password": PASSWORD})
    for name in ("suspend", "revoke"):
        response = client.post(
            reverse(f"accounts:reception_user_{name}", args=[shared_attorney.code]),
            {"reason": "x"},
        )
        assert response.status_code == 403
    shared_attorney.refresh_from_db()
    assert shared_attorney.status == User.Status.ACTIVE


def test_an_officer_of_both_offices_may_act(shared_attorney):
    both = factories.officer(Role.RECEPTION, office_code="TKY", mfa=True)
    from accounts.models import OfficerRole

    OfficerRole.objects.create(
        user=both, office=office("OSK"), role=OfficerRole.Role.RECEPTION
    )
    assert may_manage_account(both, shared_attorney)
    services.account_suspend(user=shared_attorney, actor=both, reason="Checked.")
    shared_attorney.refresh_from_db()
    assert shared_attorney.status == User.Status.SUSPENDED


def test_an_ended_appointment_elsewhere_does_not_block(shared_attorney):
    from django.utils import timezone

    shared_attorney.appointments.filter(organization__office__code="OSK").update(
        ended_at=timezone.now()
    )
    assert may_manage_account(
        factories.officer(Role.RECEPTION, office_code="TKY", mfa=True), shared_attorney
    )
