from __future__ import annotations

from django.db.models import Q

from tasks_app.assessment.models import IndicatorTarget, TargetLevel
from tasks_app.plan.models import Plan


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
