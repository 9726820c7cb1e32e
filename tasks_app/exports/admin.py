from __future__ import annotations

from django.contrib import admin

from tasks_app.exports.models import ExportJob, ImportJob


@admin.register(ExportJob)
class ExportJobAdmin(admin.ModelAdmin):
    list_display = ["requested_by", "board", "format", "status", "rows_total", "created_at", "finished_at"]
    list_filter = ["status", "board", "format"]
    raw_id_fields = ["requested_by"]


@admin.register(ImportJob)
class ImportJobAdmin(admin.ModelAdmin):
    list_display = ["requested_by", "kind", "filename", "status", "rows_total", "created_at", "finished_at"]
    list_filter = ["status", "kind"]
    raw_id_fields = ["requested_by"]
