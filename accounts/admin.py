from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from .models import AuditEvent, Building, District, DistrictGoal, Membership, State, User


class ReadOnlyAdminMixin:
    """Lists, searches, filters and shows records; never adds, changes or deletes them. For the
    records of every app that only its services may change."""

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(State)
class StateAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "kind"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(District)
class DistrictAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "state", "suspended_at"]
    list_filter = ["state"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Building)
class BuildingAdmin(admin.ModelAdmin):
    list_display = ["name", "district"]
    list_filter = ["district"]


@admin.register(DistrictGoal)
class DistrictGoalAdmin(admin.ModelAdmin):
    list_display = ["title", "district", "active"]
    list_filter = ["district", "active"]


class MembershipInline(ReadOnlyAdminMixin, admin.TabularInline):
    """A person's districts over time; a move (``people.services.person_move``) writes them."""

    model = Membership
    fields = ["district", "roles", "started_on", "ended_on"]
    readonly_fields = fields
    extra = 0


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    ordering = ["email"]
    inlines = [MembershipInline]
    list_display = [
        "email",
        "first_name",
        "last_name",
        "district",
        "is_educator",
        "is_reviewer",
        "is_district_admin",
        "is_active",
    ]
    list_filter = ["district", "is_educator", "is_reviewer", "is_district_admin", "is_active"]
    search_fields = ["email", "first_name", "last_name"]
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        ("Person", {"fields": ("first_name", "last_name", "district", "building")}),
        ("Roles", {"fields": ("is_educator", "is_reviewer", "is_district_admin")}),
        # A state admin has a state and no district (a constraint holds it).
        ("State", {"fields": ("state", "is_state_admin")}),
        ("Django admin", {"fields": ("is_active", "is_staff", "is_superuser")}),
    )
    add_fieldsets = ((None, {"classes": ("wide",), "fields": ("email", "password1", "password2")}),)


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    list_display = [
        "created_at",
        "district",
        "actor",
        "action",
        "target_type",
        "target_id",
        "from_status",
        "to_status",
    ]
    list_filter = ["district", "action"]
    readonly_fields = [f.name for f in AuditEvent._meta.fields]
