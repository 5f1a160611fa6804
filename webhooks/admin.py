"""Staff read a district's webhooks here; every change goes through the services (the
district admin's pages), and the signing secrets are never shown."""

from django.contrib import admin

from .models import WebhookDelivery, WebhookSubscription


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(WebhookSubscription)
class WebhookSubscriptionAdmin(ReadOnlyAdmin):
    list_display = ("url", "district", "active", "created_at")
    list_filter = ("active", "district")
    list_select_related = ("district",)
    search_fields = ("url", "description")
    exclude = ("secret", "previous_secret")


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(ReadOnlyAdmin):
    list_display = ("event_id", "event_type", "subscription", "attempts", "last_status_code")
    list_filter = ("event_type",)
    list_select_related = ("subscription",)
    search_fields = ("event_id",)
