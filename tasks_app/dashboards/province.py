"""The province's view (issue 19 item 4): the cities side by side — for each city's current plan the
milestones (total, completed, on time, overdue), the escalations of the overdue ones, the districts'
confirmations, the headline indicators against their targets and the latest published assessment.

Only the province's supervision office and leadership (and administrators) may see it; for everyone
else the page and its API answer 404, as for anything they may not know of.

Every figure is one GROUP BY over all cities at once (by plan, never a query per city), and the
indicators are scored by the assessment's own code from figures read once for every plan: the page
costs the same few queries with two cities or twenty, a thousand milestones or a million."""

from __future__ import annotations

import datetime as dt
import hashlib
import time
from collections import defaultdict
from decimal import Decimal

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.db.models import Count, F, Q
from django.db.models.functions import TruncDate
from django.http import Http404
from django.shortcuts import render
from django.utils import timezone

from departments.models import Government, GovernmentLevel
from departments.selectors import government_count, user_government_ids
from tasks_app.assessment.components import Figures, indicator_component
from tasks_app.assessment.models import (
    AssessmentPublication,
    Indicator,
    IndicatorReport,
    IndicatorTarget,
    InterimTarget,
    PublicationStatus,
    Rubric,
    RubricScope,
    TargetLevel,
)
from tasks_app.assessment.periods import Period
from tasks_app.core.changes import data_version
from tasks_app.core.dispatch import enqueue
from tasks_app.dashboards.models import ProvinceFigures
from tasks_app.plan.middleware import reverse_in_plan
from tasks_app.plan.models import Implementation, ImplementationStatus, KeyTask, Plan
from tasks_app.plan.selectors import default_plan_of
from tasks_app.reminders.models import escalation_label
from tasks_app.workflow.models import OPEN_STATUSES, Milestone, MilestoneStatus

REPORTING_DAYS = 15  # as the assessment: a figure is due this many days after its period (no rubric)
ESCALATION_LEVELS = (1, 2, 3)  # 催办, 督办, 通报 (and every further round of 通报)


def may_see_province(user) -> bool:
    """The province's supervision office and leadership, and administrators. Costs no query for a
    city's account once the request knows its governments (every page asks), one for the province's."""
    if not getattr(user, "is_authenticated", False):
        return False
    if user.is_superuser:
        return True
    known = getattr(user, "_cbec_province_viewer", None)
    if known is not None:
        return known
    # A city's account is limited to its governments; the province's is not (nor anyone's on a site
    # with a single government, which has no province to belong to).
    answer = (
        government_count() > 1
        and user_government_ids(user) is None
        and Government.objects.filter(level=GovernmentLevel.PROVINCE)
        .filter(Q(supervision_group__user=user) | Q(leadership_group__user=user))
        .exists()
    )
    user._cbec_province_viewer = answer
    return answer


def _cities_and_plans() -> list[tuple[Government, Plan | None]]:
    """Every city, the default government first, with its current plan — the one its own accounts
    see by default: CBEC_PLAN_CODE where it is the city's, else the running one (``default_plan_of``)."""
    cities = list(Government.objects.filter(level=GovernmentLevel.CITY))
    cities.sort(key=lambda g: (g.code != settings.CBEC_DEFAULT_GOVERNMENT, g.pk))
    by_city: dict[int, list[Plan]] = defaultdict(list)
    for plan in Plan.objects.filter(government__level=GovernmentLevel.CITY).select_related("government"):
        by_city[plan.government_id].append(plan)
    chosen: dict[int, Plan | None] = {}
    for city_id, plans in by_city.items():
        named = [plan for plan in plans if plan.code == settings.CBEC_PLAN_CODE]
        chosen[city_id] = named[0] if named else default_plan_of(plans)
    return [(city, chosen.get(city.pk)) for city in cities]


def _milestone_tallies(task_ids: list[int], today: dt.date) -> dict[int, dict]:
    """Per plan: milestones, completed, completed on time (by the original due date, a day in
    Asia/Shanghai: the assessment's rule), overdue (open past the due date: the overdue board's)."""
    tz = timezone.get_default_timezone()
    rows = (
        Milestone.objects.filter(task_id__in=task_ids)
        .annotate(completed_on=TruncDate("completed_at", tzinfo=tz))
        .values("task__plan")
        .annotate(
            total=Count("id"),
            completed=Count("id", filter=Q(status=MilestoneStatus.COMPLETED)),
            on_time=Count(
                "id",
                filter=Q(status=MilestoneStatus.COMPLETED, completed_on__lte=F("baseline_due_date")),
            ),
            overdue=Count("id", filter=Q(status__in=OPEN_STATUSES, due_date__lt=today)),
        )
        .order_by()
    )
    return {row["task__plan"]: row for row in rows}


