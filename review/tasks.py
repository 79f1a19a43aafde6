"""Background work of the review app.  Tasks take ids, call one function and
are idempotent (the functions skip work already done).

Issuance: ``render_certificates`` (queued on commit by the issuance
services) and ``sweep_issuance`` (periodic: fees not yet assessed,
certificates not yet rendered).  Examination: the daily reminders of
requests for documents."""

from __future__ import annotations

from celery import shared_task


@shared_task(
    acks_late=True, autoretry_for=(Exception,), retry_backoff=True, max_retries=5
)
def render_certificates(application_id: int) -> int:
    """Render the missing PDFs (ja, en) of the application's certificates and
    notices; returns how many files were stored."""
    from review.certificates import certificates_render

    return certificates_render(application_id=application_id)


@shared_task(acks_late=True)
def sweep_issuance() -> dict[str, int]:
    """Assess missing fees and queue missing certificate PDFs."""
    from review.services.issuance import issuance_sweep

    return issuance_sweep()


@shared_task(acks_late=True)
def send_document_request_reminders() -> int:
    """Examination (daily, CELERY_BEAT_SCHEDULE "document-request-reminders"):
    remind organisations of requests for documents due in 7 days and in 1
    day, once each (flags on the request); returns how many were queued."""
    from review.services.document_requests import document_request_send_reminders

    return document_request_send_reminders()


@shared_task(acks_late=True, expires=55)
def refresh_queue_counts() -> int:
    """Every minute (CELERY_BEAT_SCHEDULE "queue-counts"): the officer
    queue's counts per office and status, into the shared cache, so no
    queue page counts open cases itself."""
    from review.selectors import refresh_queue_counts as refresh

    return refresh()


@shared_task(acks_late=True, expires=1700)
def refresh_processing_times() -> int:
    """Every 30 minutes (CELERY_BEAT_SCHEDULE "processing-times"): the
    processing-time figures of every office and type, into the shared cache
    (public pages and case pages only read them)."""
    from review.processing_times import refresh_summary

    return len(refresh_summary())
