"""The facts behind a score: the reported figures against their targets, and the process measures
(milestones on time, confirmations, monthly updates, overdue) counted from the workflow — each as it
stood at the period's end (or today, for the period still running). Rules: docs/assessment.md."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from decimal import Decimal

from django.db.models import Count, Exists, F, Min, OuterRef, Q, Sum
from django.db.models.functions import TruncDate
from django.utils import timezone
from django.utils.translation import gettext as _

from tasks_app.assessment.models import (
    ComponentKind,
    Indicator,
    IndicatorReport,
    IndicatorTarget,
    InterimTarget,
    TargetComparison,
    TargetLevel,
)
from tasks_app.assessment.periods import Period
from tasks_app.assessment.results import AMBER_ATTAINMENT, HUNDRED, NOT_ASSESSED, Component, _q, zh_date
from tasks_app.core.sql import DaysBefore
from tasks_app.plan.models import Implementation, ImplementationStatus, Plan, TaskResponsibility
from tasks_app.plan.selectors import plan_task_ids
from tasks_app.workflow.models import Milestone, ProgressUpdate, Rag, TaskReport


class Figures:
    """Reported values and targets of one plan, loaded once, answered from memory."""

    def __init__(self, plan: Plan):
        self.plan = plan
        self.indicators = {i.code: i for i in Indicator.objects.filter(plan=plan)}
        self.reports = {
            (r.indicator_id, r.district_id, r.period): r.value
            for r in IndicatorReport.objects.filter(indicator__plan=plan)
        }
        self.targets: dict[tuple, IndicatorTarget] = {}
        for t in IndicatorTarget.objects.filter(indicator__plan=plan):
            self.targets[(t.indicator_id, t.level, t.district_id, t.year)] = t
        self.interim = {
            (t.indicator_id, t.district_id, t.period): t.value
            for t in InterimTarget.objects.filter(indicator__plan=plan)
        }

    def actual(self, indicator: Indicator, district_id: int | None, period: Period) -> Decimal | None:
        return self.reports.get((indicator.pk, district_id, str(period)))

    def target_row(self, indicator: Indicator, district_id: int | None, year: int) -> IndicatorTarget | None:
        if district_id is None:
            return self.targets.get((indicator.pk, TargetLevel.CITY, None, year))
        return self.targets.get((indicator.pk, TargetLevel.DISTRICT, district_id, year)) or self.targets.get(
            (indicator.pk, TargetLevel.DISTRICT, None, year)
        )

    def annual_target(self, indicator: Indicator, district_id: int | None, year: int, depth: int = 0) -> Decimal | None:
        """The plan's target for the year: its value, or the growth factor on the previous year's
        reported figure (its target where none was reported) — whichever is higher when both are given."""
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

    def period_target(self, indicator: Indicator, district_id: int | None, period: Period) -> tuple:
        """``(target, source)`` for the period: the office's interim target where it entered one;
        otherwise, for a year, the plan's own target for that year; otherwise none (not assessed)."""
        interim = self.interim.get((indicator.pk, district_id, str(period)))
        if interim is not None:
            return interim, "interim"
        if period.quarter is None:
            annual = self.annual_target(indicator, district_id, period.year)
            if annual is not None:
                return annual, "plan"
        return None, None

    def baseline(self, indicator: Indicator, district_id: int | None) -> tuple[int, Decimal] | None:
        """The last yearly figure reported before the plan's first year (2024 for a 2024 start:
        the 2023 figure), or failing that the first yearly figure of the plan."""
        years = sorted(int(p) for (i, d, p) in self.reports if i == indicator.pk and d == district_id and len(p) == 4)
        before = [y for y in years if y < self.plan.start_year]
        year = before[-1] if before else (years[0] if years else None)
        if year is None:
            return None
        return year, self.reports[(indicator.pk, district_id, str(year))]

    def suggested(self, indicator: Indicator, district_id: int | None, period: Period) -> Decimal | None:
        """A suggested target: where the plan names a target for the year, that target; otherwise a
        steady growth from the baseline figure to the plan's target for its last year
        (baseline × (final ÷ baseline)^((year − baseline year) ÷ (last year − baseline year))).
        A quarter's suggestion is the year's × quarter ÷ 4 (figures count from 1 January)."""
        row = self.target_row(indicator, district_id, period.year)
        annual = None
        if row is not None and row.value is not None and row.growth_factor is None:
            annual = row.value  # the plan names this year's own target (e.g. 600 firms a year)
        else:
            final = self.annual_target(indicator, district_id, self.plan.end_year)
            base = self.baseline(indicator, district_id)
            if period.year >= self.plan.end_year or final is None:
                annual = final if period.year == self.plan.end_year else None
            elif base is not None and base[1] > 0 and base[0] < period.year:
                base_year, base_value = base
                exponent = (period.year - base_year) / (self.plan.end_year - base_year)
                annual = Decimal(str(float(base_value) * (float(final) / float(base_value)) ** exponent))
        if annual is None:
            return None
        return _q(annual * period.share_of_year)

    def path(self, indicator: Indicator, district_id: int | None, years: range) -> list[dict]:
        """Target path and reported values by year, for the trajectory charts."""
        return [
            {
                "year": year,
                "target": self.period_target(indicator, district_id, Period(year))[0],
                "actual": self.reports.get((indicator.pk, district_id, str(year))),
            }
            for year in years
        ]


