from __future__ import annotations

from celery import shared_task

from accounts import services


@shared_task(acks_late=True)
def send_expiry_reminders() -> int:
    return services.expiry_reminders_send()
