from __future__ import annotations

from celery import shared_task

from webhooks import services


# No autoretry: a failed attempt is recorded and rescheduled by the service
# (its own backoff schedule); an exception here is a bug, and the sweep
# reclaims the delivery.
@shared_task(
    acks_late=True,
    soft_time_limit=services.TASK_TIME_LIMIT - 30,
    time_limit=services.TASK_TIME_LIMIT,
)
def deliver_webhook(delivery_id: int) -> bool:
    return services.delivery_attempt(delivery_id=delivery_id)


@shared_task(acks_late=True)
def sweep_deliveries() -> int:
    return services.deliveries_sweep()
