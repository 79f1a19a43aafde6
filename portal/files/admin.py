from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from portal.files.models import StoredFile


@admin.register(StoredFile)
class StoredFileAdmin(admin.ModelAdmin):
    list_display = ["code", "kind", "size", "purpose", "uploaded_by", "created_at"]
    list_filter = ["kind", "purpose"]
    search_fields = ["code", "sha256"]
    date_hierarchy = "created_at"
    list_select_related = ["uploaded_by"]
    # Files are downloaded only through the access-checked view; the admin
    # shows the record, never the bytes.
    readonly_fields = [f.name for f in StoredFile._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
