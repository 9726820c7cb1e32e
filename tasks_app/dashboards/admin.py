from django.contrib import admin

from tasks_app.dashboards.models import CalendarFeed, SavedFilter


@admin.register(CalendarFeed)
class CalendarFeedAdmin(admin.ModelAdmin):
    list_display = ["user", "created_at", "reset_at"]
    readonly_fields = ["token", "created_at", "reset_at"]
    search_fields = ["user__username", "user__first_name"]


@admin.register(SavedFilter)
class SavedFilterAdmin(admin.ModelAdmin):
    list_display = ["user", "list_name", "name", "created_at"]
    list_filter = ["list_name"]
    search_fields = ["user__username", "user__first_name", "name"]
