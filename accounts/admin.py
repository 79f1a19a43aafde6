"""Admin for reference data (prefectures, offices) and for accounts.

No side doors: lifecycle fields (an account's status, an appointment's end)
are read-only here — they change only through the audited services, and so
do officer roles (granted and withdrawn by ``officer_role_grant`` /
``officer_role_revoke``, never edited in place)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from accounts import services
from accounts.errors import OfficerRoleRefused
from accounts.models import (
    Appointment,
    Membership,
    Office,
    OfficerRole,
    Organization,
    Prefecture,
    User,
)
from portal.lib.errors import message_for


def _admin_user(request: HttpRequest) -> User:
    """The signed-in staff user (the admin site requires one)."""
    user = request.user
    if not isinstance(user, User):
        raise PermissionDenied
    return user


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


APPOINTMENT_LIFECYCLE_FIELDS = [
    "created_at",
    "appointed_by",
    "accepted_at",
    "declined_at",
    "ended_at",
    "scope_all_types",
    "scope_all_people",
]


class AppointmentInline(admin.TabularInline):
    model = Appointment
    fk_name = "organization"
    extra = 0
    autocomplete_fields = ["appointee"]
    # Offered, answered, rescoped and ended only through the audited services.
    readonly_fields = APPOINTMENT_LIFECYCLE_FIELDS


@admin.register(Organization)
class OrganizationAdmin(admin.ModelAdmin):
    list_display = ["name_ja", "corporate_number", "category", "prefecture", "office"]
    list_filter = ["category", "office"]
    search_fields = ["name_ja", "name_en", "corporate_number"]
    readonly_fields = ["code", "created_at"]
    list_select_related = ["prefecture", "office"]
    inlines = [MembershipInline, AppointmentInline]


class OfficerRoleInline(admin.TabularInline):
    """Shown for reference; roles are granted and withdrawn in the officer
    role admin (through the audited services)."""

    model = OfficerRole
    extra = 0
    fields = ["office", "role"]
    readonly_fields = ["office", "role"]

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


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
    # status moves only through account_suspend / reinstate / revoke.
    readonly_fields = ["code", "status", "last_login", "date_joined"]
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
        "accepted_at",
        "ended_at",
    ]
    list_filter = ["ended_at", "accepted_at"]
    search_fields = [
        "appointee__username",
        "appointee__full_name",
        "organization__name_ja",
    ]
    autocomplete_fields = ["appointee", "organization"]
    # Offered, answered, rescoped and ended only through the audited services.
    readonly_fields = ["code", *APPOINTMENT_LIFECYCLE_FIELDS]
    list_select_related = ["appointee", "organization"]


@admin.register(OfficerRole)
class OfficerRoleAdmin(admin.ModelAdmin):
    """Add = grant, delete = withdraw, both through the audited services;
    a role is never edited in place."""

    list_display = ["user", "office", "role"]
    list_filter = ["role", "office"]
    search_fields = ["user__username", "user__full_name"]
    autocomplete_fields = ["user"]
    list_select_related = ["user", "office"]

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # Viewing an existing role is fine; changing it is not (withdraw and
        # grant another instead).
        return obj is None and super().has_change_permission(request, obj)

    def save_model(
        self, request: HttpRequest, obj: OfficerRole, form: Any, change: bool
    ) -> None:
        granted = services.officer_role_grant(
            user=obj.user,
            office=obj.office,
            role=obj.role,
            actor=_admin_user(request),
        )
        obj.pk = granted.pk

    def delete_model(self, request: HttpRequest, obj: OfficerRole) -> None:
        self._revoke(request, obj)

    def delete_queryset(
        self, request: HttpRequest, queryset: QuerySet[OfficerRole]
    ) -> None:
        for officer_role in queryset.select_related("user", "office"):
            self._revoke(request, officer_role)

    def _revoke(self, request: HttpRequest, officer_role: OfficerRole) -> None:
        try:
            services.officer_role_revoke(
                officer_role=officer_role,
                actor=_admin_user(request),
            )
        except OfficerRoleRefused as exc:
            self.message_user(request, message_for(exc), messages.ERROR)
