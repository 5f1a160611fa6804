from django.contrib import admin

from .models import WebhookDelivery, WebhookSubscription


@admin.register(WebhookSubscription)
class WebhookSubscriptionAdmin(admin.ModelAdmin):
    list_display = ("url", "district", "active", "created_at")
    list_filter = ("active", "district")
    # The secrets sign what the district's systems trust: never shown here.
    exclude = ("secret", "previous_secret")
    readonly_fields = ("district", "created_by", "previous_secret_until", "events")


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(admin.ModelAdmin):
    list_display = ("event_id", "event_type", "subscription", "attempts", "last_status_code")
    list_filter = ("event_type",)
    readonly_fields = [f.name for f in WebhookDelivery._meta.fields]
