"""A district's program rules and its exports, to look up by district.

Read-only: district admins change rules on the reports pages, where every change is checked
against their district and audited; exports are made by the worker.
"""

from django.contrib import admin

from accounts.admin import ReadOnlyAdminMixin

from .models import CreditRule, ExportJob, ProgramCycle, RenewalRule


@admin.register(ProgramCycle)
class ProgramCycleAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = [
        "name",
        "district",
        "starts_on",
        "ends_on",
        "plan_deadline",
        "evidence_deadline",
    ]
    list_filter = ["district"]
    search_fields = ["name"]
    list_select_related = ["district"]


@admin.register(CreditRule)
class CreditRuleAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = [
        "__str__",
        "district",
        "rigor",
        "microcredential_lineage",
        "salary_amount",
        "pd_points",
        "clock_hours",
    ]
    list_filter = ["district", "scope"]
    search_fields = ["note"]
    list_select_related = ["district"]
    readonly_fields = ["created_at"]


@admin.register(RenewalRule)
class RenewalRuleAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = [
        "name",
        "district",
        "required_count",
        "window_cycles",
        "first_cycle",
        "effective_from",
        "at_risk_days",
    ]
    list_filter = ["district"]
    search_fields = ["name"]
    list_select_related = ["district", "first_cycle"]
    readonly_fields = ["created_at"]


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
