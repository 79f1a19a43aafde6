"""Office side (queues, case pages, decisions, issuance) and the public pages
(certificate verification, processing times)."""

from __future__ import annotations

from review.views import applicant, case, issuance, public, queue

app_name = "review"
urlpatterns = [
    *queue.urlpatterns,
    *case.urlpatterns,
    *issuance.urlpatterns,
    *applicant.urlpatterns,
    *public.urlpatterns,
]
