"""Keys: stored hashed, shown once; refused (401, with its own code and an
audit record) when wrong, revoked, expired, when the user is suspended or
the appointment ends; scopes (403); rate limit (429); session cookies and
CSRF play no part."""

from __future__ import annotations

from datetime import timedelta

from django.test import Client
from django.utils import timezone

import pytest

from accounts.models import Appointment, User
from api.models import ApiKey
from api.scopes import Scope
from api.services.keys import api_key_revoke
from portal.audit.models import AuditEvent
from tests.api.conftest import ApiClient, make_key
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

PEOPLE = "/api/v1/people"


def reauthenticate(client: Client) -> None:
    response = client.post("/accounts/reauthenticate/", {"password": PASSWORD})
    assert response.status_code == 302


def test_only_a_digest_of_the_secret_is_stored(org_staff, org):
    token = make_key(org_staff, [org])
    key = ApiKey.objects.get()
    secret = token.rsplit("_", 1)[1]
    assert secret not in key.secret_hash and len(key.secret_hash) == 64
    assert AuditEvent.objects.filter(action="api_key.create").count() == 1


def test_no_key_and_a_wrong_key_are_401_with_their_own_codes(org_staff, org):
    token = make_key(org_staff, [org])
    missing = ApiClient(None).get(PEOPLE)
    assert missing.status_code == 401
    assert missing["Content-Type"] == "application/problem+json"
    assert missing.json()["code"] == "key_missing"
    wrong = ApiClient(token[:-2] + "xx").get(PEOPLE)
    assert wrong.status_code == 401 and wrong.json()["code"] == "key_invalid"
    assert ApiClient(token).get(PEOPLE).status_code == 200


def test_a_session_cookie_does_not_authenticate(client, org_staff):
    client.force_login(org_staff)
    response = client.get(PEOPLE)
    assert response.status_code == 401
    assert response.json()["code"] == "key_missing"


def test_csrf_does_not_apply_to_key_requests(org_staff, org):
    api = ApiClient(make_key(org_staff, [org]))
    assert api.client.handler.enforce_csrf_checks
    response = api.post(PEOPLE, {"organization": str(org.code)})
    assert response.status_code == 422  # reached validation, not a CSRF 403


def test_a_revoked_key_is_refused_and_audited(org_staff, org):
    token = make_key(org_staff, [org])
    api_key_revoke(api_key=ApiKey.objects.get(), actor=org_staff)
    response = ApiClient(token).get(PEOPLE)
    assert response.status_code == 401 and response.json()["code"] == "key_revoked"
    refused = AuditEvent.objects.get(action="api_key.refused")
    assert refused.data["reason"] == "key_revoked"


def test_an_expired_key_is_refused(org_staff, org):
    token = make_key(org_staff, [org])
    ApiKey.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    response = ApiClient(token).get(PEOPLE)
    assert response.status_code == 401 and response.json()["code"] == "key_expired"


def test_a_key_stops_working_when_its_user_is_suspended(org_staff, org):
    token = make_key(org_staff, [org])
    User.objects.filter(pk=org_staff.pk).update(status=User.Status.SUSPENDED)
    response = ApiClient(token).get(PEOPLE)
    assert response.status_code == 401
    assert response.json()["code"] == "key_user_inactive"


def test_a_key_stops_working_when_the_appointment_ends(attorney, org):
    token = make_key(attorney, [org])
    assert ApiClient(token).get(PEOPLE).status_code == 200
    Appointment.objects.filter(appointee=attorney).update(ended_at=timezone.now())
    response = ApiClient(token).get(PEOPLE)
    assert response.status_code == 401
    assert response.json()["code"] == "key_no_organisation"


def test_a_key_without_the_scope_gets_403(org_staff, org):
    api = ApiClient(make_key(org_staff, [org], [Scope.READ_CASES]))
    response = api.post(PEOPLE, {"organization": str(org.code)})
    assert response.status_code == 403
    assert response.json()["code"] == "scope_missing"


def test_rate_limit_answers_429_with_retry_after(org_staff, org, settings):
    settings.API_RATE_LIMIT = 2
    api = ApiClient(make_key(org_staff, [org]))
    assert api.get(PEOPLE).status_code == 200
    assert api.get(PEOPLE).status_code == 200
    response = api.get(PEOPLE)
    assert response.status_code == 429
    assert response.json()["code"] == "rate_limited"
    assert 1 <= int(response["Retry-After"]) <= 61


def test_last_use_is_written_at_most_once_a_minute(
    org_staff, org, django_assert_num_queries
):
    api = ApiClient(make_key(org_staff, [org]))
    api.get(PEOPLE)
    first = ApiKey.objects.get().last_used_at
    assert first is not None
    api.get(PEOPLE)
    assert ApiKey.objects.get().last_used_at == first


# --- Pages ----------------------------------------------------------------------------


def test_creating_a_key_needs_recent_authentication_and_shows_it_once(org_staff, org):
    client = Client(headers={"Accept-Language": "en"})
    client.force_login(org_staff)
    response = client.get("/account/api-keys/new/")
    assert response.status_code == 302
    assert "/reauthenticate/" in response["Location"]
    reauthenticate(client)
    response = client.post(
        "/account/api-keys/new/",
        {
            "name": "HR",
            "organizations": [org.pk],
            "scopes": ["cases:read"],
            "expires_on": (timezone.localdate() + timedelta(days=10)).isoformat(),
        },
    )
    assert response.status_code == 200
    token = response.context["token"]
    assert token.startswith("zk_")
    listing = client.get("/account/api-keys/")
    assert token not in listing.content.decode()
    assert ApiClient(token).get(PEOPLE).status_code == 200


def test_a_key_longer_than_a_year_is_refused_by_the_form(org_staff, org):
    client = Client(headers={"Accept-Language": "en"})
    client.force_login(org_staff)
    reauthenticate(client)
    response = client.post(
        "/account/api-keys/new/",
        {
            "name": "HR",
            "organizations": [org.pk],
            "scopes": ["cases:read"],
            "expires_on": (timezone.localdate() + timedelta(days=400)).isoformat(),
        },
    )
    assert response.status_code == 200
    assert "at most one year" in response.content.decode()
    assert not ApiKey.objects.exists()


def test_organisation_staff_see_and_revoke_an_appointees_key(
    org_staff, attorney, org, other_org_staff
):
    token = make_key(attorney, [org])
    key = ApiKey.objects.get()
    client = Client(headers={"Accept-Language": "en"})
    client.force_login(org_staff)
    page = client.get(f"/organizations/{org.code}/api-keys/")
    assert page.status_code == 200 and key.prefix in page.content.decode()
    response = client.post(f"/organizations/{org.code}/api-keys/{key.code}/revoke/")
    assert response.status_code == 302
    assert ApiClient(token).get(PEOPLE).json()["code"] == "key_revoked"
    stranger = Client()
    stranger.force_login(other_org_staff)
    assert stranger.get(f"/organizations/{org.code}/api-keys/").status_code in (
        302,
        404,
    )
