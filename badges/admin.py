from django.contrib import admin

from .models import Award, IssuanceRecovery, Portfolio, RenewalReminder, StatusList


@admin.register(Award)
class AwardAdmin(admin.ModelAdmin):
    list_display = ["uuid", "educator", "microcredential", "district", "state", "issued_at"]
    list_filter = ["district", "state"]
    search_fields = ["uuid", "educator__email", "microcredential__title"]
    readonly_fields = ["uuid", "credential", "status_list_index", "recipient_salt"]
    raw_id_fields = ["submission", "educator", "microcredential", "revoked_by", "renews"]


@admin.register(StatusList)
class StatusListAdmin(admin.ModelAdmin):
    list_display = ["district", "allocated", "updated_at"]
    readonly_fields = ["credential"]


@admin.register(Portfolio)
class PortfolioAdmin(admin.ModelAdmin):
    list_display = ["educator", "published", "updated_at"]


@admin.register(IssuanceRecovery)
class IssuanceRecoveryAdmin(admin.ModelAdmin):
    list_display = ["submission", "requeues", "requeued_at", "district_told_at"]
    raw_id_fields = ["submission"]


@admin.register(RenewalReminder)
class RenewalReminderAdmin(admin.ModelAdmin):
    list_display = ["award", "days_before", "sent_at"]
    search_fields = ["award__uuid", "award__educator__email"]
    raw_id_fields = ["award"]
