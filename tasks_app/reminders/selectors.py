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
