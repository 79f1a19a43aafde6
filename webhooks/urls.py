from __future__ import annotations

from webhooks.views import urlpatterns as urlpatterns

app_name = "webhooks"
