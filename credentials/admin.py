from django.contrib import admin

from .models import EvidenceType, MicroCredential, Rubric, RubricCriterion, RubricLevel, Stack


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
