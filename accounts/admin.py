"""Admin for reference data (prefectures, offices) and for accounts."""

from __future__ import annotations

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _

from accounts.models import (
    Appointment,
    Membership,
    Office,
    OfficerRole,
    Organization,
    Prefecture,
    User,
)


@admin.register(Prefecture)
class PrefectureAdmin(admin.ModelAdmin):
    list_display = ["code", "name_ja", "name_en"]
    search_fields = ["name_ja", "name_en"]


@admin.register(Office)
class OfficeAdmin(admin.ModelAdmin):
    list_display = [
        "code",
        "name_ja",
        "kind",
        "parent",
        "accepts_use_requests",
        "accepts_applications",
        "is_port",
        "contact_verified",
        "sort_order",
    ]
    list_filter = [
        "kind",
        "accepts_use_requests",
        "accepts_applications",
        "accepts_coe",
        "is_port",
        "contact_verified",
    ]
    search_fields = ["code", "name_ja", "name_en"]
    filter_horizontal = ["jurisdiction"]
    list_select_related = ["parent"]


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["user"]


class AppointmentInline(admin.TabularInline):
    model = Appointment
    fk_name = "organization"
    extra = 0
    autocomplete_fields = ["appointee"]


@admin.register(Organization)
class OrganizationAdmin(admin.ModelAdmin):
    list_display = ["name_ja", "corporate_number", "category", "prefecture", "office"]
    list_filter = ["category", "office"]
    search_fields = ["name_ja", "name_en", "corporate_number"]
    readonly_fields = ["code", "created_at"]
    list_select_related = ["prefecture", "office"]
    inlines = [MembershipInline, AppointmentInline]


class OfficerRoleInline(admin.TabularInline):
    model = OfficerRole
    extra = 0


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    list_display = [
        "username",
        "full_name",
        "email",
        "user_category",
        "status",
        "valid_until",
        "is_staff",
    ]
    list_filter = ["user_category", "status", "is_staff", "is_superuser", "is_active"]
    search_fields = ["username", "full_name", "full_name_kana", "email"]
    readonly_fields = ["code", "last_login", "date_joined"]
    fieldsets = (
        (None, {"fields": ("username", "password", "code")}),
        (
            _("Personal info"),
            {
                "fields": (
                    "full_name",
                    "full_name_kana",
                    "email",
                    "phone",
                    "position",
                    "language",
                )
            },
        ),
        (_("Portal account"), {"fields": ("user_category", "status", "valid_until")}),
        (
            _("Permissions"),
            {
                "fields": (
                    "is_active",
                    "is_staff",
                    "is_superuser",
                    "groups",
                    "user_permissions",
                ),
            },
        ),
        (_("Important dates"), {"fields": ("last_login", "date_joined")}),
    )
    inlines = [OfficerRoleInline]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "organization", "created_at"]
    search_fields = ["user__username", "user__full_name", "organization__name_ja"]
    autocomplete_fields = ["user", "organization"]
    list_select_related = ["user", "organization"]


@admin.register(Appointment)
class AppointmentAdmin(admin.ModelAdmin):
    list_display = [
        "appointee",
        "organization",
        "valid_from",
        "valid_until",
        "ended_at",
    ]
    list_filter = ["ended_at"]
    search_fields = [
        "appointee__username",
        "appointee__full_name",
        "organization__name_ja",
    ]
    autocomplete_fields = ["appointee", "organization"]
    readonly_fields = ["code"]
    list_select_related = ["appointee", "organization"]


@admin.register(OfficerRole)
class OfficerRoleAdmin(admin.ModelAdmin):
    list_display = ["user", "office", "role"]
    list_filter = ["role", "office"]
    search_fields = ["user__username", "user__full_name"]
    autocomplete_fields = ["user"]
    list_select_related = ["user", "office"]
