"""A task's milestones on a time axis (baseline against current due date), for the task page."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse
from django.utils import timezone

from tasks_app.core.charts import TimelineRow, timeline
from tasks_app.workflow.models import OPEN_STATUSES, MilestoneStatus


def milestone_timeline(milestones, today: dt.date) -> dict:
    """The milestones already loaded for the page (one page at most): no query of its own."""
    rows = []
    for milestone in milestones:
        if milestone.status == MilestoneStatus.COMPLETED:
            tone = "completed"
        elif milestone.status in OPEN_STATUSES and milestone.due_date < today:
            tone = "overdue"
        else:
            tone = "open"
        completed = timezone.localtime(milestone.completed_at).date() if milestone.completed_at else None
        rows.append(
            TimelineRow(
                label=milestone.title,
                url=reverse("tasks_app:milestone_detail", args=[milestone.pk]),
                status=milestone.status,
                status_label=milestone.get_status_display(),
                baseline=milestone.baseline_due_date,
                due=milestone.due_date,
                completed=completed,
                tone=tone,
            )
        )
    return timeline(rows, today)
