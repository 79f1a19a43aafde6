from __future__ import annotations

from celery import shared_task


@shared_task(
    acks_late=True, autoretry_for=(Exception,), retry_backoff=True, max_retries=5
)
def render_receipt(application_id: int) -> bool:
    """Render the receipt PDFs (ja and en) of a submitted application; skips
    work already done.  Implemented in applications.documents."""
    from applications.documents import receipt_render

    return receipt_render(application_id=application_id)


@shared_task(
    acks_late=True, autoretry_for=(Exception,), retry_backoff=True, max_retries=5
)
def render_application_form(application_id: int) -> bool:
    """Render the 申請書 PDFs (ja, with the en companion) of a submitted
    application; skips work already done.  Implemented in
    applications.documents."""
    from applications.documents import application_form_render

    return application_form_render(application_id=application_id)


@shared_task(acks_late=True)
def render_missing_receipts() -> int:
    """Periodic sweep: queue the receipt and the 申請書 of every recent
    submission that has none yet (the broker was down when it was submitted,
    or the retries ran out).  Returns how many it queued."""
    from applications.documents import application_forms_missing, receipts_missing

    ids = receipts_missing()
    for application_id in ids:
        render_receipt.delay(application_id)
    forms = application_forms_missing()
    for application_id in forms:
        render_application_form.delay(application_id)
    return len(ids) + len(forms)
