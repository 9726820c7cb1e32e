"""The assessment (考核): targets, attainment, scores, ranks and RAG, computed from the data.

Nothing here is typed in by hand: targets come from the plan file, figures from indicator reports,
process measures from milestones, confirmations and progress updates, weights from the active
rubric. ``assessment_compute`` answers for a period ("2025" or "2025-Q3"); publishing freezes its
answer (``assessment_publish``). The rules are documented in docs/assessment.md.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from dataclasses import asdict, dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, DurationField, Exists, ExpressionWrapper, F, OuterRef, Q, Sum, Value
from django.db.models.functions import TruncDate
from django.utils import timezone
from django.utils.translation import gettext as _

from departments.models import Department, District
from tasks_app.assessment.models import (
    AssessmentPublication,
    ComponentKind,
    Indicator,
    IndicatorReport,
    IndicatorTarget,
    Rubric,
    RubricScope,
    TargetComparison,
    TargetLevel,
)
from tasks_app.assessment.permissions import can_publish_assessment, can_see_all_assessments
from tasks_app.core import changes
from tasks_app.core.errors import InvalidState, NotAllowed
from tasks_app.plan.models import Implementation, ImplementationStatus, Plan, TaskResponsibility
from tasks_app.plan.selectors import plan_task_ids
from tasks_app.workflow.models import Milestone, MilestoneStatus, ProgressUpdate, Rag

HUNDRED = Decimal(100)
AMBER_ATTAINMENT = Decimal("0.8")  # an indicator below target but at 80 % or more is amber


def _q(value: Decimal | None, places: str = "0.01") -> Decimal | None:
    return None if value is None else Decimal(value).quantize(Decimal(places), rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class Period:
    year: int
    quarter: int | None = None

    @classmethod
    def parse(cls, text: str) -> Period:
        match = re.fullmatch(r"([0-9]{4})(?:-Q([1-4]))?", str(text).strip())
        if not match:
            raise ValidationError({"period": _("A period is a year (2025) or a quarter (2025-Q3).")})
        return cls(int(match.group(1)), int(match.group(2)) if match.group(2) else None)

    def __str__(self) -> str:
        return f"{self.year}-Q{self.quarter}" if self.quarter else str(self.year)

    @property
    def start(self) -> dt.date:
        return dt.date(self.year, 1 if not self.quarter else 3 * self.quarter - 2, 1)

    @property
    def end(self) -> dt.date:
        if not self.quarter or self.quarter == 4:
            return dt.date(self.year, 12, 31)
        return dt.date(self.year, 3 * self.quarter + 1, 1) - dt.timedelta(days=1)

    @property
    def share_of_year(self) -> Decimal:
        return Decimal(self.quarter) / 4 if self.quarter else Decimal(1)

    def previous(self) -> Period:
        if not self.quarter:
            return Period(self.year - 1)
        return Period(self.year, self.quarter - 1) if self.quarter > 1 else Period(self.year - 1, 4)


@dataclass
class Component:
    kind: str
    label: str
    weight: str
    target: str | None = None
    actual: str | None = None
    attainment: str | None = None  # percent
    points: str = "0.00"
    rag: str | None = None
    note: str = ""


@dataclass
class Row:
    code: str
    name: str
    name_en: str
    components: list[Component] = field(default_factory=list)
    score: str = "0.00"
    rank: int = 0
    rag: str = Rag.RED
    change: str | None = None
    facts: dict = field(default_factory=dict)


@dataclass
class Assessment:
    period: str
    as_of: str
    published: bool = False
    published_at: str | None = None
    published_by: str | None = None
    remarks: str = ""
    city: list[Component] = field(default_factory=list)
    districts: list[Row] = field(default_factory=list)
    departments: list[Row] = field(default_factory=list)

    def as_dict(self) -> dict:
        return asdict(self)


# --- targets and attainment ---------------------------------------------------------------------


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


# --- process measures ---------------------------------------------------------------------------


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


# --- the assessment -----------------------------------------------------------------------------


def _active_rubric(scope: str) -> Rubric | None:
    return Rubric.objects.filter(scope=scope, is_active=True).prefetch_related("components").first()


def _rag(score: Decimal, rubric: Rubric | None) -> str:
    if rubric is None:
        return Rag.RED
    if score >= rubric.green_threshold:
        return Rag.GREEN
    return Rag.AMBER if score >= rubric.amber_threshold else Rag.RED


def _rank(rows: list[Row]) -> None:
    """Competition ranking on the score: equal scores share a rank (1, 1, 3)."""
    ordered = sorted(rows, key=lambda r: Decimal(r.score), reverse=True)
    for index, row in enumerate(ordered):
        if index and Decimal(row.score) == Decimal(ordered[index - 1].score):
            row.rank = ordered[index - 1].rank
        else:
            row.rank = index + 1
    rows.sort(key=lambda r: (r.rank, r.code))


def _component_label(kind: str) -> str:
    return str(ComponentKind(kind).label)


def assessment_compute(plan: Plan, period: Period, *, as_of: dt.date | None = None, with_change: bool = True):
    """Every district's and department's scorecard for the period, computed now from the data."""
    today = as_of or timezone.localdate()
    as_of = min(today, period.end) if period.end < today else today
    figures = Figures(plan)
    facts = ProcessFacts(plan, period, as_of)
    result = Assessment(period=str(period), as_of=str(as_of))
    # The city's own figures against the plan's targets (not scored: the 考核 scores districts).
    for code, indicator in figures.indicators.items():
        if figures.target_row(indicator, None, period.year) is not None:
            result.city.append(indicator_component(figures, code, Decimal(0), None, period))

    rubric = _active_rubric(RubricScope.DISTRICT)
    for district in District.objects.order_by("position"):
        row = Row(code=district.code, name=district.name, name_en=district.name_en)
        key = ("district", district.pk)
        for part in rubric.components.all() if rubric else []:
            weight = part.weight
            if part.kind == ComponentKind.INDICATOR:
                row.components.append(indicator_component(figures, part.indicator_code, weight, district.pk, period))
            elif part.kind == ComponentKind.MILESTONES_ON_TIME:
                row.components.append(
                    _ratio_component(
                        part.kind,
                        _component_label(part.kind),
                        weight,
                        facts.on_time[key],
                        facts.due[key],
                        _("none due in the period"),
                    )
                )
            elif part.kind == ComponentKind.CONFIRMATIONS:
                row.components.append(
                    _ratio_component(
                        part.kind,
                        _component_label(part.kind),
                        weight,
                        facts.confirmed[district.pk],
                        facts.implementations[district.pk],
                        _("no tasks"),
                    )
                )
            elif part.kind == ComponentKind.OVERDUE_PENALTY:
                row.components.append(_penalty(weight, part.cap, facts.overdue[key]))
        score = sum((Decimal(c.points) for c in row.components), Decimal(0))
        row.score, row.rag = str(_q(score)), _rag(score, rubric)
        row.facts = {
            "overdue": facts.overdue[key],
            "confirmed": facts.confirmed[district.pk],
            "implementations": facts.implementations[district.pk],
        }
        result.districts.append(row)
    _rank(result.districts)

    rubric = _active_rubric(RubricScope.DEPARTMENT)
    responsible = set(TaskResponsibility.objects.filter(task__plan=plan).values_list("department_id", flat=True))
    for department in Department.objects.filter(pk__in=responsible).order_by("position"):
        row = Row(code=department.code, name=department.name, name_en=department.name_en)
        key = ("department", department.pk)
        monthly_done, monthly_expected = facts.monthly_counts(department.pk)
        for part in rubric.components.all() if rubric else []:
            if part.kind == ComponentKind.MILESTONES_ON_TIME:
                row.components.append(
                    _ratio_component(
                        part.kind,
                        _component_label(part.kind),
                        part.weight,
                        facts.on_time[key],
                        facts.due[key],
                        _("none due in the period"),
                    )
                )
            elif part.kind == ComponentKind.MONTHLY_UPDATES:
                row.components.append(
                    _ratio_component(
                        part.kind,
                        _component_label(part.kind),
                        part.weight,
                        monthly_done,
                        monthly_expected,
                        _("no month has ended yet"),
                    )
                )
            elif part.kind == ComponentKind.OVERDUE_PENALTY:
                row.components.append(_penalty(part.weight, part.cap, facts.overdue[key]))
        score = sum((Decimal(c.points) for c in row.components), Decimal(0))
        row.score, row.rag = str(_q(score)), _rag(score, rubric)
        overdue = facts.overdue[key]
        row.facts = {
            "milestones_due": facts.due[key],
            "on_time": facts.on_time[key],
            "overdue": overdue,
            "average_days_overdue": str(_q(Decimal(facts.days_overdue[key]) / overdue, "0.1")) if overdue else "0",
            "monthly_updates": monthly_done,
            "monthly_expected": monthly_expected,
        }
        result.departments.append(row)
    _rank(result.departments)

    if with_change:
        previous = assessment_for(plan, period.previous(), as_of=as_of, with_change=False)
        before = {("d", r.code): r.score for r in previous.districts} | {
            ("p", r.code): r.score for r in previous.departments
        }
        for prefix, rows in (("d", result.districts), ("p", result.departments)):
            for row in rows:
                if (prefix, row.code) in before:
                    row.change = str(_q(Decimal(row.score) - Decimal(before[(prefix, row.code)])))
    return result


def _from_snapshot(publication: AssessmentPublication) -> Assessment:
    data = publication.snapshot

    def rows(items):
        return [Row(**{**item, "components": [Component(**c) for c in item["components"]]}) for item in items]

    return Assessment(
        period=data["period"],
        as_of=data["as_of"],
        published=True,
        published_at=publication.published_at.isoformat(),
        published_by=publication.published_by.username,
        remarks=publication.remarks,
        districts=rows(data["districts"]),
        departments=rows(data["departments"]),
    )


ASSESSMENT_CACHE_SECONDS = 6 * 3600


def assessment_for(plan: Plan, period: Period, *, as_of=None, with_change=True) -> Assessment:
    """The published results of the period if it was published, otherwise computed from the data —
    or taken from the cache, when nothing the assessment reads has changed since it was computed
    (the change counter is part of the key; see changes.py)."""
    publication = AssessmentPublication.objects.select_related("published_by").filter(period=str(period)).first()
    if publication is not None:
        return _from_snapshot(publication)
    as_of = as_of or timezone.localdate()
    key = f"cbec:assessment:{plan.pk}:{period}:{as_of}:{int(with_change)}:{changes.data_version()}"
    result = cache.get(key)
    if result is None:
        result = assessment_compute(plan, period, as_of=as_of, with_change=with_change)
        cache.set(key, result, ASSESSMENT_CACHE_SECONDS)
    return result


def assessment_visible_to(user, assessment: Assessment) -> Assessment:
    """Before publication a district sees only its own scorecard and a department only its own row;
    the offices see everything; once published everyone signed in sees the whole 通报."""
    if assessment.published or can_see_all_assessments(user):
        return assessment
    group_names = set(user.groups.values_list("name", flat=True))
    own_districts = set(District.objects.filter(group__name__in=group_names).values_list("code", flat=True))
    own_departments = set(Department.objects.filter(group__name__in=group_names).values_list("code", flat=True))
    assessment.districts = [r for r in assessment.districts if r.code in own_districts]
    assessment.departments = [r for r in assessment.departments if r.code in own_departments]
    return assessment


@transaction.atomic
def assessment_publish(*, plan: Plan, period: Period, by, remarks: str = "") -> AssessmentPublication:
    """Freeze the period's results as published (通报). A period is published once."""
    if not can_publish_assessment(by):
        raise NotAllowed(_("Only the supervision office may publish an assessment."))
    if AssessmentPublication.objects.filter(period=str(period)).exists():
        raise InvalidState(_("The assessment for %(period)s is already published.") % {"period": period})
    result = assessment_compute(plan, period)
    try:
        with transaction.atomic():
            return AssessmentPublication.objects.create(
                period=str(period), published_by=by, remarks=remarks.strip(), snapshot=result.as_dict()
            )
    except IntegrityError:
        raise InvalidState(_("The assessment for %(period)s is already published.") % {"period": period}) from None


def period_is_published(period_text: str) -> bool:
    year = period_text[:4]
    return AssessmentPublication.objects.filter(period__in=[period_text, year]).exists()


def plan_years(plan: Plan) -> range:
    return range(plan.start_year - 1, plan.end_year + 1)
