"""A district's report exports, to look up by district. Read-only: exports are made by the
worker."""

from django.contrib import admin

from accounts.admin import ReadOnlyAdminMixin

from .models import ExportJob


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
