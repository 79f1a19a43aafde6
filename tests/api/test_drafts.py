"""People and drafts through the API: the pages' checks and wording, each
problem at its field path; unknown fields and wrong types refused with
their own codes; idempotent submit; hostile uploads; and every write
leaves the same audit record and notification as the page."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta

from django.test import Client
from django.utils import timezone

import pytest

from api.scopes import Scope
from applications.application_forms.editions import edition_by_key
from applications.application_forms.samples import sample_answers
from applications.models import Application, ForeignNational
from applications.workflow import Status
from portal.audit.models import AuditEvent
from portal.notifications.models import Notification
from tests.api.conftest import ApiClient, make_key
from tests.factories import ApplicationFactory, ForeignNationalFactory, pdf_bytes

pytestmark = pytest.mark.django_db


@pytest.fixture
def api(reference_data, org_staff, org):
    return ApiClient(make_key(org_staff, [org]))


PERSON = {
    "family_name": "tran",
    "given_name": "thi mai",
    "sex": "F",
    "date_of_birth": "1996-05-02",
    "nationality": "VN",
    "passport_number": "c1234567",
}


def test_create_a_person_with_the_pages_normalisation(api, org):
    response = api.post("/api/v1/people", {"organization": str(org.code), **PERSON})
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["family_name"] == "TRAN" and body["passport_number"] == "C1234567"
    assert AuditEvent.objects.filter(action="foreign_national.add").count() == 1


def test_unknown_fields_are_refused_naming_them(api, org):
    response = api.post(
        "/api/v1/people", {"organization": str(org.code), **PERSON, "shoe_size": 42}
    )
    assert response.status_code == 422
    problem = response.json()
    assert problem["code"] == "unknown_field"
    assert "shoe_size" in problem["detail"]
    assert problem["errors"][0]["path"] == "shoe_size"
    assert not ForeignNational.objects.exists()


def test_wrong_types_have_their_own_code(api, org):
    response = api.post(
        "/api/v1/people",
        {"organization": str(org.code), **PERSON, "date_of_birth": [1, 2]},
    )
    assert response.status_code == 422
    assert response.json()["code"] == "wrong_type"
    assert response.json()["errors"][0]["path"] == "date_of_birth"


def test_the_pages_errors_come_at_their_fields(api, org):
    ForeignNationalFactory(
        organization=org, nationality="VN", passport_number="C1234567"
    )
    response = api.post("/api/v1/people", {"organization": str(org.code), **PERSON})
    assert response.status_code == 422
    problem = response.json()
    assert problem["code"] == "form_invalid"
    assert [e["path"] for e in problem["errors"]] == ["passport_number"]


def test_another_organisations_person_is_404(api, other_org):
    stranger = ForeignNationalFactory(organization=other_org)
    response = api.get(f"/api/v1/people/{stranger.code}")
    assert response.status_code == 404 and response.json()["code"] == "not_found"
    response = api.post(
        "/api/v1/drafts",
        {"foreign_national": str(stranger.code), "application_type": "extension"},
    )
    assert response.status_code == 404


def test_a_draft_is_created_then_given_its_form_items(api, org):
    person = ForeignNationalFactory(organization=org)
    response = api.post(
        "/api/v1/drafts",
        {
            "foreign_national": str(person.code),
            "application_type": "extension",
            "companions": ["reentry"],
            "details": {"requested_period": "3y"},
        },
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["companions"] == ["reentry"]
    assert body["details"]["requested_period"] == "3y"
    edition = edition_by_key(body["form_edition"])
    items = sample_answers(edition, today=timezone.localdate())
    changed = api.patch(
        f"/api/v1/drafts/{body['code']}", {"version": body["version"], "form": items}
    )
    assert changed.status_code == 200, changed.content
    assert set(items) <= set(changed.json()["form"])
    stale = api.patch(
        f"/api/v1/drafts/{body['code']}", {"version": body["version"], "form": items}
    )
    assert stale.status_code == 409 and stale.json()["code"] == "stale_edit"


def test_invalid_form_items_create_nothing_and_say_where(api, org):
    person = ForeignNationalFactory(organization=org)
    response = api.post(
        "/api/v1/drafts",
        {
            "foreign_national": str(person.code),
            "application_type": "extension",
            "form": {"no_such_item": "x"},
        },
    )
    assert response.status_code == 422
    assert response.json()["code"] == "unknown_field"
    assert response.json()["errors"][0]["path"] == "form.no_such_item"
    assert not Application.objects.exists()


def test_validate_lists_problems_with_field_paths(api, org, org_staff):
    draft = ApplicationFactory(organization=org, created_by=org_staff)
    response = api.post(f"/api/v1/drafts/{draft.code}/validate")
    assert response.status_code == 200
    body = response.json()
    # No documents yet: the rule for sending says so.
    assert body["valid"] is False
    assert all({"path", "code", "message"} <= set(e) for e in body["errors"])


def test_a_hostile_upload_has_its_own_code(api, org, org_staff):
    draft = ApplicationFactory(organization=org, created_by=org_staff)
    response = api.upload(
        f"/api/v1/drafts/{draft.code}/documents/passport",
        "x.pdf",
        b"MZ\x90\x00" + b"\x00" * 100,
    )
    assert response.status_code == 422, response.content
    assert response.json()["code"] == "upload_hostile"
    ok = api.upload(
        f"/api/v1/drafts/{draft.code}/documents/passport", "p.pdf", pdf_bytes()
    )
    assert ok.status_code == 201, ok.content


def test_an_oversized_upload_is_413(api, org, org_staff, settings):
    settings.UPLOAD_MAX_FILE_BYTES = 200
    draft = ApplicationFactory(organization=org, created_by=org_staff)
    response = api.upload(
        f"/api/v1/drafts/{draft.code}/documents/passport", "big.pdf", pdf_bytes(3)
    )
    assert response.status_code == 413
    assert response.json()["code"] == "upload_too_large"


# --- Submit ---------------------------------------------------------------------------


def test_submit_is_idempotent(api, org, org_staff):
    draft = ApplicationFactory(organization=org, created_by=org_staff, documents=True)
    path = f"/api/v1/drafts/{draft.code}/submit"
    first = api.post(path, {}, headers={"Idempotency-Key": "k-1"})
    assert first.status_code == 200, first.content
    again = api.post(path, {}, headers={"Idempotency-Key": "k-1"})
    assert again.status_code == 200
    assert again.json() == first.json()
    assert again["Idempotent-Replayed"] == "true"
    draft.refresh_from_db()
    assert draft.status == Status.SUBMITTED
    assert draft.events.filter(action="submit").count() == 1
    other = api.post(path, {"version": 1}, headers={"Idempotency-Key": "k-1"})
    assert other.status_code == 422
    assert other.json()["code"] == "idempotency_key_reused"


def test_submit_needs_an_idempotency_key_and_the_submit_scope(
    org, org_staff, reference_data
):
    draft = ApplicationFactory(organization=org, created_by=org_staff, documents=True)
    path = f"/api/v1/drafts/{draft.code}/submit"
    api = ApiClient(make_key(org_staff, [org]))
    assert api.post(path).json()["code"] == "idempotency_key_missing"
    no_scope = ApiClient(make_key(org_staff, [org], [Scope.WRITE_DRAFTS]))
    refused = no_scope.post(path, headers={"Idempotency-Key": "a"})
    assert refused.status_code == 403


def _effects(application: Application) -> tuple[Counter, Counter]:
    audit = Counter(
        AuditEvent.objects.filter(object_code=str(application.code)).values_list(
            "action", flat=True
        )
    )
    notes = Counter(Notification.objects.values_list("kind", flat=True))
    return audit, notes


def test_api_submit_leaves_the_same_audit_and_notifications_as_the_page(
    api, org, org_staff, django_capture_on_commit_callbacks
):
    by_page = ApplicationFactory(organization=org, created_by=org_staff, documents=True)
    by_api = ApplicationFactory(organization=org, created_by=org_staff, documents=True)
    client = Client()
    client.force_login(org_staff)
    Notification.objects.all().delete()
    with django_capture_on_commit_callbacks():
        page = client.post(
            f"/applications/drafts/{by_page.code}/check/",
            {"version": str(by_page.version), "declaration": "on"},
        )
    assert page.status_code == 302, page.content[:500]
    page_audit, page_notes = _effects(by_page)
    Notification.objects.all().delete()
    with django_capture_on_commit_callbacks():
        response = api.post(
            f"/api/v1/drafts/{by_api.code}/submit", {}, headers={"Idempotency-Key": "x"}
        )
    assert response.status_code == 200, response.content
    api_audit, api_notes = _effects(by_api)
    assert api_audit == page_audit
    assert api_notes == page_notes and api_notes


def test_companions_and_their_answers_through_the_companions_form(api, org, org_staff):
    draft = ApplicationFactory(organization=org, created_by=org_staff, companions=())
    path = f"/api/v1/drafts/{draft.code}"
    missing = api.patch(path, {"companions": ["reentry"]})
    assert missing.status_code == 422
    paths = {e["path"] for e in missing.json()["errors"]}
    assert "companion_details.reentry_variant" in paths
    until = (timezone.localdate() + timedelta(days=40)).isoformat()
    response = api.patch(
        path,
        {
            "companions": ["reentry"],
            "companion_details": {"reentry_variant": "single", "reentry_until": until},
        },
    )
    assert response.status_code == 200, response.content
    assert response.json()["companion_details"] == {
        "reentry_variant": "single",
        "reentry_until": until,
    }
    removed = api.patch(path, {"companions": []})
    assert removed.json()["companions"] == []
