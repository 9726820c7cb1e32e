from __future__ import annotations

from django.contrib import admin

from tasks_app.reminders.models import Delivery, Notice, NoticeReply, Notification, Reminder, ScanRun


class DeliveryInline(admin.TabularInline):
    model = Delivery
    extra = 0
    readonly_fields = ["channel", "target", "status", "attempts", "last_error", "sent_at"]


@admin.register(Reminder)
class ReminderAdmin(admin.ModelAdmin):
    list_display = ["kind", "subject", "occurrence", "level", "as_of", "created_at"]
    list_filter = ["kind", "level"]
    raw_id_fields = ["milestone", "task", "department", "issued_by"]
    inlines = [DeliveryInline]


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ["recipient", "reminder", "export_job", "created_at", "read_at"]
    raw_id_fields = ["recipient", "reminder", "export_job"]


@admin.register(Delivery)
class DeliveryAdmin(admin.ModelAdmin):
    list_display = ["reminder", "recipient", "digest_day", "channel", "target", "status", "attempts", "sent_at"]
    list_filter = ["channel", "status"]
    raw_id_fields = ["reminder", "recipient"]


@admin.register(ScanRun)
class ScanRunAdmin(admin.ModelAdmin):
    list_display = ["as_of", "started_at", "finished_at"]
    readonly_fields = ["as_of", "started_at", "finished_at", "errors"]


@admin.register(Notice)
class NoticeAdmin(admin.ModelAdmin):
    list_display = ["reminder", "reply_due", "status", "acknowledged_at", "replied_at", "closed_at"]
    list_filter = ["status"]
    raw_id_fields = ["reminder", "acknowledged_by", "closed_by", "follow_up_of"]


@admin.register(NoticeReply)
class NoticeReplyAdmin(admin.ModelAdmin):
    list_display = ["notice", "author", "created_at"]
    raw_id_fields = ["notice", "author"]
