"""The facts behind a score: the reported figures against their targets, and the process measures
(milestones on time, confirmations, monthly updates, overdue) counted from the workflow."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import Decimal

from django.db.models import Count, DurationField, Exists, ExpressionWrapper, F, OuterRef, Q, Sum, Value
from django.db.models.functions import TruncDate
from django.utils import timezone
from django.utils.translation import gettext as _

from tasks_app.assessment.models import (
    ComponentKind,
    Indicator,
    IndicatorReport,
    IndicatorTarget,
    TargetComparison,
    TargetLevel,
)
from tasks_app.assessment.periods import Period
from tasks_app.assessment.results import AMBER_ATTAINMENT, HUNDRED, Component, _q
from tasks_app.plan.models import Implementation, ImplementationStatus, Plan, TaskResponsibility
from tasks_app.plan.selectors import plan_task_ids
from tasks_app.workflow.models import Milestone, MilestoneStatus, ProgressUpdate, Rag


class Figures:
    """Reported values and targets of one plan, loaded once, answered from memory."""

    def __init__(self, plan: Plan):
        self.indicators = {i.code: i for i in Indicator.objects.filter(plan=plan)}
        self.reports = {
            (r.indicator_id, r.district_id, r.period): r.value
            for r in IndicatorReport.objects.filter(indicator__plan=plan)
        }
        self.targets: dict[tuple, IndicatorTarget] = {}
        for t in IndicatorTarget.objects.filter(indicator__plan=plan):
            self.targets[(t.indicator_id, t.level, t.district_id, t.year)] = t

    def actual(self, indicator: Indicator, district_id: int | None, period: Period) -> Decimal | None:
        return self.reports.get((indicator.pk, district_id, str(period)))

    def target_row(self, indicator: Indicator, district_id: int | None, year: int) -> IndicatorTarget | None:
        if district_id is None:
            return self.targets.get((indicator.pk, TargetLevel.CITY, None, year))
        return self.targets.get((indicator.pk, TargetLevel.DISTRICT, district_id, year)) or self.targets.get(
            (indicator.pk, TargetLevel.DISTRICT, None, year)
        )

    def annual_target(self, indicator: Indicator, district_id: int | None, year: int, depth: int = 0) -> Decimal | None:
        """The year's target: the plan's value, or the growth factor on the previous year's reported
        figure (its target where none was reported) — whichever is higher when both are given."""
        row = self.target_row(indicator, district_id, year)
        if row is None or depth > 10:
            return None
        candidates = []
        if row.value is not None:
            candidates.append(row.value)
        if row.growth_factor is not None:
            previous = self.reports.get((indicator.pk, district_id, str(year - 1)))
            if previous is None:
                previous = self.annual_target(indicator, district_id, year - 1, depth + 1)
            if previous is not None:
                candidates.append(row.growth_factor * previous)
        return max(candidates) if candidates else None

    def path(self, indicator: Indicator, district_id: int | None, years: range) -> list[dict]:
        """Target path and reported values by year, for the trajectory charts."""
        return [
            {
                "year": year,
                "target": self.annual_target(indicator, district_id, year),
                "actual": self.reports.get((indicator.pk, district_id, str(year))),
            }
            for year in years
        ]


def indicator_component(figures: Figures, code: str, weight: Decimal, district_id, period: Period) -> Component:
    indicator = figures.indicators.get(code)
    label = indicator.name if indicator else code
    component = Component(kind=ComponentKind.INDICATOR, label=label, weight=str(weight))
    if indicator is None:
        component.note = _("indicator not in this plan")
        return component
    row = figures.target_row(indicator, district_id, period.year)
    annual = figures.annual_target(indicator, district_id, period.year)
    actual = figures.actual(indicator, district_id, period)
    if annual is None:
        component.note = _("no target for this year")
        return component
    target = annual * period.share_of_year
    component.target = str(_q(target))
    if actual is None:
        component.note = _("not reported")
        component.rag = Rag.RED
        return component
    component.actual = str(_q(actual))
    attainment = actual / target if target else Decimal(1)
    component.attainment = str(_q(attainment * HUNDRED, "0.1"))
    met = _meets(row, actual, target)
    component.points = str(_q(weight * min(Decimal(1), attainment)))
    if met:
        component.points = str(_q(weight))
    component.rag = Rag.GREEN if met else (Rag.AMBER if attainment >= AMBER_ATTAINMENT else Rag.RED)
    return component


def _meets(row: IndicatorTarget | None, actual: Decimal, target: Decimal) -> bool:
    if row is not None and row.comparison == TargetComparison.MORE_THAN and row.value is not None:
        return actual > target
    return actual >= target


def _ratio_component(kind, label, weight: Decimal, done: int, total: int, note_when_none: str) -> Component:
    component = Component(kind=kind, label=label, weight=str(weight), target=str(total), actual=str(done))
    if total == 0:
        component.points = str(_q(weight))
        component.note = note_when_none
        return component
    ratio = Decimal(done) / Decimal(total)
    component.attainment = str(_q(ratio * HUNDRED, "0.1"))
    component.points = str(_q(weight * ratio))
    component.rag = Rag.GREEN if done == total else (Rag.AMBER if ratio >= AMBER_ATTAINMENT else Rag.RED)
    return component


class ProcessFacts:
    """Milestones, confirmations and monthly updates of a plan, aggregated by the database: one
    GROUP BY over the plan's milestones (by owner and district), one over its confirmations, one
    index probe per (task, department, month) for the monthly updates — the same few queries for
    a hundred milestones or a million."""

    def __init__(self, plan: Plan, period: Period, as_of: dt.date):
        self.period, self.as_of = period, as_of
        until = min(period.end, as_of)
        tz = timezone.get_default_timezone()
        in_period = Q(baseline_due_date__gte=period.start, baseline_due_date__lte=until)
        on_time = in_period & Q(status=MilestoneStatus.COMPLETED, completed_on__lte=F("baseline_due_date"))
        late_now = ~Q(status=MilestoneStatus.COMPLETED) & Q(due_date__lt=until)
        days_late = ExpressionWrapper(Value(until) - F("due_date"), output_field=DurationField())
        groups = (
            Milestone.objects.filter(task_id__in=plan_task_ids(plan))
            .annotate(completed_on=TruncDate("completed_at", tzinfo=tz))
            .values("owner_id", "district_id")
            .annotate(
                due=Count("id", filter=in_period),
                on_time=Count("id", filter=on_time),
                overdue=Count("id", filter=late_now),
                days_overdue=Sum(days_late, filter=late_now),
            )
            .order_by()
        )
        self.due: dict[tuple, int] = defaultdict(int)
        self.on_time: dict[tuple, int] = defaultdict(int)
        self.overdue: dict[tuple, int] = defaultdict(int)
        self.days_overdue: dict[tuple, int] = defaultdict(int)
        for group in groups:
            keys = [("department", group["owner_id"])]
            if group["district_id"]:
                keys.append(("district", group["district_id"]))
            for key in keys:
                self.due[key] += group["due"]
                self.on_time[key] += group["on_time"]
                self.overdue[key] += group["overdue"]
                self.days_overdue[key] += group["days_overdue"].days if group["days_overdue"] else 0
        self.confirmed = defaultdict(int)
        self.implementations = defaultdict(int)
        confirmations = (
            Implementation.objects.filter(task__plan=plan)
            .values("district_id")
            .annotate(total=Count("id"), confirmed=Count("id", filter=Q(status=ImplementationStatus.CONFIRMED)))
            .order_by()
        )
        for row in confirmations:
            self.implementations[row["district_id"]] = row["total"]
            self.confirmed[row["district_id"]] = row["confirmed"]
        self._monthly(plan, period, as_of)

    def _monthly(self, plan: Plan, period: Period, as_of: dt.date) -> None:
        """Months of the period already over by ``as_of``, and for each (task, department) the
        months in which the department posted a progress update on the task."""
        months = []
        month = period.start
        while month <= period.end:
            next_month = (month.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
            if next_month - dt.timedelta(days=1) <= as_of:
                months.append((month, next_month))
            month = next_month
        self.months = [start for start, _end in months]
        self.pairs_by_department = defaultdict(list)
        self.updated = set()
        tz = timezone.get_default_timezone()

        def moment(day):
            return timezone.make_aware(dt.datetime.combine(day, dt.time.min), tz)

        posted = {
            f"month_{index}": Exists(
                ProgressUpdate.objects.filter(
                    task_id=OuterRef("task_id"),
                    department_id=OuterRef("department_id"),
                    created_at__gte=moment(start),
                    created_at__lt=moment(end),
                )
            )
            for index, (start, end) in enumerate(months)
        }
        pairs = (
            TaskResponsibility.objects.filter(task__plan=plan)
            .annotate(**posted)
            .values_list("task_id", "department_id", *posted)
        )
        for task_id, department_id, *flags in pairs:
            self.pairs_by_department[department_id].append(task_id)
            for (start, _end), flag in zip(months, flags, strict=True):
                if flag:
                    self.updated.add((task_id, department_id, start))

    def monthly_counts(self, department_id: int) -> tuple[int, int]:
        tasks = self.pairs_by_department.get(department_id, [])
        expected = len(tasks) * len(self.months)
        done = sum(1 for t in tasks for m in self.months if (t, department_id, m) in self.updated)
        return done, expected


def _penalty(weight: Decimal, cap: Decimal | None, count: int) -> Component:
    amount = weight * count
    if cap is not None:
        amount = min(amount, cap)
    return Component(
        kind=ComponentKind.OVERDUE_PENALTY,
        label=_("overdue milestones"),
        weight=str(weight),
        actual=str(count),
        points=str(_q(-amount)),
        rag=Rag.GREEN if count == 0 else Rag.RED,
    )
