from __future__ import annotations

from django.db.models import OuterRef, Subquery

from tasks_app.workflow.models import Milestone


def overdue_milestones(user, *, as_of):
    """The overdue board: every open milestone past its due date that the user may see, with its
    escalation level and the last reminder. Those two are correlated subqueries, so the database
    works them out only for the rows of the page shown, and the rows come in due-date order from a
    partial index of open milestones: the first page costs the same at a thousand rows or a million."""
    from tasks_app.reminders.models import Reminder, ReminderKind
    from tasks_app.workflow.models import OPEN_STATUSES
    from tasks_app.workflow.permissions import milestones_visible_to

    escalation = (
        Reminder.objects.filter(milestone=OuterRef("pk"), kind=ReminderKind.ESCALATION)
        .order_by("-level")
        .values("level")[:1]
    )
    last_reminder = Reminder.objects.filter(milestone=OuterRef("pk")).order_by("-created_at").values("created_at")[:1]
    return (
        milestones_visible_to(user)
        .filter(status__in=OPEN_STATUSES, due_date__lt=as_of)
        .select_related("task", "owner", "district")
        .annotate(escalation_level=Subquery(escalation), last_reminder_at=Subquery(last_reminder))
        .order_by("due_date", "id")
    )


def reminders_for_milestone(milestone: Milestone):
    return milestone.reminders.prefetch_related("deliveries").select_related("issued_by").order_by("-created_at")


def notices_visible_to(user):
    """督办 notices: the offices see all; a department those on the tasks it is responsible for.
    Nobody else (a district, a department outside the task) sees them."""
    from tasks_app.plan.permissions import visible_scope
    from tasks_app.reminders.models import Notice
    from tasks_app.workflow.permissions import VIEW_MILESTONE

    kind, task_ids, _own = visible_scope(user, Milestone, VIEW_MILESTONE)
    queryset = Notice.objects.select_related(
        "reminder__task", "reminder__milestone__owner", "reminder__department", "reminder__issued_by", "acknowledged_by"
    )
    if kind == "all":
        return queryset
    if kind == "none" or not task_ids:
        return queryset.none()
    return queryset.filter(reminder__task_id__in=task_ids)


NOTICE_STATES = ("open", "acknowledged", "replied", "closed", "overdue")


def notices_board(user, *, state: str = "", department: str = "", as_of):
    """The notices board: the visible notices, filtered by state ("overdue": past the reply date
    without an answer) and by receiving department code; newest first."""
    from tasks_app.reminders.models import NoticeStatus

    notices = notices_visible_to(user)
    if state == "overdue":
        notices = notices.filter(status__in=[NoticeStatus.OPEN, NoticeStatus.ACKNOWLEDGED], reply_due__lt=as_of)
    elif state in NoticeStatus.values:
        notices = notices.filter(status=state)
    if department:
        notices = notices.filter(reminder__department__code=department)
    return notices.order_by("-reminder__created_at", "-reminder_id")
