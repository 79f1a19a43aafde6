"""The filing flow (people, starting, drafts, check and submission) and the
user's cases."""

from __future__ import annotations

from applications.views import (
    appointments,
    cases,
    check,
    drafts,
    form_pages,
    organisation,
    people,
    start,
)

app_name = "applications"
urlpatterns = [
    *people.urlpatterns,
    *start.urlpatterns,
    *drafts.urlpatterns,
    *form_pages.urlpatterns,
    *organisation.urlpatterns,
    *appointments.urlpatterns,
    *check.urlpatterns,
    *cases.urlpatterns,
]
