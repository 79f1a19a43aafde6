from __future__ import annotations

from celery import shared_task


@shared_task(
    acks_late=True, autoretry_for=(Exception,), retry_backoff=True, max_retries=3
)
def check_batch(batch_id: int) -> str:
    """Check a big batch file's rows (the preview); see services.batch_check."""
    from batches.services import batch_check

    return batch_check(batch_id=batch_id).status


@shared_task(
    acks_late=True, autoretry_for=(Exception,), retry_backoff=True, max_retries=3
)
def create_drafts(batch_id: int) -> str:
    """Create the drafts of a confirmed batch; see services.batch_create_drafts."""
    from batches.services import batch_create_drafts

    return batch_create_drafts(batch_id=batch_id).status


@shared_task(
    acks_late=True, autoretry_for=(Exception,), retry_backoff=True, max_retries=3
)
def submit_all(batch_id: int, actor_id: int) -> int:
    """Submit the complete drafts of a big batch (each on its own); safe to
    run again (a sent application is skipped).  Returns how many were sent."""
    from accounts.models import User
    from batches.models import Batch
    from batches.services import batch_submit_all

    batch = Batch.objects.select_related("organization").get(pk=batch_id)
    actor = User.objects.get(pk=actor_id)
    submitted, _left = batch_submit_all(batch=batch, actor=actor)
    return len(submitted)


@shared_task(acks_late=True)
def sweep_batches() -> int:
    """Periodic: queue again every batch step that shows no progress (its
    message was lost while the broker was down, or its worker died)."""
    from batches.services import batches_to_resume
    from portal.lib.tasks import enqueue

    return sum(enqueue(path, batch_id) for path, batch_id in batches_to_resume())
