"""Reads: which plan is current and the plan's structure, with the queries each page needs."""

from django.conf import settings
from django.db.models import Prefetch

from .models import KeyTask, Plan, TaskResponsibility


def current_plan() -> Plan | None:
    """The plan the site shows: CBEC_PLAN_CODE if set, otherwise the one starting latest."""
    plans = Plan.objects.all()
    if settings.CBEC_PLAN_CODE:
        return plans.filter(code=settings.CBEC_PLAN_CODE).first()
    return plans.order_by("-start_year", "code").first()


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
