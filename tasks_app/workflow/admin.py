from __future__ import annotations

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from tasks_app.workflow.models import (
    CompletionReport,
    ExtensionRequest,
    Milestone,
    MilestoneComment,
    ProgressUpdate,
    TaskReport,
)


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


@admin.register(ExtensionRequest)
class ExtensionRequestAdmin(admin.ModelAdmin):
    list_display = ["milestone", "department", "previous_due_date", "due_date", "status", "created_at", "decided_at"]
    list_filter = ["status"]
    raw_id_fields = ["milestone", "department", "requested_by", "decided_by"]


@admin.register(CompletionReport)
class CompletionReportAdmin(admin.ModelAdmin):
    list_display = ["milestone", "author", "created_at"]
    raw_id_fields = ["milestone", "author"]


@admin.register(MilestoneComment)
class MilestoneCommentAdmin(admin.ModelAdmin):
    list_display = ["milestone", "author", "created_at"]
    raw_id_fields = ["milestone", "author"]


@admin.register(TaskReport)
class TaskReportAdmin(SimpleHistoryAdmin):
    list_display = ["task", "department", "month", "author", "updated_at"]
    list_filter = ["month", "department"]
    list_select_related = ["task", "department", "author"]
    raw_id_fields = ["task", "author"]
