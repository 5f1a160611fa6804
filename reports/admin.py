"""A district's report exports and salary acceptances, to look up by district. Read-only:
exports are made by the worker, acceptances by the changes they follow."""

from django.contrib import admin

from accounts.admin import ReadOnlyAdminMixin

from .models import ExportJob, SalaryAcceptance


@admin.register(ExportJob)
class ExportJobAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = [
        "__str__",
        "district",
        "requested_by",
        "status",
        "rows_done",
        "rows_total",
        "created_at",
        "finished_at",
    ]
    list_filter = ["district", "status", "dataset", "file_format"]
    search_fields = ["dataset", "requested_by__email"]
    list_select_related = ["district", "requested_by"]
    readonly_fields = ["uuid", "created_at"]
    date_hierarchy = "created_at"


@admin.register(SalaryAcceptance)
class SalaryAcceptanceAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["__str__", "district", "reason", "accepted_at"]
    list_filter = ["district", "reason"]
    search_fields = ["submission__educator__email"]
    list_select_related = ["district"]
    date_hierarchy = "accepted_at"
