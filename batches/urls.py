from __future__ import annotations

from batches.views import urlpatterns as urlpatterns

app_name = "batches"
