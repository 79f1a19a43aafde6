from __future__ import annotations

from celery import shared_task

from portal.files import services


@shared_task(acks_late=True)
def sweep_orphan_files() -> int:
    return services.stored_files_sweep_orphans()
