from django.contrib import admin

from accounts.admin import ReadOnlyAdminMixin

from .models import (
    EvidenceType,
    MicroCredential,
    Rubric,
    RubricCriterion,
    RubricLevel,
    Stack,
    StateCatalogEntry,
    StateCatalogVersion,
)


@admin.register(EvidenceType)
class EvidenceTypeAdmin(admin.ModelAdmin):
    list_display = ["name", "district", "accepts"]
    list_filter = ["district", "accepts"]
    search_fields = ["name"]


@admin.register(Stack)
class StackAdmin(admin.ModelAdmin):
    list_display = ["name", "district"]
    list_filter = ["district"]
    search_fields = ["name"]


class RubricInline(admin.StackedInline):
    model = Rubric
    extra = 0


@admin.register(MicroCredential)
class MicroCredentialAdmin(admin.ModelAdmin):
    list_display = ["title", "version", "status", "origin", "stack", "district", "published_at"]
    list_filter = ["district", "status", "origin", "grade_band"]
    search_fields = ["title", "competency", "tags"]
    readonly_fields = ["lineage", "version", "created_at", "updated_at", "published_at"]
    filter_horizontal = ["evidence_types"]
    list_select_related = ["stack", "district"]
    inlines = [RubricInline]


class RubricLevelInline(admin.TabularInline):
    model = RubricLevel
    extra = 0


@admin.register(RubricCriterion)
class RubricCriterionAdmin(admin.ModelAdmin):
    list_display = ["title", "rubric", "position", "passing_score", "component"]
    list_select_related = ["rubric__microcredential"]
    search_fields = ["title", "rubric__microcredential__title"]
    inlines = [RubricLevelInline]


@admin.register(Rubric)
class RubricAdmin(admin.ModelAdmin):
    list_display = ["microcredential", "passing_rule", "minimum_passing_criteria"]
    list_select_related = ["microcredential"]


class StateCatalogVersionInline(admin.TabularInline):
    model = StateCatalogVersion
    fields = ["number", "note", "published_by", "published_at"]
    readonly_fields = fields
    extra = 0
    can_delete = False


@admin.register(StateCatalogEntry)
class StateCatalogEntryAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Read-only: the state's admins publish on the state pages, where each version is
    validated and audited."""

    list_display = ["title", "state", "stack_name", "latest_version"]
    list_filter = ["state"]
    search_fields = ["title"]
    list_select_related = ["state"]
    inlines = [StateCatalogVersionInline]
