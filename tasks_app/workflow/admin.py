from __future__ import annotations

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from tasks_app.workflow.models import Milestone, ProgressUpdate


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
