from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from .models import (
    AssessmentPublication,
    ChangeCounter,
    Delivery,
    ExportJob,
    Implementation,
    Indicator,
    IndicatorReport,
    IndicatorTarget,
    IndustrialBelt,
    KeyTask,
    Milestone,
    Notification,
    Plan,
    ProgressUpdate,
    Reminder,
    Rubric,
    RubricComponent,
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


@admin.register(Milestone)
class MilestoneAdmin(SimpleHistoryAdmin):
    list_display = ["title", "task", "owner", "district", "due_date", "baseline_due_date", "status"]
    list_filter = ["status", "owner", "district"]
    search_fields = ["title"]
    list_select_related = ["task", "owner", "district"]
    raw_id_fields = ["task", "created_by"]


@admin.register(ProgressUpdate)
class ProgressUpdateAdmin(SimpleHistoryAdmin):
    list_display = ["milestone", "department", "percent", "author", "created_at"]
    list_select_related = ["milestone", "department", "author"]
    raw_id_fields = ["milestone", "author"]


class DeliveryInline(admin.TabularInline):
    model = Delivery
    extra = 0
    readonly_fields = ["channel", "target", "status", "attempts", "last_error", "sent_at"]


@admin.register(Reminder)
class ReminderAdmin(admin.ModelAdmin):
    list_display = ["kind", "subject", "occurrence", "level", "as_of", "created_at"]
    list_filter = ["kind", "level"]
    raw_id_fields = ["milestone", "task", "department", "issued_by"]
    inlines = [DeliveryInline]


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ["recipient", "reminder", "export_job", "created_at", "read_at"]
    raw_id_fields = ["recipient", "reminder", "export_job"]


@admin.register(ChangeCounter)
class ChangeCounterAdmin(admin.ModelAdmin):
    list_display = ["name", "value"]
    readonly_fields = ["name", "value"]


@admin.register(ExportJob)
class ExportJobAdmin(admin.ModelAdmin):
    list_display = ["requested_by", "board", "format", "status", "rows_total", "created_at", "finished_at"]
    list_filter = ["status", "board", "format"]
    raw_id_fields = ["requested_by"]


@admin.register(Delivery)
class DeliveryAdmin(admin.ModelAdmin):
    list_display = ["reminder", "channel", "target", "status", "attempts", "sent_at"]
    list_filter = ["channel", "status"]
    raw_id_fields = ["reminder"]


class RubricComponentInline(admin.TabularInline):
    model = RubricComponent
    extra = 0


@admin.register(Rubric)
class RubricAdmin(SimpleHistoryAdmin):
    list_display = ["name", "scope", "is_active", "green_threshold", "amber_threshold"]
    inlines = [RubricComponentInline]


@admin.register(AssessmentPublication)
class AssessmentPublicationAdmin(admin.ModelAdmin):
    list_display = ["period", "published_by", "published_at"]
    readonly_fields = ["period", "published_by", "published_at", "snapshot"]


@admin.register(RubricComponent)
class RubricComponentAdmin(SimpleHistoryAdmin):
    list_display = ["rubric", "kind", "indicator_code", "weight", "cap", "position"]
    list_filter = ["rubric", "kind"]
