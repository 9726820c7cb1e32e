from __future__ import annotations

from django.contrib import admin

from tasks_app.core.models import ChangeCounter


@admin.register(ChangeCounter)
class ChangeCounterAdmin(admin.ModelAdmin):
    list_display = ["name", "value"]
    readonly_fields = ["name", "value"]
