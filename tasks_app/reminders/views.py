"""The in-app notification list: a user's own reminders, with read / unread."""

from django.db.models import F
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_tables2.paginators import LazyPaginator

from tasks_app.exports import services as exports


def _notification_sheet(notifications, request) -> exports.Sheet:
    """The user's own notifications as a sheet, in the page's order (unread first, newest first)."""

    def rows():
        for notification in notifications.iterator(chunk_size=2000):
            if notification.reminder_id:
                kind = notification.reminder.get_kind_display()
                if notification.reminder.level:
                    kind = f"{kind} · {notification.reminder.level_label}"
            else:
                kind = _("Export")
            yield [notification.created_at, kind, notification.text, notification.read_at]

    return exports.Sheet(
        name=_("Notifications"),
        headers=[_("When"), _("Kind"), _("Message"), _("read")],
        rows=rows(),
        filters=_("Show unread only") if request.GET.get("unread") else "",
    )


def notification_list(request):
    notifications = request.user.notifications.select_related(
        "reminder__milestone", "reminder__task", "reminder__department", "export_job"
    ).order_by(F("read_at").asc(nulls_first=True), "-created_at", "-id")  # unread first, newest first
    if request.GET.get("unread"):
        notifications = notifications.filter(read_at__isnull=True)
    if request.GET.get("_export") in exports.FORMATS:
        return exports.streamed_export(request.GET["_export"], _notification_sheet(notifications, request))
    # No total: an office can have a million reminders, and the page only needs to know if more follow.
    page = LazyPaginator(notifications, 50).get_page(request.GET.get("page"))
    return render(
        request, "reminders/notification_list.html", {"page": page, "only_unread": bool(request.GET.get("unread"))}
    )


@require_POST
def notification_read(request, pk: int):
    notification = get_object_or_404(request.user.notifications, pk=pk)
    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])
    if request.POST.get("open"):
        reminder = notification.reminder
        if reminder is not None and reminder.subject.startswith("notice:"):
            return redirect("tasks_app:notice_detail", pk=reminder.subject.partition(":")[2])
        if reminder is not None and reminder.kind == "manual" and hasattr(reminder, "notice"):
            return redirect("tasks_app:notice_detail", pk=reminder.pk)
        if notification.reminder_id and notification.reminder.milestone_id:
            return redirect("tasks_app:milestone_detail", pk=notification.reminder.milestone_id)
        if notification.export_job_id:
            return redirect("tasks_app:export_list")
    return redirect("tasks_app:notification_list")


@require_POST
def notification_read_all(request):
    request.user.notifications.filter(read_at__isnull=True).update(read_at=timezone.now())
    return redirect("tasks_app:notification_list")