def _escalation_tallies(task_ids: list[int], today: dt.date) -> dict[int, dict[int, int]]:
    """Per plan and escalation level: the overdue milestones escalated that far — each counted once,
    at its highest level, exactly as the overdue board shows it (levels past 3 are rounds of 通报,
    counted with 通报). One GROUP BY from the escalation reminders (a partial index of milestone and
    level) to their milestones, not a lookup per overdue milestone: there are millions of those."""
    from tasks_app.reminders.models import Reminder, ReminderKind

    if not task_ids:
        return {}
    reminders = Reminder.all_kinds.model._meta.db_table
    milestones, tasks = Milestone._meta.db_table, KeyTask._meta.db_table
    marks = ", ".join(["%s"] * len(task_ids))
    statuses = ", ".join(["%s"] * len(OPEN_STATUSES))
    sql = f"""
        SELECT t.plan_id, e.top, COUNT(*)
        FROM (SELECT milestone_id, MAX(level) AS top FROM {reminders}
              WHERE kind = %s AND milestone_id IS NOT NULL GROUP BY milestone_id) e
        JOIN {milestones} m ON m.id = e.milestone_id
        JOIN {tasks} t ON t.id = m.task_id
        WHERE m.status IN ({statuses}) AND m.due_date < %s AND m.task_id IN ({marks})
        GROUP BY t.plan_id, e.top"""  # noqa: S608 - table names from the models, values as parameters
    with connection.cursor() as cursor:
        cursor.execute(sql, [ReminderKind.ESCALATION, *OPEN_STATUSES, today, *task_ids])
        rows = cursor.fetchall()
    tallies: dict[int, dict[int, int]] = {}
    for plan_id, top, count in rows:
        levels = tallies.setdefault(plan_id, {})
        level = min(top, ESCALATION_LEVELS[-1])
        levels[level] = levels.get(level, 0) + count
    return tallies


def _confirmation_tallies(task_ids: list[int]) -> dict[int, dict[str, int]]:
    rows = (
        Implementation.objects.filter(task_id__in=task_ids)
        .values("task__plan", "status")
        .annotate(n=Count("id"))
        .order_by()
    )
    tallies: dict[int, dict[str, int]] = defaultdict(dict)
    for row in rows:
        tallies[row["task__plan"]][row["status"]] = row["n"]
    return tallies


class _PlanFigures(Figures):
    """The assessment's ``Figures`` of one plan, from rows read once for every plan (city level
    only: reports and targets are keyed by indicator, so the plans share the dictionaries)."""

    def __init__(self, plan: Plan, indicators: list[Indicator], reports: dict, targets: dict, interim: dict):
        self.plan = plan
        self.indicators = {i.code: i for i in indicators}
        self.reports, self.targets, self.interim = reports, targets, interim


def _latest_period(figures: Figures, indicator: Indicator) -> Period | None:
    periods = [Period.parse(p) for (i, d, p) in figures.reports if i == indicator.pk and d is None]
    return max(periods, key=lambda p: (p.year, p.quarter or 5), default=None)


