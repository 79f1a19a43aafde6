from __future__ import annotations

from celery import shared_task

from portal.notifications import services


@shared_task(
    acks_late=True, autoretry_for=(Exception,), retry_backoff=True, max_retries=5
)
def deliver_notification(notification_id: int) -> bool:
    return services.notification_deliver(notification_id=notification_id)


@shared_task(acks_late=True)
def sweep_outbox() -> int:
    return services.outbox_sweep()
