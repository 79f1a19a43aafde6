"""Case events at the five points, through the real services: one delivery
per event and endpoint, in the step's transaction, carrying opaque codes
only."""

from __future__ import annotations

import json

from django.db import transaction
from django.urls import reverse

import pytest

from applications.events import CaseEvent, emit
from applications.workflow import Status
from tests.factories import ApplicationFactory, advance, staff
from webhooks import services
from webhooks.models import Delivery, DeliveryState

pytestmark = pytest.mark.django_db


def _types(case) -> list[str]:
    return list(
        Delivery.objects.filter(case_code=case.code)
        .order_by("created_at", "id")
        .values_list("event_type", flat=True)
    )


def test_each_step_to_dispatch_creates_one_delivery(org, endpoint_with_secret):
    """Walked through every service from the draft to the handover: one
    delivery at each of the four points on the way, in order, none for the
    steps between (claim, recommendation, fee, handover)."""
    case = ApplicationFactory(organization=org, completed=True)
    assert _types(case) == [
        "case.received",
        "case.decided",
        "case.issued",
        "case.dispatched",
    ]
    by_type = {
        d.event_type: json.loads(d.body)
        for d in Delivery.objects.filter(case_code=case.code)
    }
    assert by_type["case.decided"]["data"]["outcome"] == "granted"
    assert by_type["case.issued"]["data"]["card"] is True
    assert by_type["case.dispatched"]["data"]["method"] == "registered_mail"
    assert all(d.state == DeliveryState.PENDING for d in Delivery.objects.all())


def test_documents_requested_and_a_denial_each_create_one_delivery(
    org, endpoint_with_secret
):
    waiting = ApplicationFactory(organization=org, awaiting_documents=True)
    assert _types(waiting) == ["case.received", "case.documents_requested"]
    body = json.loads(Delivery.objects.get(event_type="case.documents_requested").body)
    assert (
        body["data"]["due_date"] == waiting.document_requests.get().due_date.isoformat()
    )

    denied = ApplicationFactory(organization=org, denied=True)
    assert _types(denied) == ["case.received", "case.decided"]
    decided = Delivery.objects.get(case_code=denied.code, event_type="case.decided")
    assert json.loads(decided.body)["data"]["outcome"] == "denied"


def test_the_body_names_the_case_by_codes_only(org, endpoint_with_secret):
    case = ApplicationFactory(organization=org, submitted=True)
    person = case.foreign_national
    delivery = Delivery.objects.get(case_code=case.code)
    body = json.loads(delivery.body)
    assert body["type"] == "case.received"
    assert body["timestamp"].endswith("Z")
    data = body["data"]
    assert data["case"] == str(case.code)
    assert data["receipt_number"] == case.receipt_number
    assert data["organization"] == str(org.code)
    assert data["status"] == "submitted"
    companion = case.companions.get()
    assert data["companions"] == [
        {"case": str(companion.code), "receipt_number": companion.receipt_number}
    ]
    assert data["links"]["case"] == "http://127.0.0.1:8000" + reverse(
        "applications:case", args=[case.code]
    )
    for personal in (
        person.passport_number,
        person.residence_card_number,
        person.date_of_birth.isoformat(),
        person.family_name,
        person.given_name,
    ):
        if personal:
            assert personal not in delivery.body
    assert delivery.message_id.startswith("msg_")


def test_only_matching_active_endpoints_of_the_cases_organisation_get_it(
    org, org_staff, other_org, receiver
):
    decided_only, _ = services.endpoint_create(
        organization=org, actor=org_staff, url=receiver.url, events=["case.decided"]
    )
    received, _ = services.endpoint_create(
        organization=org, actor=org_staff, url=receiver.url, events=["case.received"]
    )
    disabled, _ = services.endpoint_create(
        organization=org, actor=org_staff, url=receiver.url, events=["case.received"]
    )
    services.endpoint_set_active(endpoint=disabled, actor=org_staff, active=False)
    services.endpoint_create(
        organization=other_org,
        actor=staff(other_org),
        url=receiver.url,
        events=["case.received"],
    )
    ApplicationFactory(organization=org, submitted=True)
    assert list(Delivery.objects.values_list("endpoint", flat=True)) == [received.pk]
    assert not decided_only.deliveries.exists()


def test_a_rolled_back_step_leaves_no_delivery_and_queues_nothing(
    org, endpoint_with_secret, django_capture_on_commit_callbacks, monkeypatch
):
    case = ApplicationFactory(organization=org, submitted=True)
    Delivery.objects.all().delete()
    queued: list[tuple] = []
    monkeypatch.setattr("portal.lib.tasks.enqueue", lambda *args: queued.append(args))
    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        emit(case, CaseEvent.DECIDED, outcome="granted")
        assert Delivery.objects.count() == 1
        raise RuntimeError("the step failed after the event")
    assert Delivery.objects.count() == 0
    assert queued == []


def test_the_delivery_task_is_queued_only_after_commit(
    org, endpoint_with_secret, django_capture_on_commit_callbacks
):
    case = ApplicationFactory(organization=org, documents=True)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        advance(case, Status.SUBMITTED)
    assert Delivery.objects.filter(case_code=case.code).count() == 1
    assert callbacks, "the send waits for the commit"
