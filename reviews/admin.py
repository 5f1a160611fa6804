from django.contrib import admin

from .models import (
    ComponentComment,
    CriterionScore,
    Panel,
    ReviewAssignment,
    StageReview,
)


@admin.register(Panel)
class PanelAdmin(admin.ModelAdmin):
    list_display = ["name", "district", "chair", "active"]
    list_filter = ["district", "active"]
    filter_horizontal = ["members", "buildings", "stacks"]
    search_fields = ["name"]


class AssignmentInline(admin.TabularInline):
    model = ReviewAssignment
    extra = 0
    fields = ["reviewer", "status", "decision", "recommendation", "due_at", "submitted_at"]
    readonly_fields = fields


@admin.register(StageReview)
class StageReviewAdmin(admin.ModelAdmin):
    list_display = ["submission", "stage", "round", "status", "outcome", "due_at"]
    list_filter = ["district", "stage", "status"]
    inlines = [AssignmentInline]
    raw_id_fields = ["submission", "attempt", "panel", "decided_by"]


@admin.register(ReviewAssignment)
class ReviewAssignmentAdmin(admin.ModelAdmin):
    list_display = ["reviewer", "submission", "stage", "status", "due_at"]
    list_filter = ["district", "stage", "status"]
    raw_id_fields = ["stage_review", "submission", "reviewer", "reassigned_by"]


admin.site.register(ComponentComment)
admin.site.register(CriterionScore)
