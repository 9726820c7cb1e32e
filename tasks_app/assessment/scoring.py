"""The assessment (考核): targets, attainment, scores, ranks and RAG, computed from the data.

Nothing here is typed in by hand: targets come from the plan file, figures from indicator reports,
process measures from milestones, confirmations and progress updates, weights from the active
rubric. ``assessment_compute`` answers for a period ("2025" or "2025-Q3"); publishing freezes its
answer (``assessment_publish``). The rules are documented in docs/assessment.md.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from departments.models import Department, District
from tasks_app.assessment.components import Figures, ProcessFacts, _penalty, _ratio_component, indicator_component
from tasks_app.assessment.models import (
    AssessmentPublication,
    ComponentKind,
    Rubric,
    RubricScope,
)
from tasks_app.assessment.periods import Period
from tasks_app.assessment.permissions import can_publish_assessment, can_see_all_assessments
from tasks_app.assessment.results import Assessment, Component, Row, _q
from tasks_app.core import changes
from tasks_app.core.errors import InvalidState, NotAllowed
from tasks_app.plan.models import Plan, TaskResponsibility
from tasks_app.workflow.models import Rag


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
    for district in District.objects.filter(government_id=plan.government_id).order_by("position"):
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
