from __future__ import annotations

app_name = "files"
urlpatterns: list = []
