from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from departments.models import Department, District


@admin.register(Department)
class DepartmentAdmin(SimpleHistoryAdmin):
    list_display = ["code", "name", "name_en", "position"]
    search_fields = ["code", "name", "name_en"]
    ordering = ["position", "code"]


@admin.register(District)
class DistrictAdmin(SimpleHistoryAdmin):
    list_display = ["code", "name", "name_en", "position"]
    search_fields = ["code", "name", "name_en"]
    ordering = ["position", "code"]
