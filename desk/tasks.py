from __future__ import annotations

from celery import shared_task

from desk import services


@shared_task(acks_late=True)
def send_weekly_digests() -> int:
    """Beat runs this on Monday mornings; a rerun in the same ISO week sends
    nothing twice (``WeeklyDigest``'s unique row per user and week)."""
    return services.weekly_digests_send()
