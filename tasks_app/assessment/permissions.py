from __future__ import annotations

from django.conf import settings
from django.db.models import Q

from tasks_app.core.access import has_global
from tasks_app.plan.permissions import VIEW_RECORDS


def can_see_all_assessments(user) -> bool:
    """The offices see every scorecard before publication."""
    return has_global(user, VIEW_RECORDS)


def can_publish_assessment(user) -> bool:
    return has_global(user, "publish_assessment")


def can_manage_assessment(user) -> bool:
    """Rubric and targets are the supervision office's, as publishing is (the same right)."""
    return has_global(user, "publish_assessment")


def indicator_reports_visible_to(user):
    """A district sees its own figures and the city's; departments the city's; the offices all;
    every figure of a published period is visible to all."""
    from tasks_app.assessment.models import AssessmentPublication, IndicatorReport
    from tasks_app.plan.selectors import plans_visible_to

    if not user.is_authenticated:
        return IndicatorReport.objects.none()
    # Only the plans of the user's own government(s): another city's figures are never listed.
    queryset = IndicatorReport.objects.filter(indicator__plan__in=plans_visible_to(user))
    if has_global(user, VIEW_RECORDS):
        return queryset
    # A period published in a plan opens that plan's figures of the period (another city's
    # publication opens nothing of this one's).
    published = AssessmentPublication.objects.filter(status="current").values_list("plan_id", "period")
    visible = Q(district__isnull=True) | Q(district__group__user=user)
    for plan_id, period in published:
        visible |= Q(indicator__plan_id=plan_id, period=period)
        if len(period) == 4:
            visible |= Q(indicator__plan_id=plan_id, period__startswith=f"{period}-Q")
    return queryset.filter(visible).distinct()


def can_report_indicator(user, district) -> bool:
    """A district reports its own figures; the designated data-source departments (settings
    CBEC_CITY_DATA_DEPARTMENTS, e.g. 市商务局 and 苏州海关) the city's; the office any."""
    if has_global(user, "change_indicatorreport"):
        return True
    if district is not None:
        return user.groups.filter(pk=district.group_id).exists()
    return user.groups.filter(department__code__in=settings.CBEC_CITY_DATA_DEPARTMENTS).exists()


def indicator_report_scope(user):
    """What the user may report: ``(districts, city)`` — the districts whose figures they report
    (a queryset) and whether they report the city's. Nobody else is shown a reporting form."""
    from departments.models import District
    from tasks_app.plan.selectors import current_government_units

    if has_global(user, "change_indicatorreport"):
        return current_government_units(District).order_by("position"), True
    districts = District.objects.filter(group__user=user).order_by("position")
    city = user.groups.filter(department__code__in=settings.CBEC_CITY_DATA_DEPARTMENTS).exists()
    return districts, city
