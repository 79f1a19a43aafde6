from __future__ import annotations

from celery import shared_task

from portal.pages import services


@shared_task(
    acks_late=True,
    autoretry_for=(Exception,),
    dont_autoretry_for=(ValueError,),
    retry_backoff=True,
    max_retries=3,
)
def render_service_guide(language: str) -> str:
    """Render and store the service guide in ``language`` unless the current
    version is already stored."""
    return services.service_guide_render(language=language)
