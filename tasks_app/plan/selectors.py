from __future__ import annotations

from contextvars import ContextVar

from django.conf import settings
from django.db.models import Case, IntegerField, Prefetch, Value, When

from departments.models import Department
from departments.selectors import user_government_ids
from tasks_app.plan.models import KeyTask, Plan, TaskResponsibility

# The request being answered (set by ``tasks_app.plan.middleware``): ``current_plan()`` called
# without a user inside a request answers for the request's user.
current_request: ContextVar = ContextVar("cbec_current_request", default=None)


def plans_visible_to(user):
    """The plans of the governments the account belongs to (every plan for the province, an
    administrator, or on a site with one government)."""
    ids = user_government_ids(user)
    plans = Plan.objects.all()
    return plans if ids is None else plans.filter(government_id__in=ids)


def current_plan(user=None) -> Plan | None:
    """The plan a page shows by default: the current plan of the user's government —
    CBEC_PLAN_CODE if set and the user's, otherwise the one of the user's (first) government starting
    latest. Without a user (and outside a request): the default government's plan, as before.

    ``user`` defaults to the user of the request being answered."""
    if user is None:
        request = current_request.get()
        user = getattr(request, "user", None) if request is not None else None
    if user is not None and not user.is_authenticated:
        user = None  # a signed-out request (a calendar feed by its token): the caller names the user
    plans = plans_visible_to(user) if user is not None else Plan.objects.all()
    if settings.CBEC_PLAN_CODE:
        chosen = plans.filter(code=settings.CBEC_PLAN_CODE).first()
        if chosen is not None or user is None:
            return chosen
    first_government = Case(
        When(government__code=settings.CBEC_DEFAULT_GOVERNMENT, then=Value(0)),
        default=Value(1),
        output_field=IntegerField(),
    )
    return plans.order_by(first_government, "government_id", "-start_year", "code").first()


def current_government_units(model, user=None):
    """The departments or districts (``model``) of the current plan's government, none without a
    plan: the units a page or call of that plan may name or list — never another city's."""
    plan = current_plan(user)
    return model.objects.filter(government_id=plan.government_id) if plan else model.objects.none()


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
