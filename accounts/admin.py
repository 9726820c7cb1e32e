from django.contrib import admin

from .models import Profile, UserSession


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
