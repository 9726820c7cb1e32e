from __future__ import annotations

from contextvars import ContextVar

from django.conf import settings
from django.db.models import Prefetch
from django.http import Http404
from django.utils import timezone

from departments.models import Department
from departments.selectors import user_government_ids
from tasks_app.plan.models import KeyTask, Plan, TaskResponsibility

# The request being answered (set by ``tasks_app.plan.middleware``): ``current_plan()`` called
# without a user inside a request answers for the request's user.
current_request: ContextVar = ContextVar("cbec_current_request", default=None)


def plans_visible_to(user) -> list[Plan]:
    """The plans of the governments the account belongs to (every plan for the province, an
    administrator, or on a site with one government), newest first within each government. One
    query, remembered on the user object (i.e. for the request): the plan switcher, the plan in the
    URL and ``current_plan`` all ask."""
    cached = getattr(user, "_cbec_visible_plans", None)
    if cached is not None:
        return cached
    ids = user_government_ids(user)
    plans = Plan.objects.select_related("government")
    plans = list(plans if ids is None else plans.filter(government_id__in=ids))
    if user is not None:
        user._cbec_visible_plans = plans
    return plans


def plan_writable(user, plan_id: int | None) -> bool:
    """Whether the work of the plan may change now (not ended, or reopened): pages show their forms
    and buttons only then (the services refuse the write anyway, 409). No query for a plan the
    user's switcher already holds."""
    if plan_id is None:
        return True
    plan = next((p for p in plans_visible_to(user) if p.pk == plan_id), None)
    if plan is None:
        plan = Plan.objects.only("end_year", "reopened_at").filter(pk=plan_id).first()
    return plan is None or not plan.is_read_only(timezone.localdate())


def plan_in_url(request) -> Plan:
    """The plan named in the request's URL (``/plans/<code>/…``) among those its user may see;
    a 404 for any other (remembered on the request)."""
    plan = getattr(request, "plan_from_url", None)
    if plan is None:
        code = request.plan_code_from_url
        plan = next((p for p in plans_visible_to(request.user) if p.code == code), None)
        if plan is None:
            raise Http404("No such plan.")
        request.plan_from_url = plan
    return plan


def current_plan(user=None) -> Plan | None:
    """The plan a page shows by default: the current plan of the user's government —
    CBEC_PLAN_CODE if set and the user's, otherwise the one of the user's (first) government starting
    latest. Without a user (and outside a request): the default government's plan, as before.

    ``user`` defaults to the user of the request being answered."""
    request = current_request.get()
    # The plan named in the URL (/plans/<code>/…), for the request's own user.
    in_url = request is not None and getattr(request, "plan_code_from_url", None)
    if in_url and (user is None or user == getattr(request, "user", None)):
        return plan_in_url(request)
    if user is None:
        user = getattr(request, "user", None) if request is not None else None
    if user is not None and not user.is_authenticated:
        user = None  # a signed-out request (a calendar feed by its token): the caller names the user
    if user is None:
        if settings.CBEC_PLAN_CODE:
            return Plan.objects.filter(code=settings.CBEC_PLAN_CODE).first()
        return default_plan_of(list(Plan.objects.select_related("government")))
    plans = plans_visible_to(user)
    if settings.CBEC_PLAN_CODE:
        chosen = next((p for p in plans if p.code == settings.CBEC_PLAN_CODE), None)
        if chosen is not None:
            return chosen
    return default_plan_of(plans)


def default_plan_of(plans: list[Plan]) -> Plan | None:
    """The plan shown by default among ``plans``: that of the default government first (the first
    city), then by government; within one, the one running this year that started latest — a
    successor loaded in the autumn takes over on 1 January of its first year, an ended plan stays
    the default only until then."""
    if not plans:
        return None
    default_government = settings.CBEC_DEFAULT_GOVERNMENT
    year = timezone.localdate().year

    def order(plan: Plan):
        started = plan.start_year <= year
        return (
            plan.government.code != default_government,
            plan.government_id,
            not started,  # a plan already begun before one yet to begin
            -plan.start_year if started else plan.start_year,
            plan.code,
        )

    return min(plans, key=order)


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
