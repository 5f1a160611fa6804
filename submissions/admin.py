"""Plans and submissions, to look up by district, status or person.

Read-only: every change to these goes through the services, which lock the row, keep the plan's
revision history, write the audit log and clean up storage; an admin form would skip all that.
"""

from django.contrib import admin

from accounts.admin import ReadOnlyAdminMixin

from .models import Attempt, Plan, PlanRevision, PlanSource, Submission


class PlanSourceInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = PlanSource
    fields = ["position", "kind", "citation", "url"]
    readonly_fields = fields
    extra = 0


class PlanSubmissionInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = Submission
    fields = ["educator", "status", "status_changed_at"]
    readonly_fields = fields
    show_change_link = True
    extra = 0


@admin.register(Plan)
class PlanAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["__str__", "microcredential", "lead", "district", "updated_at"]
    list_filter = ["district"]
    search_fields = ["title", "microcredential__title", "lead__email", "lead__last_name"]
    list_select_related = ["microcredential", "lead", "district"]
    readonly_fields = ["created_at", "updated_at"]
    date_hierarchy = "updated_at"
    inlines = [PlanSourceInline, PlanSubmissionInline]


class AttemptInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = Attempt
    fields = ["number", "submitted_at", "outcome", "decided_at"]
    readonly_fields = fields
    extra = 0


@admin.register(Submission)
class SubmissionAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["educator", "plan", "district", "status", "attempt_count", "status_changed_at"]
    list_filter = ["district", "status"]
    search_fields = [
        "educator__email",
        "educator__last_name",
        "plan__title",
        "plan__microcredential__title",
    ]
    list_select_related = ["educator", "plan__microcredential", "district"]
    readonly_fields = ["status_changed_at", "created_at"]
    date_hierarchy = "status_changed_at"
    inlines = [AttemptInline]


@admin.register(PlanRevision)
class PlanRevisionAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["plan", "version", "author", "created_at"]
    list_filter = ["plan__district"]
    search_fields = ["plan__title", "plan__microcredential__title", "author__email"]
    list_select_related = ["plan__microcredential", "author"]
    readonly_fields = ["created_at"]
