"""Deliveries against a real HTTP receiver on loopback: signed per Standard
Webhooks and verified by the receiver with the reference library; retries
with the backoff schedule and the dead state on a receiver that answers 500
or does not answer in time; the sweep; replays with the same webhook-id."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

import pytest
from standardwebhooks import Webhook

from portal.lib import encryption
from tests.factories import ApplicationFactory
from webhooks import services
from webhooks.models import Delivery, DeliveryAttempt, DeliveryState

pytestmark = pytest.mark.django_db


def _one_delivery(org) -> Delivery:
    case = ApplicationFactory(organization=org, submitted=True)
    return Delivery.objects.get(case_code=case.code)


def _make_due(delivery: Delivery) -> None:
    Delivery.objects.filter(pk=delivery.pk).update(next_attempt_at=timezone.now())


def test_the_receiver_verifies_the_signature_of_a_delivery(
    org, endpoint_with_secret, receiver
):
    _endpoint, secret = endpoint_with_secret
    delivery = _one_delivery(org)
    assert services.delivery_attempt(delivery_id=delivery.pk) is True
    [hit] = receiver.hits
    assert hit.path == "/hooks/zairyu?src=test"
    assert hit.headers["content-type"] == "application/json"
    assert hit.headers["webhook-id"] == delivery.message_id
    payload = Webhook(secret).verify(hit.body, hit.headers)
    assert payload["type"] == "case.received"
    assert payload["data"]["case"] == str(delivery.case_code)
    delivery.refresh_from_db()
    assert delivery.state == DeliveryState.DELIVERED
    assert (delivery.attempts, delivery.last_status_code) == (1, 204)
    assert delivery.delivered_at is not None
    attempt = DeliveryAttempt.objects.get(delivery=delivery)
    assert (attempt.number, attempt.status_code, attempt.succeeded) == (1, 204, True)
    # Delivered once: a second call (a duplicate task) sends nothing.
    assert services.delivery_attempt(delivery_id=delivery.pk) is False
    assert len(receiver.hits) == 1


def test_a_500_is_retried_on_the_schedule_then_dead(
    org, endpoint_with_secret, receiver, settings
):
    settings.WEBHOOK_RETRY_SCHEDULE = [5, 300, 1800]
    receiver.status = 500
    delivery = _one_delivery(org)
    delays = []
    for _ in range(4):
        _make_due(delivery)
        before = timezone.now()
        assert services.delivery_attempt(delivery_id=delivery.pk) is False
        delivery.refresh_from_db()
        delays.append(round((delivery.next_attempt_at - before).total_seconds()))
    assert delays[:3] == [5, 300, 1800]
    assert delivery.state == DeliveryState.DEAD
    assert (delivery.attempts, delivery.last_status_code) == (4, 500)
    assert len(receiver.hits) == 4
    # Every attempt was signed alike: same id, each with its own timestamp.
    assert {hit.headers["webhook-id"] for hit in receiver.hits} == {delivery.message_id}
    assert list(delivery.attempt_log.values_list("status_code", flat=True)) == [500] * 4
    # Dead is final: the sweep leaves it alone.
    assert services.deliveries_sweep() == 0


def test_a_receiver_that_does_not_answer_in_time_is_a_failed_attempt(
    org, endpoint_with_secret, receiver, settings
):
    settings.WEBHOOK_RETRY_SCHEDULE = [60]
    receiver.delay = 5  # the portal waits WEBHOOK_TIMEOUT_SECONDS = 1
    delivery = _one_delivery(org)
    assert services.delivery_attempt(delivery_id=delivery.pk) is False
    delivery.refresh_from_db()
    assert delivery.state == DeliveryState.PENDING
    assert delivery.last_error == "timeout"
    assert delivery.last_status_code is None
    _make_due(delivery)
    services.delivery_attempt(delivery_id=delivery.pk)
    delivery.refresh_from_db()
    assert delivery.state == DeliveryState.DEAD
    assert delivery.attempts == 2


def test_an_unreachable_endpoint_is_a_failed_attempt(org, org_staff, settings):
    services.endpoint_create(
        organization=org,
        actor=org_staff,
        url="http://127.0.0.1:9/nothing-listens",
        events=["case.received"],
    )
    delivery = _one_delivery(org)
    assert services.delivery_attempt(delivery_id=delivery.pk) is False
    delivery.refresh_from_db()
    assert delivery.state == DeliveryState.PENDING
    assert delivery.last_error == "connection refused or unreachable"


def test_a_private_target_is_refused_at_delivery_time(
    org, endpoint_with_secret, receiver, settings
):
    """Saved while loopback was allowed; production refuses it when sending."""
    delivery = _one_delivery(org)
    settings.WEBHOOK_ALLOW_LOOPBACK = False
    assert services.delivery_attempt(delivery_id=delivery.pk) is False
    delivery.refresh_from_db()
    assert delivery.last_error.startswith("refused:")
    assert receiver.hits == []


def test_a_disabled_endpoint_gets_nothing_until_enabled(
    org, org_staff, endpoint_with_secret, receiver
):
    endpoint, _ = endpoint_with_secret
    delivery = _one_delivery(org)
    services.endpoint_set_active(endpoint=endpoint, actor=org_staff, active=False)
    assert services.delivery_attempt(delivery_id=delivery.pk) is False
    assert services.deliveries_sweep() == 0
    assert receiver.hits == []
    services.endpoint_set_active(endpoint=endpoint, actor=org_staff, active=True)
    assert services.delivery_attempt(delivery_id=delivery.pk) is True
    assert len(receiver.hits) == 1


def test_the_sweep_queues_lost_and_due_deliveries_and_reclaims_dead_workers(
    org, endpoint_with_secret, monkeypatch
):
    queued: list[int] = []
    monkeypatch.setattr(
        "webhooks.services.enqueue", lambda path, pk: queued.append(pk) or True
    )
    lost = _one_delivery(org)  # its task never ran
    stuck = _one_delivery(org)
    Delivery.objects.filter(pk=stuck.pk).update(
        state=DeliveryState.SENDING,
        attempts=1,
        claimed_at=timezone.now() - timedelta(hours=1),
    )
    later = _one_delivery(org)
    Delivery.objects.filter(pk=later.pk).update(
        next_attempt_at=timezone.now() + timedelta(hours=1)
    )
    assert services.deliveries_sweep() == 2
    assert sorted(queued) == sorted([lost.pk, stuck.pk])
    stuck.refresh_from_db()
    assert stuck.state == DeliveryState.PENDING


def test_replay_sends_again_with_the_same_webhook_id(
    org, org_staff, endpoint_with_secret, receiver, settings
):
    _endpoint, secret = endpoint_with_secret
    settings.WEBHOOK_RETRY_SCHEDULE = []
    receiver.status = 500
    delivery = _one_delivery(org)
    services.delivery_attempt(delivery_id=delivery.pk)
    delivery.refresh_from_db()
    assert delivery.state == DeliveryState.DEAD
    receiver.status = 200
    services.delivery_replay(delivery=delivery, actor=org_staff)
    assert services.delivery_attempt(delivery_id=delivery.pk) is True
    first, second = receiver.hits
    assert first.headers["webhook-id"] == second.headers["webhook-id"]
    assert first.body == second.body
    Webhook(secret).verify(second.body, second.headers)
    delivery.refresh_from_db()
    assert (delivery.state, delivery.attempts) == (DeliveryState.DELIVERED, 2)
    assert list(delivery.attempt_log.values_list("number", "status_code")) == [
        (1, 500),
        (2, 200),
    ]


def test_replay_of_a_waiting_delivery_is_refused(org, org_staff, endpoint_with_secret):
    from webhooks.errors import WebhookError

    delivery = _one_delivery(org)
    with pytest.raises(WebhookError) as refused:
        services.delivery_replay(delivery=delivery, actor=org_staff)
    assert refused.value.code == "webhook_delivery_in_progress"


def test_after_a_rotation_both_secrets_sign_during_the_overlap(
    org, org_staff, endpoint_with_secret, receiver, settings
):
    endpoint, old = endpoint_with_secret
    new = services.endpoint_rotate_secret(endpoint=endpoint, actor=org_staff)
    delivery = _one_delivery(org)
    services.delivery_attempt(delivery_id=delivery.pk)
    [hit] = receiver.hits
    Webhook(new).verify(hit.body, hit.headers)
    Webhook(old).verify(hit.body, hit.headers)
    # Once the overlap is over, only the new secret signs.
    settings.WEBHOOK_SECRET_OVERLAP_HOURS = 0
    newer = services.endpoint_rotate_secret(endpoint=endpoint, actor=org_staff)
    endpoint.refresh_from_db()
    assert services.signing_secrets(endpoint) == [newer]
    assert encryption.decrypt(endpoint.secret) == newer


def test_the_sweep_command_queues_what_is_due(org, endpoint_with_secret, monkeypatch):
    from io import StringIO

    from django.core.management import call_command

    queued: list[int] = []
    monkeypatch.setattr(
        "webhooks.services.enqueue", lambda path, pk: queued.append(pk) or True
    )
    delivery = _one_delivery(org)
    out = StringIO()
    call_command("webhooks_sweep", stdout=out)
    assert queued == [delivery.pk]
    assert "Queued 1 webhook deliveries." in out.getvalue()


def test_an_endpoint_deleted_while_its_delivery_is_sent_leaves_nothing_behind(
    org, org_staff, endpoint_with_secret, monkeypatch
):
    from webhooks import transport

    endpoint, _ = endpoint_with_secret
    delivery = _one_delivery(org)

    def delete_meanwhile(url, **kwargs):
        services.endpoint_delete(endpoint=endpoint, actor=org_staff)
        return transport.Outcome(204)

    monkeypatch.setattr("webhooks.transport.post", delete_meanwhile)
    services.delivery_attempt(delivery_id=delivery.pk)
    assert not Delivery.objects.exists()
    assert not DeliveryAttempt.objects.exists()


def test_the_sweep_forgets_finished_deliveries_past_the_log_days(
    org, endpoint_with_secret, settings, monkeypatch
):
    monkeypatch.setattr("webhooks.services.enqueue", lambda path, pk: True)
    settings.WEBHOOK_LOG_DAYS = 30
    old_done, old_dead, old_waiting, recent = (_one_delivery(org) for _ in range(4))
    long_ago = timezone.now() - timedelta(days=31)
    Delivery.objects.filter(pk=old_done.pk).update(
        state=DeliveryState.DELIVERED, delivered_at=long_ago, created_at=long_ago
    )
    Delivery.objects.filter(pk=old_dead.pk).update(
        state=DeliveryState.DEAD, created_at=long_ago
    )
    Delivery.objects.filter(pk=old_waiting.pk).update(created_at=long_ago)
    Delivery.objects.filter(pk=recent.pk).update(
        state=DeliveryState.DELIVERED, delivered_at=timezone.now()
    )
    services.deliveries_sweep()
    assert set(Delivery.objects.values_list("pk", flat=True)) == {
        old_waiting.pk,
        recent.pk,
    }
