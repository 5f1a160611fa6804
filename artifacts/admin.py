"""Evidence and its access record, to look up by district, status or person.

Read-only: every change goes through the services, which check the file, write the audit log and
clean up storage; an admin form would skip all that.
"""

from django.contrib import admin

from accounts.admin import ReadOnlyAdminMixin

from .models import Artifact, ArtifactAccess


@admin.register(Artifact)
class ArtifactAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["title", "submission", "district", "component", "kind", "status", "size"]
    list_filter = ["district", "status", "kind", "component"]
    search_fields = ["title", "original_name", "submission__educator__email"]
    list_select_related = ["submission__educator", "submission__plan__microcredential", "district"]
    readonly_fields = ["uuid", "created_at"]
    date_hierarchy = "created_at"


@admin.register(ArtifactAccess)
class ArtifactAccessAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """The disclosure record: who opened which piece of evidence, and when."""

    list_display = ["opened_at", "user", "artifact", "purpose", "ip_address", "district"]
    list_filter = ["district", "purpose"]
    search_fields = ["user__email", "artifact__title"]
    list_select_related = ["user", "artifact", "district"]
    readonly_fields = ["opened_at"]
    date_hierarchy = "opened_at"
