"""Read-only admin for the review records (decisions, payments, certificates,
dispatches), so operators can look a case's records up.  Nothing here can be
added, changed or deleted: every change of these records — a state above
all — belongs to a review service, with its lock, audit record and
notifications."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from review.models import Certificate, Decision, Dispatch, Payment


class ReadOnlyAdmin(admin.ModelAdmin):
    """Lists and detail pages only (view permission); no add, change or delete."""

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Decision)
class DecisionAdmin(ReadOnlyAdmin):
    list_display = ["application", "outcome", "state", "proposed_at", "approved_at"]
    list_filter = ["state", "outcome"]
    list_select_related = ["application"]
    search_fields = ["application__receipt_number"]


@admin.register(Payment)
class PaymentAdmin(ReadOnlyAdmin):
    list_display = ["application", "amount_due", "state", "method", "paid_at"]
    list_filter = ["state", "method"]
    list_select_related = ["application"]
    search_fields = ["application__receipt_number", "provider_reference"]


@admin.register(Certificate)
class CertificateAdmin(ReadOnlyAdmin):
    list_display = ["application", "kind", "valid_until", "created_at"]
    list_filter = ["kind"]
    list_select_related = ["application"]
    search_fields = ["application__receipt_number"]


@admin.register(Dispatch)
class DispatchAdmin(ReadOnlyAdmin):
    list_display = ["application", "method", "tracking_number", "dispatched_at"]
    list_filter = ["method"]
    list_select_related = ["application"]
    search_fields = ["application__receipt_number", "tracking_number"]
