from __future__ import annotations

from desk.views import app_name, urlpatterns

__all__ = ["app_name", "urlpatterns"]
