from django.contrib import admin

from .models import MembershipChange, Profile, StandIn, UserSession


@admin.register(Profile)
class ProfileAdmin(admin.ModelAdmin):
    list_display = ["user", "phone", "wecom_userid", "dingtalk_userid", "language", "directory_dn"]
    search_fields = ["user__username", "phone", "wecom_userid", "dingtalk_userid"]
    raw_id_fields = ["user"]


@admin.register(UserSession)
class UserSessionAdmin(admin.ModelAdmin):
    list_display = ["user", "created", "last_seen", "ip_address", "user_agent"]
    search_fields = ["user__username", "ip_address"]
    exclude = ["session_key"]
    readonly_fields = ["user", "created", "last_seen", "ip_address", "user_agent"]

    def has_add_permission(self, request):
        return False

    def delete_model(self, request, obj):
        from .services import end_sessions

        end_sessions([obj])  # ends the session itself, not only its row

    def delete_queryset(self, request, queryset):
        from .services import end_sessions

        end_sessions(queryset)


@admin.register(MembershipChange)
class MembershipChangeAdmin(admin.ModelAdmin):
    """The history of the units' people: read only (changes are made on /accounts/members/)."""

    list_display = ["at", "group", "user", "action", "by", "note"]
    list_filter = ["action", "group"]
    search_fields = ["user__username", "user__first_name", "group__name"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(StandIn)
class StandInAdmin(admin.ModelAdmin):
    """Read only: named and ended on /accounts/stand-ins/ (where the groups follow)."""

    list_display = ["person", "stand_in", "start", "end", "created_by", "cancelled_at"]
    search_fields = ["person__username", "stand_in__username"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
