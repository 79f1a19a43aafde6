"""Queue Celery tasks without ever holding up or failing the request that asked.

Work that must happen (a receipt, a certificate, an email) is also picked up
by a periodic sweep, so a broker outage only delays it: enqueueing logs and
carries on.  Tasks are named by dotted path because task modules import the
services that call this (a module-level import would be circular).

What a sick broker can cost a request is bounded three ways:

- **one publish per transaction**: every ``enqueue_on_commit`` of one
  transaction is collected and sent after the commit as a single message
  (``fan_out``, which the worker splits into the individual tasks), so a
  submission that notifies fifteen members publishes once, not sixteen times;
- **short timeouts**: the publish uses its own connection with
  ``REDIS_WEB_TIMEOUT_MS`` socket and connect timeouts and no kombu
  connection-retry loop (which would sleep 2 s per attempt);
- **a circuit breaker** (``portal.lib.breaker``): after one failure of the
  broker, or of the cache on the same Redis, publishes to that Redis are
  skipped for a while without touching the network.
"""

from __future__ import annotations

import logging
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils.module_loading import import_string

from celery import shared_task

from portal.lib.breaker import breaker_for

logger = logging.getLogger(__name__)

FAN_OUT = "portal.lib.tasks.fan_out"


def _publish(task: Any, args: list[Any]) -> None:
    app = task.app
    if app.conf.task_always_eager:
        task.apply_async(args=args, retry=False)
        return
    timeout = settings.REDIS_WEB_TIMEOUT
    with app.connection_for_write(
        connect_timeout=timeout,
        transport_options={
            "socket_timeout": timeout,
            "socket_connect_timeout": timeout,
            "max_retries": 0,  # no kombu retry loop: one attempt, then the sweep
        },
    ) as connection:
        connection.ensure_connection(max_retries=0, timeout=timeout)
        task.apply_async(args=args, retry=False, connection=connection)


def enqueue(task_path: str, *args: Any) -> bool:
    """Send ``task_path`` with ``args`` to the broker now; False (logged) when
    the broker is unavailable or its breaker is open.  Never raises."""
    task = import_string(task_path)
    breaker = breaker_for(str(task.app.conf.broker_url or ""), "broker")
    if not breaker.allows():
        logger.info(
            "broker paused: not queueing %s%r; the sweep will do it", task_path, args
        )
        return False
    try:
        _publish(task, list(args))
    except Exception as exc:
        breaker.trip(exc)
        logger.warning(
            "could not queue %s%r; the sweep will do it", task_path, args, exc_info=True
        )
        return False
    return True


class _Batch:
    """The tasks one transaction queues, published together after its commit.

    Each ``enqueue_on_commit`` adds two hooks: one that adds its task to the
    batch (Django drops it if its savepoint rolls back) and a flush tied only
    to the savepoints that enclose every task of the batch (so it is dropped
    only when all of them are).  Only the latest flush publishes; earlier ones
    find they were superseded and do nothing, so the batch goes out once,
    after every surviving task joined it."""

    def __init__(self) -> None:
        self.items: list[tuple[str, tuple[Any, ...]]] = []
        self.generation = 0
        self.savepoints: set[Any] | None = None

    def new_flush(self) -> Any:
        self.generation += 1
        generation = self.generation

        def flush() -> None:
            if generation != self.generation:
                return  # a later flush of this batch publishes it
            items, self.items = self.items, []
            if len(items) == 1:
                enqueue(items[0][0], *items[0][1])
            elif items:
                enqueue(FAN_OUT, [[path, list(args)] for path, args in items])

        flush.batch = self  # type: ignore[attr-defined]
        return flush


def enqueue_on_commit(task_path: str, *args: Any) -> None:
    """Queue the task once the current transaction commits (nothing on a
    rollback, nothing for a rolled-back savepoint); see ``enqueue``.  All
    tasks of one transaction go out in one publish."""
    connection = transaction.get_connection()
    if not connection.in_atomic_block:
        enqueue(task_path, *args)
        return
    batch: _Batch | None = getattr(connection, "_zairyu_task_batch", None)
    if batch is None or not any(
        getattr(hook[1], "batch", None) is batch for hook in connection.run_on_commit
    ):
        batch = _Batch()
        connection._zairyu_task_batch = batch
    transaction.on_commit(lambda: batch.items.append((task_path, args)))
    current = set(connection.savepoint_ids)
    batch.savepoints = (
        current if batch.savepoints is None else batch.savepoints & current
    )
    connection.run_on_commit.append((set(batch.savepoints), batch.new_flush(), False))


@shared_task(name=FAN_OUT, acks_late=True)
def fan_out(items: list[list[Any]]) -> int:
    """Worker side of a batched publish: queue each task on its own (so each
    keeps its own retries and time limits).  Returns how many were queued."""
    return sum(enqueue(path, *args) for path, args in items)
