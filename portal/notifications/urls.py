from __future__ import annotations

from django.urls import path

from portal.notifications import views

app_name = "notifications"
urlpatterns = [
    path("inbox/", views.inbox, name="inbox"),
    path("inbox/read-all/", views.inbox_mark_all_read, name="mark_all_read"),
    path("inbox/<uuid:code>/", views.inbox_detail, name="detail"),
    path("dev/mailbox/", views.dev_mailbox, name="dev_mailbox"),
    path(
        "dev/mailbox/<str:message_id>/",
        views.dev_mailbox_message,
        name="dev_mailbox_message",
    ),
]