def _headline_indicators(plans: list[Plan], today: dt.date) -> dict[int, list[dict]]:
    """Per plan: each city indicator the plan sets a city target for (the assessment's city figures),
    its latest reported figure against the target of that period — scored by the assessment's
    ``indicator_component`` — and the plan's target for its last year. Five queries for every plan."""
    by_plan: dict[int, list[Indicator]] = defaultdict(list)
    for indicator in Indicator.objects.filter(plan__in=plans).order_by("plan", "position", "code"):
        by_plan[indicator.plan_id].append(indicator)
    ids = [i.pk for indicators in by_plan.values() for i in indicators]
    reports = {
        (r.indicator_id, None, r.period): r.value
        for r in IndicatorReport.objects.filter(indicator_id__in=ids, district__isnull=True).only(
            "indicator_id", "period", "value"
        )
    }
    targets = {
        (t.indicator_id, t.level, None, t.year): t
        for t in IndicatorTarget.objects.filter(indicator_id__in=ids, level=TargetLevel.CITY).select_related(
            "indicator"
        )
    }
    interim = {
        (t.indicator_id, None, t.period): t.value
        for t in InterimTarget.objects.filter(indicator_id__in=ids, district__isnull=True).only(
            "indicator_id", "period", "value"
        )
    }
    reporting_days = (
        Rubric.objects.filter(scope=RubricScope.DISTRICT, is_active=True)
        .values_list("reporting_days", flat=True)
        .first()
    )
    reporting_days = REPORTING_DAYS if reporting_days is None else reporting_days
    result: dict[int, list[dict]] = {}
    for plan in plans:
        figures = _PlanFigures(plan, by_plan.get(plan.pk, []), reports, targets, interim)
        years = range(plan.start_year, plan.end_year + 1)
        rows = []
        for indicator in figures.indicators.values():
            if not any(figures.target_row(indicator, None, year) for year in years):
                continue
            latest = _latest_period(figures, indicator)
            period = latest or Period(min(max(today.year, plan.start_year), plan.end_year))
            reported = figures.actual(indicator, None, period)
            component = indicator_component(
                figures,
                indicator.code,
                Decimal(0),
                None,
                period,
                deadline=period.end + dt.timedelta(days=reporting_days),
                as_of=today,
            )
            final = figures.annual_target(indicator, None, plan.end_year)
            rows.append(
                {
                    "indicator": indicator,
                    "code": indicator.code,
                    "name": indicator.name,
                    "name_en": indicator.name_en,
                    "unit": indicator.unit,
                    "period": str(period),
                    # The figure as reported, also where its period has no target to score it against.
                    "actual": None if reported is None else str(reported.quantize(Decimal("0.01"))),
                    "target": component.target,
                    "attainment": component.attainment,
                    "rag": component.rag,
                    "note": str(component.note),
                    "final_year": plan.end_year,
                    "final_target": None if final is None else str(final.quantize(Decimal("0.01"))),
                }
            )
        result[plan.pk] = rows
    return result


def _latest_publications(plans: list[Plan]) -> dict[int, dict]:
    """Per plan, its latest published assessment in force (as the leadership home shows it); the
    link opens it within its plan."""
    latest: dict[int, dict] = {}
    codes = {plan.pk: plan.code for plan in plans}
    publications = AssessmentPublication.objects.filter(plan__in=plans, status=PublicationStatus.CURRENT).order_by(
        "plan", "-published_at", "-pk"
    )
    for publication in publications.only("plan_id", "period", "version", "published_at"):
        if publication.plan_id in latest:
            continue
        published_at = timezone.localtime(publication.published_at)
        latest[publication.plan_id] = {
            "period": publication.period,
            "version": publication.version,
            "published_at": published_at,
            "published_on": published_at.date(),
            # Within its own plan (/plans/<code>/assessment/…): every city's reads from here.
            "url": reverse_in_plan(codes[publication.plan_id], "tasks_app:assessment", period=publication.period),
        }
    return latest


# The tallies read every city's milestones: at 13 cities of a million each, seconds. The page reads
# them as last computed (``ProvinceFigures``) and, when they are behind the data, asks a worker to
# count again and says so: the figures shown are at most a refresh behind, the page stays fast.
# Reminders (escalations) do not move the change counter: the figures are counted again at least
# this often while someone looks.
FIGURES_MAX_AGE = dt.timedelta(minutes=10)
# Without a worker (a site run without one) the page counts itself once the figures are this old.
FIGURES_STALE_LIMIT = dt.timedelta(minutes=30)
REFRESH_TASK = "tasks_app.tasks.refresh_province_figures"


def _figures_key(task_ids: list[int]) -> str:
    return hashlib.sha256(",".join(map(str, sorted(task_ids))).encode()).hexdigest()


def _count_all(task_ids: list[int], today: dt.date) -> dict:
    """Every tally, keyed by plan id as text (the row keeps them as JSON)."""
    return {
        "milestones": {str(k): v for k, v in _milestone_tallies(task_ids, today).items()},
        "escalations": {
            str(k): {str(level): n for level, n in v.items()} for k, v in _escalation_tallies(task_ids, today).items()
        },
        "confirmations": {str(k): v for k, v in _confirmation_tallies(task_ids).items()},
    }


