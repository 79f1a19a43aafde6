"""The filing flow (drafts, documents, submission) and the user's cases."""

from __future__ import annotations

from applications.views import cases, filing

app_name = "applications"
urlpatterns = [*filing.urlpatterns, *cases.urlpatterns]
