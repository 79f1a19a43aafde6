"""The filing flow (people, starting, drafts, check and submission) and the
user's cases."""

from __future__ import annotations

from applications.views import cases, check, drafts, people, start

app_name = "applications"
urlpatterns = [
    *people.urlpatterns,
    *start.urlpatterns,
    *drafts.urlpatterns,
    *check.urlpatterns,
    *cases.urlpatterns,
]
