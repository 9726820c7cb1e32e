from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from departments.models import Department, District, Government


@admin.register(Government)
class GovernmentAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "name_en", "level"]
    search_fields = ["code", "name", "name_en"]


@admin.register(Department)
class DepartmentAdmin(SimpleHistoryAdmin):
    list_display = ["code", "name", "name_en", "government", "position"]
    search_fields = ["code", "name", "name_en"]
    list_filter = ["government"]
    ordering = ["government", "position", "code"]


@admin.register(District)
class DistrictAdmin(SimpleHistoryAdmin):
    list_display = ["code", "name", "name_en", "government", "position"]
    search_fields = ["code", "name", "name_en"]
    list_filter = ["government"]
    ordering = ["government", "position", "code"]
