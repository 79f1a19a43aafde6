"""Every API write leaves the same audit records and notifications as the
page doing the same thing (each path on its own object; the actions and the
kinds are compared, not the object codes)."""

from __future__ import annotations

from collections import Counter
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

import pytest

from portal.audit.models import AuditEvent
from portal.notifications.models import Notification
from tests.api.conftest import ApiClient, make_key
from tests.factories import ApplicationFactory, pdf_bytes

pytestmark = pytest.mark.django_db


def effects(run: Any, capture: Any) -> tuple[Counter, Counter]:
    audit_before = set(AuditEvent.objects.values_list("pk", flat=True))
    notes_before = set(Notification.objects.values_list("pk", flat=True))
    with capture(execute=True):
        run()
    audit = Counter(
        AuditEvent.objects.exclude(pk__in=audit_before)
        .exclude(action="api_key.create")
        .values_list("action", flat=True)
    )
    notes = Counter(
        Notification.objects.exclude(pk__in=notes_before).values_list("kind", flat=True)
    )
    return audit, notes


@pytest.fixture
def web(org_staff):
    client = Client()
    client.force_login(org_staff)
    return client


@pytest.fixture
def api(reference_data, org_staff, org):
    return ApiClient(make_key(org_staff, [org]))


PERSON = {
    "family_name": "LE",
    "sex": "M",
    "date_of_birth": "1990-01-01",
    "nationality": "VN",
}


def test_adding_a_person(web, api, org, django_capture_on_commit_callbacks):
    by_page = effects(
        lambda: web.post(
            f"/applications/people/add/{org.code}/",
            {**PERSON, "passport_number": "P1111111"},
        ),
        django_capture_on_commit_callbacks,
    )
    by_api = effects(
        lambda: api.post(
            "/api/v1/people",
            {"organization": str(org.code), **PERSON, "passport_number": "P2222222"},
        ),
        django_capture_on_commit_callbacks,
    )
    assert by_page == by_api
    assert by_api[0]["foreign_national.add"] == 1


def test_uploading_a_draft_document(
    web, api, org, org_staff, django_capture_on_commit_callbacks
):
    first = ApplicationFactory(organization=org, created_by=org_staff)
    second = ApplicationFactory(organization=org, created_by=org_staff)
    by_page = effects(
        lambda: web.post(
            f"/applications/drafts/{first.code}/documents/",
            {
                "slot": "passport",
                "passport-version": str(first.version),
                "passport-upload": SimpleUploadedFile("p.pdf", pdf_bytes()),
            },
        ),
        django_capture_on_commit_callbacks,
    )
    by_api = effects(
        lambda: api.upload(
            f"/api/v1/drafts/{second.code}/documents/passport", "p.pdf", pdf_bytes()
        ),
        django_capture_on_commit_callbacks,
    )
    assert by_page == by_api
    assert by_api[0]["application.documents_add"] == 1


def test_answering_a_request_for_documents(
    web, api, org, org_staff, django_capture_on_commit_callbacks
):
    first = ApplicationFactory(
        organization=org, created_by=org_staff, awaiting_documents=True
    )
    second = ApplicationFactory(
        organization=org, created_by=org_staff, awaiting_documents=True
    )

    def by_the_page() -> None:
        web.post(
            f"/applications/{first.code}/documents-request/items/1/",
            {"item1-upload": SimpleUploadedFile("a.pdf", pdf_bytes())},
        )
        web.post(
            f"/applications/{first.code}/documents-request/send/",
            {"confirm_missing": "on"},
        )

    def by_the_api() -> None:
        base = f"/api/v1/cases/{second.code}/document-requests/current"
        assert (
            api.upload(f"{base}/items/1/files", "a.pdf", pdf_bytes()).status_code == 201
        )
        assert api.post(f"{base}/answer").status_code == 200

    by_page = effects(by_the_page, django_capture_on_commit_callbacks)
    by_api = effects(by_the_api, django_capture_on_commit_callbacks)
    assert by_page == by_api
    assert by_api[1], "the answer notifies"
