from __future__ import annotations

from django.urls import path

from statuscheck import views

app_name = "statuscheck"
urlpatterns = [
    path("application-status/", views.status_check, name="check"),
]
