"""Each views module owns its URL list: the requester's flow (no account),
reception's work, and the organisation side."""

from __future__ import annotations

from accounts.views import organization, reception, request

app_name = "accounts"
urlpatterns = [*request.urlpatterns, *reception.urlpatterns, *organization.urlpatterns]
