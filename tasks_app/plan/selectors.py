from __future__ import annotations

from django.conf import settings
from django.db.models import Prefetch

from departments.models import Department
from tasks_app.plan.models import KeyTask, Plan, TaskResponsibility


def current_plan() -> Plan | None:
    """The plan the site shows: CBEC_PLAN_CODE if set, otherwise the one starting latest."""
    plans = Plan.objects.all()
    if settings.CBEC_PLAN_CODE:
        return plans.filter(code=settings.CBEC_PLAN_CODE).first()
    return plans.order_by("-start_year", "code").first()


def plan_task_ids(plan: Plan | None) -> list[int]:
    """The plan's task ids, for ``task_id IN (…)``: the milestone indexes answer that directly,
    where ``task__plan=…`` makes the database join a million milestones to their tasks."""
    return list(plan.tasks.values_list("pk", flat=True)) if plan is not None else []


def tasks_with_responsibilities(plan: Plan):
    """The plan's key tasks with section and departments (lead first), in two queries."""
    return (
        KeyTask.objects.filter(plan=plan)
        .select_related("section")
        .prefetch_related(
            Prefetch(
                "responsibilities",
                queryset=TaskResponsibility.objects.select_related("department").order_by("position"),
            )
        )
        .order_by("number")
    )


def task_lead_history(task: KeyTask) -> list:
    """Every change of the task's lead: when, by whom, to which department, and why."""
    records = (
        TaskResponsibility.history.filter(task_id=task.pk, role="lead", history_type="~")
        .select_related("history_user")
        .order_by("-history_date")
    )
    departments = {d.pk: d for d in Department.objects.filter(pk__in={r.department_id for r in records})}
    return [
        {
            "date": r.history_date,
            "user": r.history_user,
            "department": departments.get(r.department_id),
            "reason": r.history_change_reason,
        }
        for r in records
    ]
