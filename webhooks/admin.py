"""Read-only views for operators: endpoints (never their secrets) and
deliveries.  Changes go through the organisation's pages and the audited
services only."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from webhooks.models import Delivery, Endpoint


class _ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Endpoint)
class EndpointAdmin(_ReadOnly):
    list_display = ["organization", "url", "is_active", "created_at"]
    list_filter = ["is_active"]
    fields = [
        "code",
        "organization",
        "url",
        "description",
        "events",
        "is_active",
        "secret_version",
        "secret_rotated_at",
        "created_at",
    ]


@admin.register(Delivery)
class DeliveryAdmin(_ReadOnly):
    list_display = [
        "created_at",
        "endpoint",
        "event_type",
        "state",
        "attempts",
        "last_status_code",
    ]
    list_filter = ["state", "event_type"]
    fields = [
        "code",
        "endpoint",
        "message_id",
        "event_type",
        "case_code",
        "state",
        "attempts",
        "next_attempt_at",
        "last_attempt_at",
        "last_status_code",
        "last_error",
        "delivered_at",
        "created_at",
    ]
