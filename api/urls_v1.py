"""``/api/v1/`` (included without a namespace of ours, so django-ninja's
own ``api-v1`` namespace is a top-level one it can reverse)."""

from __future__ import annotations

from django.urls import URLResolver, path

from api.v1 import api

urlpatterns: list[URLResolver] = [path("", api.urls)]
