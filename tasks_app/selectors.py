"""Reads: which plan is current and the plan's structure, with the queries each page needs."""

from django.conf import settings
from django.db.models import Prefetch, Q

from .models import IndicatorTarget, KeyTask, Plan, TargetLevel, TaskResponsibility


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


def district_targets(plan: Plan, district) -> list:
    """Each district-level target that applies to the district: its own where the plan names one
    (e.g. its industrial belt's export), otherwise the target every district shares."""
    targets = (
        IndicatorTarget.objects.filter(indicator__plan=plan, level=TargetLevel.DISTRICT)
        .filter(Q(district=district) | Q(district__isnull=True))
        .select_related("indicator")
        .order_by("indicator__position", "year")
    )
    chosen: dict[tuple[int, int], IndicatorTarget] = {}
    for target in targets:
        key = (target.indicator_id, target.year)
        if key not in chosen or target.district_id is not None:
            chosen[key] = target
    return list(chosen.values())
