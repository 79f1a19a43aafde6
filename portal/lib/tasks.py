"""Queue Celery tasks without ever failing the request that asked.

Work that must happen (a receipt, a certificate, an email) is also picked up
by a periodic sweep, so a broker outage only delays it: enqueueing logs and
carries on.  Tasks are named by dotted path because task modules import the
services that call this (a module-level import would be circular).
"""

from __future__ import annotations

import logging
from typing import Any

from django.db import transaction
from django.utils.module_loading import import_string

logger = logging.getLogger(__name__)


def enqueue(task_path: str, *args: Any) -> bool:
    """Send ``task_path`` with ``args`` to the broker now; False (logged) when
    the broker is unavailable.  Never raises."""
    try:
        import_string(task_path).apply_async(args=list(args), retry=False)
    except Exception:
        logger.warning(
            "could not queue %s%r; the sweep will do it", task_path, args, exc_info=True
        )
        return False
    return True


def enqueue_on_commit(task_path: str, *args: Any) -> None:
    """Queue the task once the current transaction commits (nothing on a
    rollback); see ``enqueue``."""
    transaction.on_commit(lambda: enqueue(task_path, *args))
