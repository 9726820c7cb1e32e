from django.contrib import admin

from tasks_app.dashboards.models import CalendarFeed, ProvinceFigures, SavedFilter


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


@admin.register(ProvinceFigures)
class ProvinceFiguresAdmin(admin.ModelAdmin):
    """Read only: the province view's last count (when, how long it took, over which data version)."""

    list_display = ["computed_at", "as_of", "data_version", "seconds"]
    readonly_fields = ["key", "data_version", "as_of", "computed_at", "seconds", "tallies"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
