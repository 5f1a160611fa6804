from django.contrib import admin

from .models import Mail, OutboxMessage


@admin.register(OutboxMessage)
class OutboxMessageAdmin(admin.ModelAdmin):
    list_display = ("id", "task", "created_at", "sent_at", "attempts")
    list_filter = ("task",)
    readonly_fields = [f.name for f in OutboxMessage._meta.fields]


@admin.register(Mail)
class MailAdmin(admin.ModelAdmin):
    list_display = ("id", "subject", "created_at", "sent_at", "attempts")
    readonly_fields = [f.name for f in Mail._meta.fields]