def _not_assessed(component: Component, note: str) -> Component:
    component.assessed, component.rag, component.note, component.points = False, NOT_ASSESSED, note, "0.00"
    return component


def indicator_component(
    figures: Figures, code: str, weight: Decimal, district_id, period: Period, *, deadline: dt.date, as_of: dt.date
) -> Component:
    """An indicator's attainment. No target for the period: not assessed (grey). No figure: before
    the reporting deadline not assessed yet; after it 未填报, not attained (0 points, red)."""
    indicator = figures.indicators.get(code)
    label = indicator.name if indicator else code
    component = Component(kind=ComponentKind.INDICATOR, label=label, weight=str(weight))
    if indicator is None:
        return _not_assessed(component, _("indicator not in this plan"))
    target, source = figures.period_target(indicator, district_id, period)
    if target is None:
        return _not_assessed(component, _("no target for this period: not assessed"))
    row = figures.target_row(indicator, district_id, period.year) if source == "plan" else None
    component.target = str(_q(target))
    actual = figures.actual(indicator, district_id, period)
    if actual is None:
        if as_of <= deadline:
            return _not_assessed(component, _("awaiting the figure (due by %(date)s)") % {"date": zh_date(deadline)})
        component.note = _("未填报 (not reported by %(date)s): not attained") % {"date": zh_date(deadline)}
        component.rag = Rag.RED
        component.attainment = "0.0"
        return component
    component.actual = str(_q(actual))
    attainment = actual / target if target else Decimal(1)
    component.attainment = str(_q(attainment * HUNDRED, "0.1"))
    met = _meets(row, actual, target)
    component.points = str(_q(weight * min(Decimal(1), attainment)))
    if met:
        component.points = str(_q(weight))
    component.rag = Rag.GREEN if met else (Rag.AMBER if attainment >= AMBER_ATTAINMENT else Rag.RED)
    if source == "interim":
        component.note = _("interim target set by the office")
    return component


def _meets(row: IndicatorTarget | None, actual: Decimal, target: Decimal) -> bool:
    if row is not None and row.comparison == TargetComparison.MORE_THAN and row.value is not None:
        return actual > target
    return actual >= target


def _ratio_component(kind, label, weight: Decimal, done: int, total: int, note_when_none: str) -> Component:
    component = Component(kind=kind, label=label, weight=str(weight), target=str(total), actual=str(done))
    if total == 0:
        return _not_assessed(component, note_when_none)
    ratio = Decimal(done) / Decimal(total)
    component.attainment = str(_q(ratio * HUNDRED, "0.1"))
    component.points = str(_q(weight * ratio))
    component.rag = Rag.GREEN if done == total else (Rag.AMBER if ratio >= AMBER_ATTAINMENT else Rag.RED)
    return component


