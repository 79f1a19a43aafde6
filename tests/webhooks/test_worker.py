"""With a real Celery worker process on the real Redis broker: the committed
step's delivery is sent by the worker (never by the web process), verified
by the receiver, and a failed attempt is retried by the worker on its own."""

from __future__ import annotations

import time

import pytest
from standardwebhooks import Webhook

from tests.factories import ApplicationFactory
from webhooks import services
from webhooks.models import Delivery, DeliveryState

from .conftest import ALL_EVENTS

pytestmark = [pytest.mark.celery, pytest.mark.django_db(transaction=True)]


def _wait(delivery: Delivery, until, timeout: float = 40.0) -> Delivery:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        delivery.refresh_from_db()
        if until(delivery):
            break
        time.sleep(0.2)
    return delivery


def test_the_worker_sends_a_signed_delivery_and_retries_a_failure(
    celery_worker_proc, reference_data, org, org_staff, receiver
):
    _endpoint, secret = services.endpoint_create(
        organization=org, actor=org_staff, url=receiver.url, events=ALL_EVENTS
    )
    receiver.status = 500  # the first attempt fails; the worker's retry (5 s) succeeds
    case = ApplicationFactory(organization=org, submitted=True)
    delivery = Delivery.objects.get(case_code=case.code)
    first = receiver.wait_for(1)
    assert len(first) == 1, "the worker did not send the delivery"
    receiver.status = 204
    delivery = _wait(delivery, lambda d: d.state == DeliveryState.DELIVERED)
    assert delivery.state == DeliveryState.DELIVERED, delivery.last_error
    assert delivery.attempts == 2
    assert list(delivery.attempt_log.values_list("status_code", flat=True)) == [
        500,
        204,
    ]
    for hit in receiver.hits:
        payload = Webhook(secret).verify(hit.body, hit.headers)
        assert payload["data"]["case"] == str(case.code)
    assert len({hit.headers["webhook-id"] for hit in receiver.hits}) == 1
