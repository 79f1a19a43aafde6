from __future__ import annotations

from django.urls import path

from portal.files import views

app_name = "files"
urlpatterns = [
    path("files/<uuid:code>/", views.download, name="download"),
]