class OverdueItems(Sequence):
    """The milestones overdue at the end of an assessment period (or today), in the 通报's order
    (due date, task, milestone), read from the database when looked at: a page of them for the
    assessment page, all of them for the notice, the API and a publication. What the cache keeps of
    an assessment is then its question, not a list that can run to six figures at a city's scale.

    ``total`` is known from the period's counts; narrowed to some units, it is counted again.
    ``first_due``, the earliest due date among them (also counted with the period), lets a page be
    read from the due-date index where the list starts, instead of walking past every older
    milestone of other periods (a million-row plan: 470 ms → a few)."""

    def __init__(
        self, task_ids, start, until, cutoff, *, total=None, first_due=None, owner_names=None, district_names=None
    ):
        self.task_ids, self.start, self.until, self.cutoff = list(task_ids), start, until, cutoff
        self.first_due, self.owner_names, self.district_names = first_due, owner_names, district_names
        self._total = total

    def narrowed(self, *, owner_names, district_names) -> OverdueItems:
        """Only the milestones of these departments or in these districts (a unit's own view)."""
        return OverdueItems(
            self.task_ids,
            self.start,
            self.until,
            self.cutoff,
            first_due=self.first_due,
            owner_names=sorted(owner_names),
            district_names=sorted(district_names),
        )

    def _rows(self):
        done_by_then = Q(completed_at__isnull=False, completed_at__lt=self.cutoff)
        rows = Milestone.objects.filter(
            task_id__in=self.task_ids,
            baseline_due_date__gte=self.start,
            baseline_due_date__lte=self.until,
            created_at__lt=self.cutoff,
            due_date__lt=self.until,
        ).exclude(done_by_then)
        if self.first_due is not None:
            rows = rows.filter(due_date__gte=self.first_due)
        elif self._total == 0:
            return rows.none()
        if self.owner_names is not None:
            rows = rows.filter(Q(owner__name__in=self.owner_names) | Q(district__name__in=self.district_names))
        return rows

    def _listed(self):
        return (
            self._rows()
            .values(
                "id",
                "title",
                "due_date",
                number=F("task__number"),
                owner_name=F("owner__name"),
                district_name=F("district__name"),
            )
            .order_by("due_date", "task__number", "id")
        )

    def _items(self, listed) -> list[dict]:
        return [
            {
                "milestone": item["id"],
                "task": item["number"],
                "title": item["title"],
                "owner": item["owner_name"],
                "district": item["district_name"] or "",
                "due_date": item["due_date"].isoformat(),
                "days_overdue": (self.until - item["due_date"]).days,
            }
            for item in listed
        ]

    def __len__(self) -> int:
        if self._total is None:
            self._total = self._rows().count()
        return self._total

    def __getitem__(self, index):
        if isinstance(index, slice):
            start, stop, step = index.indices(len(self))
            if step != 1:
                return list(self)[index]
            return self._items(self._listed()[start:stop]) if stop > start else []
        items = self[index : index + 1] if index >= 0 else self[len(self) + index : len(self) + index + 1]
        if not items:
            raise IndexError(index)
        return items[0]

    def __iter__(self):
        return iter(self._items(self._listed()))

    def __eq__(self, other) -> bool:
        return isinstance(other, Sequence) and list(self) == list(other)

    __hash__ = None


