"""Admin for the reference data of applications (all editable)."""

from __future__ import annotations

from django.contrib import admin

from applications.models import (
    ApplicationType,
    DocumentSlot,
    Fee,
    StatusOfResidence,
    StatusSubCategory,
)


@admin.register(ApplicationType)
class ApplicationTypeAdmin(admin.ModelAdmin):
    list_display = [
        "number",
        "code",
        "name_ja",
        "name_en",
        "is_companion",
        "takes_companions",
        "in_japan",
        "residence_card_required",
    ]
    list_display_links = ["number", "code"]
    ordering = ["sort_order", "number"]


class StatusSubCategoryInline(admin.TabularInline):
    model = StatusSubCategory
    extra = 0
    fields = ["code", "name_ja", "name_en", "online_eligible", "periods", "sort_order"]


@admin.register(StatusOfResidence)
class StatusOfResidenceAdmin(admin.ModelAdmin):
    list_display = [
        "name_ja",
        "name_en",
        "group",
        "online_eligible",
        "activity_restricted",
        "periods",
        "available_from",
    ]
    list_filter = ["table", "group", "online_eligible"]
    search_fields = ["code", "name_ja", "name_en"]
    inlines = [StatusSubCategoryInline]


@admin.register(StatusSubCategory)
class StatusSubCategoryAdmin(admin.ModelAdmin):
    list_display = ["status", "code", "name_ja", "online_eligible", "periods"]
    list_filter = ["status", "online_eligible"]
    search_fields = ["code", "name_ja", "name_en", "status__name_ja"]
    list_select_related = ["status"]


@admin.register(Fee)
class FeeAdmin(admin.ModelAdmin):
    list_display = [
        "application_type",
        "variant",
        "channel",
        "valid_from",
        "amount_yen",
    ]
    list_filter = ["application_type", "channel", "valid_from"]
    list_select_related = ["application_type"]
    date_hierarchy = "valid_from"


@admin.register(DocumentSlot)
class DocumentSlotAdmin(admin.ModelAdmin):
    """The required documents per (type, status, organisation category); an
    empty key matches every value, the most specific row per code wins."""

    list_display = [
        "code",
        "name_ja",
        "application_type",
        "status",
        "org_category",
        "required",
        "photo",
        "sort_order",
    ]
    list_filter = ["application_type", "status", "org_category", "required", "photo"]
    search_fields = ["code", "name_ja", "name_en"]
    list_select_related = ["application_type", "status"]
    ordering = ["sort_order", "code", "application_type", "status", "org_category"]
