"""A district's cycles and rules, to look up by district.

Read-only: district admins change them on the program rules pages, where every change is checked
against their district and audited.
"""

from django.contrib import admin

from accounts.admin import ReadOnlyAdminMixin

from .models import CreditRule, ProgramCycle, RenewalRule, StateRenewalRule


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
        "required_points",
        "window_cycles",
        "first_cycle",
        "effective_from",
        "at_risk_days",
    ]
    list_filter = ["district"]
    search_fields = ["name"]
    list_select_related = ["district", "first_cycle"]
    readonly_fields = ["created_at"]


@admin.register(StateRenewalRule)
class StateRenewalRuleAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = [
        "name",
        "state",
        "required_count",
        "required_points",
        "window_cycles",
        "effective_from",
    ]
    list_filter = ["state"]
    list_select_related = ["state"]
