"""Item 8 of issue 11: a request for use from an email that already has an
account links that account on approval (it used to be a 500: the new account
broke the unique email constraint)."""

from __future__ import annotations

from pathlib import Path

from django.urls import reverse

import pytest

from accounts import services
from accounts.models import Appointment, Membership, SetPasswordToken, User
from accounts.permissions import existing_account_refusal
from portal.lib.errors import DomainError
from portal.notifications.models import Notification
from tests import factories
from tests.factories import (
    PASSWORD,
    OrganizationFactory,
    Role,
    UseRequestFactory,
    appointee,
    staff,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def test_approval_links_an_existing_org_staff_account_to_the_new_organisation():
    existing = staff(OrganizationFactory(), email="Hanako.Sato@example.jp")
    use_request = UseRequestFactory(submitted=True, email="hanako.sato@EXAMPLE.jp")
    assert existing_account_refusal(use_request) is None
    officer = factories.officer(Role.RECEPTION, mfa=False)
    users_before = User.objects.count()
    approved = services.use_request_approve(use_request=use_request, actor=officer)
    assert User.objects.count() == users_before  # no second account
    assert approved.resulting_user == existing
    assert Membership.objects.filter(
        user=existing, organization=approved.organization
    ).exists()
    existing.refresh_from_db()
    assert existing.has_usable_password()  # untouched: no set-password link
    assert not SetPasswordToken.objects.filter(user=existing).exists()
    notification = Notification.objects.get(recipient=existing)
    assert notification.kind == "account_linked"
    assert "secret_link" not in notification.context
    assert existing.valid_until >= approved.decided_at.date()


def test_approval_appoints_an_existing_attorney_for_every_appointer():
    attorney = appointee(OrganizationFactory(), email="gyosei@example.jp")
    appointer_org = OrganizationFactory()
    use_request = UseRequestFactory(
        submitted=True,
        category=User.Category.ATTORNEY,
        email="gyosei@example.jp",
        appointers=[(appointer_org.name_ja, appointer_org.corporate_number)],
    )
    approved = services.use_request_approve(
        use_request=use_request, actor=factories.officer(Role.RECEPTION, mfa=False)
    )
    assert approved.resulting_user == attorney
    assert Appointment.objects.filter(
        appointee=attorney, organization=approved.organization, ended_at=None
    ).exists()


@pytest.mark.parametrize("case", ["officer", "revoked", "other_category"])
def test_an_account_that_cannot_be_linked_is_refused_with_a_message(case):
    if case == "officer":
        existing = factories.officer(Role.RECEPTION, mfa=False)
        existing.email = "clash@example.jp"
        existing.save(update_fields=["email"])
    else:
        existing = staff(OrganizationFactory(), email="clash@example.jp")
        if case == "revoked":
            User.objects.filter(pk=existing.pk).update(status=User.Status.REVOKED)
    category = (
        User.Category.ATTORNEY if case == "other_category" else User.Category.ORG_STAFF
    )
    use_request = UseRequestFactory(
        submitted=True, email="clash@example.jp", category=category
    )
    assert existing_account_refusal(use_request) is not None
    with pytest.raises(DomainError):
        services.use_request_approve(
            use_request=use_request, actor=factories.officer(Role.RECEPTION, mfa=False)
        )
    use_request.refresh_from_db()
    assert use_request.status == "submitted"


def test_reception_approves_through_the_page_without_a_500(client, settings):
    existing = staff(OrganizationFactory(), email="page@example.jp")
    use_request = UseRequestFactory(submitted=True, email="page@example.jp")
    officer = factories.officer(Role.RECEPTION, mfa=True)
    client.force_login(officer)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    detail = client.get(reverse("accounts:reception_detail", args=[use_request.code]))
    assert existing.username in detail.content.decode()
    client.post(reverse("account_reauthenticate"), {"password": PASSWORD})
    response = client.post(
        reverse("accounts:reception_approve", args=[use_request.code]),
        {"version": use_request.version, "confirm": "on"},
    )
    assert response.status_code == 302
    use_request.refresh_from_db()
    assert use_request.status == "approved"
    assert use_request.resulting_user == existing
