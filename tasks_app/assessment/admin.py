from __future__ import annotations

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from tasks_app.assessment.models import (
    AssessmentPublication,
    Indicator,
    IndicatorReport,
    IndicatorTarget,
    IndustrialBelt,
    InterimTarget,
    Rubric,
    RubricComponent,
)


class IndicatorTargetInline(admin.TabularInline):
    model = IndicatorTarget
    extra = 0


@admin.register(Indicator)
class IndicatorAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "unit", "plan"]
    list_filter = ["plan"]
    inlines = [IndicatorTargetInline]


@admin.register(IndicatorTarget)
class IndicatorTargetAdmin(SimpleHistoryAdmin):
    list_display = ["indicator", "level", "district", "year", "comparison", "value", "growth_factor"]
    list_filter = ["level", "year", "indicator"]


@admin.register(IndustrialBelt)
class IndustrialBeltAdmin(admin.ModelAdmin):
    list_display = ["district", "name", "name_en", "plan"]


@admin.register(IndicatorReport)
class IndicatorReportAdmin(SimpleHistoryAdmin):
    list_display = ["indicator", "district", "period", "value", "source", "reported_by"]
    list_filter = ["indicator", "period"]


class RubricComponentInline(admin.TabularInline):
    model = RubricComponent
    extra = 0


@admin.register(Rubric)
class RubricAdmin(SimpleHistoryAdmin):
    list_display = ["name", "scope", "is_active", "green_threshold", "amber_threshold"]
    inlines = [RubricComponentInline]


@admin.register(InterimTarget)
class InterimTargetAdmin(SimpleHistoryAdmin):
    """The office enters these on /assessment/targets/; here read for support."""

    list_display = ["indicator", "period", "district", "value", "set_by", "set_at"]
    list_filter = ["period", "indicator"]


@admin.register(AssessmentPublication)
class AssessmentPublicationAdmin(admin.ModelAdmin):
    """Publications are frozen: published, corrected and withdrawn on the assessment page only."""

    list_display = ["period", "version", "status", "published_by", "published_at", "withdrawn_at"]
    readonly_fields = [
        "period",
        "version",
        "status",
        "published_by",
        "published_at",
        "remarks",
        "reason",
        "withdrawn_by",
        "withdrawn_at",
        "withdrawal_reason",
        "snapshot",
    ]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(RubricComponent)
class RubricComponentAdmin(SimpleHistoryAdmin):
    list_display = ["rubric", "kind", "indicator_code", "weight", "cap", "position"]
    list_filter = ["rubric", "kind"]