def _current_task_ids() -> list[int]:
    plans = [plan for _city, plan in _cities_and_plans() if plan is not None]
    return list(KeyTask.objects.filter(plan__in=plans).order_by().values_list("pk", flat=True))


def province_figures_refresh(task_ids: list[int] | None = None) -> ProvinceFigures:
    """Count every city's tallies now and keep them (the worker's job; the first page view's too).
    The data version is read before counting: a change made while counting leaves the row behind
    the data, so the next page asks again."""
    task_ids = _current_task_ids() if task_ids is None else task_ids
    today = timezone.localdate()
    version = data_version()
    started = time.perf_counter()
    tallies = _count_all(task_ids, today)
    figures, _created = ProvinceFigures.objects.update_or_create(
        key=_figures_key(task_ids),
        defaults={
            "data_version": version,
            "as_of": today,
            "computed_at": timezone.now(),
            "seconds": round(time.perf_counter() - started, 3),
            "tallies": tallies,
        },
    )
    return figures


def _is_current(figures: ProvinceFigures, today: dt.date) -> bool:
    return (
        figures.data_version == data_version()
        and figures.as_of == today
        and timezone.now() - figures.computed_at < FIGURES_MAX_AGE
    )


def _province_figures(task_ids: list[int], today: dt.date) -> tuple[ProvinceFigures, bool]:
    """The tallies to show and whether a newer count is under way. The first view counts itself;
    later ones read the last count and, if it is behind, ask a worker (once a minute at most per
    process)."""
    figures = ProvinceFigures.objects.filter(key=_figures_key(task_ids)).first()
    if figures is None or timezone.now() - figures.computed_at > FIGURES_STALE_LIMIT:
        return province_figures_refresh(task_ids), False
    if _is_current(figures, today):
        return figures, False
    if cache.add("cbec:province:refresh-asked", True, 60):
        enqueue(REFRESH_TASK)
    return figures, True


def _int_keys(mapping: dict) -> dict:
    return {int(k): v for k, v in mapping.items()}


def province_overview(user, today: dt.date) -> dict:
    """Every city with its current plan's figures, in a fixed number of queries."""
    pairs = _cities_and_plans()
    plans = [plan for _city, plan in pairs if plan is not None]
    task_ids = list(KeyTask.objects.filter(plan__in=plans).order_by().values_list("pk", flat=True))
    figures, updating = _province_figures(task_ids, today)
    milestones = _int_keys(figures.tallies["milestones"])
    escalations = {plan: _int_keys(levels) for plan, levels in _int_keys(figures.tallies["escalations"]).items()}
    confirmations = _int_keys(figures.tallies["confirmations"])
    indicators = _headline_indicators(plans, today)
    publications = _latest_publications(plans)
    empty = {"total": 0, "completed": 0, "on_time": 0, "overdue": 0}
    cities = []
    for city, plan in pairs:
        key = plan.pk if plan is not None else None
        tally = milestones.get(key, empty)
        levels = escalations.get(key, {})
        statuses = confirmations.get(key, {})
        cities.append(
            {
                "government": city,
                "plan": plan,
                "milestones": {name: tally[name] for name in empty},
                "escalations": {
                    "total": sum(levels.values()),
                    "levels": [
                        {"level": level, "label": str(escalation_label(level)), "count": levels.get(level, 0)}
                        for level in ESCALATION_LEVELS
                    ],
                },
                "confirmations": {
                    "implementations": sum(statuses.values()),
                    "confirmed": statuses.get(ImplementationStatus.CONFIRMED, 0),
                    "awaiting": statuses.get(ImplementationStatus.PENDING, 0),
                    "rejected": statuses.get(ImplementationStatus.REJECTED, 0),
                },
                "indicators": indicators.get(key, []),
                "publication": publications.get(key),
            }
        )
    return {
        "as_of": today,
        # When the tallies were counted (Asia/Shanghai) and whether a newer count is under way.
        "counted_at": timezone.localtime(figures.computed_at),
        "updating": updating,
        "cities": cities,
        "levels": [str(escalation_label(level)) for level in ESCALATION_LEVELS],
    }


def province_page(request):
    if not may_see_province(request.user):
        raise Http404
    overview = province_overview(request.user, timezone.localdate())
    return render(request, "dashboards/province.html", {"province": overview})