class ProcessFacts:
    """Milestones, confirmations and monthly updates of a plan as they stood on ``as_of`` (the
    period's end, or today for the period still running), aggregated by the database.

    A milestone belongs to the period when its original due date falls in it and it existed by
    ``as_of``; it is on time when completed by its original due date; it is overdue when, on
    ``as_of``, it was not completed and its (possibly extended) due date had passed. The overdue
    list is read once and every count of overdue comes from it, so the notice's sections agree."""

    def __init__(self, plan: Plan, period: Period, as_of: dt.date):
        self.period, self.as_of = period, as_of
        until = min(period.end, as_of)
        tz = timezone.get_default_timezone()
        cutoff = timezone.make_aware(dt.datetime.combine(until + dt.timedelta(days=1), dt.time.min), tz)
        task_ids = list(plan_task_ids(plan))
        in_period = Q(
            task_id__in=task_ids,
            baseline_due_date__gte=period.start,
            baseline_due_date__lte=until,
            created_at__lt=cutoff,
        )
        done_by_then = Q(completed_at__isnull=False, completed_at__lt=cutoff)
        on_time = done_by_then & Q(completed_on__lte=F("baseline_due_date"))
        late = Q(due_date__lt=until) & ~done_by_then
        # One walk over the period's milestones counts everything by unit; the overdue items
        # themselves are read a page at a time (OverdueItems), not all for every view.
        groups = (
            Milestone.objects.filter(in_period)
            .annotate(completed_on=TruncDate("completed_at", tzinfo=tz))
            .values("owner_id", "district_id")
            .annotate(
                due=Count("id"),
                on_time=Count("id", filter=on_time),
                overdue=Count("id", filter=late),
                days_overdue=Sum(DaysBefore(until, "due_date"), filter=late),
                first_due=Min("due_date", filter=late),
            )
            .order_by()
        )
        self.due: dict[tuple, int] = defaultdict(int)
        self.on_time: dict[tuple, int] = defaultdict(int)
        self.overdue: dict[tuple, int] = defaultdict(int)
        self.days_overdue: dict[tuple, int] = defaultdict(int)
        first_due = None
        for group in groups:
            if group["first_due"] is not None:
                first_due = min(first_due or group["first_due"], group["first_due"])
            for key in self._keys(group["owner_id"], group["district_id"]):
                self.due[key] += group["due"]
                self.on_time[key] += group["on_time"]
                self.overdue[key] += group["overdue"]
                self.days_overdue[key] += group["days_overdue"] or 0
        # Every overdue milestone has one owner: the departments' counts add up to the list.
        total = sum(count for (kind, _unit), count in self.overdue.items() if kind == "department")
        self.overdue_list = OverdueItems(task_ids, period.start, until, cutoff, total=total, first_due=first_due)
        self.confirmed = defaultdict(int)
        self.implementations = defaultdict(int)
        confirmed_by_then = Q(
            status=ImplementationStatus.CONFIRMED, confirmed_at__isnull=False, confirmed_at__lt=cutoff
        )
        confirmations = (
            Implementation.objects.filter(task__plan=plan)
            .values("district_id")
            .annotate(total=Count("id"), confirmed=Count("id", filter=confirmed_by_then))
            .order_by()
        )
        for row in confirmations:
            self.implementations[row["district_id"]] = row["total"]
            self.confirmed[row["district_id"]] = row["confirmed"]
        self._monthly(plan, period, as_of)

    @staticmethod
    def _keys(owner_id, district_id) -> list[tuple]:
        keys = [("department", owner_id)]
        if district_id:
            keys.append(("district", district_id))
        return keys

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

        # A month is reported by a progress update on the task or by its monthly task report.
        posted = {
            f"month_{index}": Exists(
                ProgressUpdate.objects.filter(
                    task_id=OuterRef("task_id"),
                    department_id=OuterRef("department_id"),
                    created_at__gte=moment(start),
                    created_at__lt=moment(end),
                )
            )
            | Exists(
                TaskReport.objects.filter(
                    task_id=OuterRef("task_id"), department_id=OuterRef("department_id"), month=start.replace(day=1)
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


PENALTY_STEP = Decimal("0.1")  # the penalty's weight is deducted per tenth of the load overdue


def _penalty(weight: Decimal, cap: Decimal | None, overdue: int, due: int) -> Component:
    """Overdue milestones against the load: ``weight`` points for each tenth of the milestones due
    in the period that were overdue at its end, up to ``cap`` — so leading many tasks is not by
    itself a reason to lose more points than a department with few."""
    component = Component(
        kind=ComponentKind.OVERDUE_PENALTY,
        label=_("overdue milestones"),
        weight=str(weight),
        target=str(due),
        actual=str(overdue),
    )
    if due == 0:
        return _not_assessed(component, _("none due in the period"))
    share = Decimal(overdue) / Decimal(due)
    amount = weight * share / PENALTY_STEP
    if cap is not None:
        amount = min(amount, cap)
    component.attainment = str(_q(share * HUNDRED, "0.1"))
    component.points = str(_q(-amount))
    component.rag = Rag.GREEN if overdue == 0 else Rag.RED
    return component
