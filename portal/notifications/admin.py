from __future__ import annotations

from django.contrib import admin

from portal.notifications.models import Notification


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = [
        "created_at",
        "recipient",
        "kind",
        "email_state",
        "attempts",
        "sent_at",
    ]
    list_filter = ["email_state", "kind"]
    readonly_fields = [f.name for f in Notification._meta.fields]
    search_fields = ["recipient__username", "kind"]
