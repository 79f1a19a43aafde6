"""``manage.py webhooks_sweep``: queue every webhook delivery that is due
(what beat does every minute).  Under ``make run`` (tasks in-process, no
beat) this sends the due retries at once."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from webhooks.services import deliveries_sweep


class Command(BaseCommand):
    help = "Queue (in-process: send) every webhook delivery that is due."

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write(f"Queued {deliveries_sweep()} webhook deliveries.")
