from __future__ import annotations

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from tasks_app.plan.models import Implementation, KeyTask, Plan, Section, TaskResponsibility


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
