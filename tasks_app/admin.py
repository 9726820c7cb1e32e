from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from .models import (
    Implementation,
    Indicator,
    IndicatorReport,
    IndicatorTarget,
    IndustrialBelt,
    KeyTask,
    Plan,
    Section,
    TaskResponsibility,
)

admin.site.site_header = _("CBEC Plan Tracker administration")
admin.site.site_title = _("CBEC Plan Tracker")


class SectionInline(admin.TabularInline):
    model = Section
    extra = 0


@admin.register(Plan)
class PlanAdmin(SimpleHistoryAdmin):
    list_display = ["code", "title", "start_year", "end_year", "issued_on"]
    inlines = [SectionInline]


@admin.register(Section)
class SectionAdmin(admin.ModelAdmin):
    list_display = ["plan", "number", "title"]
    list_filter = ["plan"]


class TaskResponsibilityInline(admin.TabularInline):
    model = TaskResponsibility
    extra = 0
    autocomplete_fields = ["department"]


@admin.register(KeyTask)
class KeyTaskAdmin(SimpleHistoryAdmin):
    list_display = ["number", "title", "section", "plan"]
    list_filter = ["plan", "section"]
    search_fields = ["title", "text"]
    inlines = [TaskResponsibilityInline]


@admin.register(TaskResponsibility)
class TaskResponsibilityAdmin(SimpleHistoryAdmin):
    list_display = ["task", "department", "role", "position"]
    list_filter = ["role", "department"]
    list_select_related = ["task", "department"]


@admin.register(Implementation)
class ImplementationAdmin(SimpleHistoryAdmin):
    list_display = ["task", "district", "status"]
    list_filter = ["status", "district"]
    list_select_related = ["task", "district"]


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
