from __future__ import annotations

from django.urls import URLPattern, path

from api import views

app_name = "api"

urlpatterns: list[URLPattern] = [
    path("account/api-keys/", views.key_list, name="keys"),
    path("account/api-keys/new/", views.key_create, name="key_create"),
    path("account/api-keys/<uuid:code>/revoke/", views.key_revoke, name="key_revoke"),
    path(
        "organizations/<uuid:organization>/api-keys/",
        views.organization_keys,
        name="organization_keys",
    ),
    path(
        "organizations/<uuid:organization>/api-keys/<uuid:code>/revoke/",
        views.organization_key_revoke,
        name="organization_key_revoke",
    ),
]
