from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from portal.audit.models import AuditEvent


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    list_display = [
        "at",
        "actor_username",
        "action",
        "object_type",
        "object_code",
        "request_id",
    ]
    list_filter = ["action", "object_type"]
    search_fields = ["actor_username", "object_code", "request_id", "action"]
    date_hierarchy = "at"

    # Read-only: the admin may look, never write.
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
