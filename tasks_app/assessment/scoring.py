"""The assessment (考核): targets, attainment, scores, ranks and RAG, computed from the data.

Nothing here is typed in by hand: targets come from the plan file and the office's interim targets,
figures from indicator reports, process measures from milestones, confirmations and progress
updates, weights from the active rubric. ``assessment_compute`` answers for a period ("2025" or
"2025-Q3") as it stood at the period's end (today, for the period still running); publishing freezes
its answer (services.assessment_publish). The rules are documented in docs/assessment.md.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass, field
from decimal import Decimal

from django.core.cache import cache
from django.utils import timezone
from django.utils.translation import gettext as _

from departments.models import Department, District
from tasks_app.assessment.components import (
    Figures,
    OverdueItems,
    ProcessFacts,
    _penalty,
    _ratio_component,
    indicator_component,
)
from tasks_app.assessment.models import AssessmentPublication, ComponentKind, PublicationStatus, Rubric, RubricScope
from tasks_app.assessment.periods import Period
from tasks_app.assessment.permissions import can_see_all_assessments
from tasks_app.assessment.results import HUNDRED, NOT_ASSESSED, Assessment, Row, _q
from tasks_app.core import changes
from tasks_app.core.people import person_label
from tasks_app.plan.models import Plan, TaskResponsibility
from tasks_app.workflow.models import Rag

__all__ = ["Figures", "Period", "RubricSpec", "assessment_compute", "assessment_for", "assessment_visible_to"]


@dataclass
class PartSpec:
    kind: str
    indicator_code: str = ""
    weight: Decimal = Decimal(0)
    cap: Decimal | None = None


@dataclass
class RubricSpec:
    """A rubric as the scoring reads it: from the active rubric, or from the rubric page's form for
    a preview; frozen into a publication as ``rubrics``."""

    name: str = ""
    green_threshold: Decimal = Decimal(85)
    amber_threshold: Decimal = Decimal(70)
    reporting_days: int = 15
    parts: list[PartSpec] = field(default_factory=list)

    @classmethod
    def of(cls, rubric: Rubric | None) -> RubricSpec | None:
        if rubric is None:
            return None
        return cls(
            name=rubric.name,
            green_threshold=rubric.green_threshold,
            amber_threshold=rubric.amber_threshold,
            reporting_days=rubric.reporting_days,
            parts=[PartSpec(p.kind, p.indicator_code, p.weight, p.cap) for p in rubric.components.all()],
        )

    def as_data(self) -> dict:
        data = asdict(self)
        for key in ("green_threshold", "amber_threshold"):
            data[key] = str(data[key])
        data["parts"] = [
            {**p, "weight": str(p["weight"]), "cap": None if p["cap"] is None else str(p["cap"])} for p in data["parts"]
        ]
        return data


def active_rubric(scope: str) -> Rubric | None:
    return Rubric.objects.filter(scope=scope, is_active=True).prefetch_related("components").first()


def _rag(score: Decimal, rubric: RubricSpec | None) -> str:
    if rubric is None:
        return Rag.RED
    if score >= rubric.green_threshold:
        return Rag.GREEN
    return Rag.AMBER if score >= rubric.amber_threshold else Rag.RED


def _rank(rows: list[Row]) -> None:
    """Competition ranking on the score (1, 1, 3) among the rows with a basis to assess; the rows
    without one follow, unranked."""
    scored = sorted((r for r in rows if r.score is not None), key=lambda r: Decimal(r.score), reverse=True)
    for index, row in enumerate(scored):
        if index and Decimal(row.score) == Decimal(scored[index - 1].score):
            row.rank = scored[index - 1].rank
        else:
            row.rank = index + 1
    for row in rows:
        if row.score is None:
            row.rank = None
    rows.sort(key=lambda r: (r.rank is None, r.rank or 0, r.code))


def _score(row: Row, rubric: RubricSpec | None, *, basis: bool = True) -> None:
    """Points of the assessed components scaled to 100 (the weights of what is not assessed are
    left out), less the penalty, kept within 0–100. Nothing assessed: no basis to assess."""
    weights = sum(
        (Decimal(c.weight) for c in row.components if c.assessed and c.kind != ComponentKind.OVERDUE_PENALTY),
        Decimal(0),
    )
    if not basis or weights == 0:
        row.score, row.rag = None, NOT_ASSESSED
        row.note = _("no basis to assess: nothing due in the period")
        return
    points = sum(
        (Decimal(c.points) for c in row.components if c.assessed and c.kind != ComponentKind.OVERDUE_PENALTY),
        Decimal(0),
    )
    penalty = sum(
        (-Decimal(c.points) for c in row.components if c.assessed and c.kind == ComponentKind.OVERDUE_PENALTY),
        Decimal(0),
    )
    score = min(HUNDRED, max(Decimal(0), points * HUNDRED / weights - penalty))
    row.score, row.rag = str(_q(score)), _rag(score, rubric)
    left_out = [c.label for c in row.components if not c.assessed and c.kind != ComponentKind.OVERDUE_PENALTY]
    if left_out:
        row.note = _("not assessed: %(parts)s; the other weights (%(weights)s points) are scaled to 100") % {
            "parts": "、".join(left_out),
            "weights": f"{weights.normalize():f}",
        }


def _label(kind: str) -> str:
    return str(ComponentKind(kind).label)


def assessment_compute(
    plan: Plan,
    period: Period,
    *,
    as_of: dt.date | None = None,
    with_change: bool = True,
    rubrics: dict[str, RubricSpec | None] | None = None,
) -> Assessment:
    """Every district's and department's scorecard for the period, as it stood at the period's end
    (today for the period still running)."""
    today = as_of or timezone.localdate()
    closed = period.end < today
    as_of = period.end if closed else today
    rubrics = rubrics or {scope: RubricSpec.of(active_rubric(scope)) for scope in RubricScope.values}
    district_rubric, department_rubric = rubrics.get(RubricScope.DISTRICT), rubrics.get(RubricScope.DEPARTMENT)
    figures = Figures(plan)
    facts = ProcessFacts(plan, period, as_of)
    result = Assessment(
        period=str(period),
        as_of=str(as_of),
        as_of_basis="period_end" if closed else "today",
        plan={"title": plan.title, "issuer": plan.issuer, "document_number": plan.document_number},
        rubrics={scope: spec.as_data() if spec else None for scope, spec in rubrics.items()},
        overdue=facts.overdue_list,
    )
    deadline_days = district_rubric.reporting_days if district_rubric else 15
    deadline = period.end + dt.timedelta(days=deadline_days)
    reporting = {"deadline": deadline, "as_of": today}
    # The city's own figures against the plan's targets (not scored: the 考核 scores districts).
    for code, indicator in figures.indicators.items():
        if any(figures.target_row(indicator, None, y) for y in range(plan.start_year, plan.end_year + 1)):
            result.city.append(indicator_component(figures, code, Decimal(0), None, period, **reporting))
    headline = next(
        (p.indicator_code for p in (district_rubric.parts if district_rubric else []) if p.kind == "indicator"), None
    )
    if headline in figures.indicators:
        result.headline = figures.indicators[headline].name
        result.headline_en = figures.indicators[headline].name_en or result.headline

    for district in District.objects.filter(government_id=plan.government_id).order_by("position"):
        row = Row(code=district.code, name=district.name, name_en=district.name_en)
        key = ("district", district.pk)
        for part in district_rubric.parts if district_rubric else []:
            if part.kind == ComponentKind.INDICATOR:
                row.components.append(
                    indicator_component(figures, part.indicator_code, part.weight, district.pk, period, **reporting)
                )
            elif part.kind == ComponentKind.MILESTONES_ON_TIME:
                row.components.append(
                    _ratio_component(
                        part.kind,
                        _label(part.kind),
                        part.weight,
                        facts.on_time[key],
                        facts.due[key],
                        _("none due in the period"),
                    )
                )
            elif part.kind == ComponentKind.CONFIRMATIONS:
                row.components.append(
                    _ratio_component(
                        part.kind,
                        _label(part.kind),
                        part.weight,
                        facts.confirmed[district.pk],
                        facts.implementations[district.pk],
                        _("no tasks"),
                    )
                )
            elif part.kind == ComponentKind.OVERDUE_PENALTY:
                row.components.append(_penalty(part.weight, part.cap, facts.overdue[key], facts.due[key]))
        _score(row, district_rubric)
        row.facts = {
            "milestones_due": facts.due[key],
            "overdue": facts.overdue[key],
            "confirmed": facts.confirmed[district.pk],
            "implementations": facts.implementations[district.pk],
        }
        result.districts.append(row)
    _rank(result.districts)

    responsible = set(TaskResponsibility.objects.filter(task__plan=plan).values_list("department_id", flat=True))
    for department in Department.objects.filter(pk__in=responsible).order_by("position"):
        row = Row(code=department.code, name=department.name, name_en=department.name_en)
        key = ("department", department.pk)
        monthly_done, monthly_expected = facts.monthly_counts(department.pk)
        for part in department_rubric.parts if department_rubric else []:
            if part.kind == ComponentKind.MILESTONES_ON_TIME:
                row.components.append(
                    _ratio_component(
                        part.kind,
                        _label(part.kind),
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
                        _label(part.kind),
                        part.weight,
                        monthly_done,
                        monthly_expected,
                        _("no month has ended yet"),
                    )
                )
            elif part.kind == ComponentKind.OVERDUE_PENALTY:
                row.components.append(_penalty(part.weight, part.cap, facts.overdue[key], facts.due[key]))
        # A department is assessed on what fell due: with no milestone due there is no basis.
        _score(row, department_rubric, basis=facts.due[key] > 0)
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
        previous = assessment_for(plan, period.previous(), as_of=today, with_change=False, rubrics=rubrics)
        before = {("d", r.code): r.score for r in previous.districts} | {
            ("p", r.code): r.score for r in previous.departments
        }
        for prefix, rows in (("d", result.districts), ("p", result.departments)):
            for row in rows:
                earlier = before.get((prefix, row.code))
                if earlier is not None and row.score is not None:
                    row.change = str(_q(Decimal(row.score) - Decimal(earlier)))
    return result


def _when(moment) -> str | None:
    return None if moment is None else timezone.localtime(moment).isoformat(timespec="minutes")


def from_publication(publication: AssessmentPublication) -> Assessment:
    """A published version as it was frozen, with its record (who, when, why). The same for every
    reader: names are written as they were at the moment of publication."""
    result = Assessment.from_dict(publication.snapshot)
    record = publication.snapshot.get("record", {})
    result.published = publication.status == PublicationStatus.CURRENT
    result.published_at = _when(publication.published_at)
    result.published_by = record.get("published_by") or person_label(publication.published_by)
    result.remarks = publication.remarks
    result.version = publication.version
    result.status = publication.status
    result.reason = publication.reason
    result.withdrawn_at = _when(publication.withdrawn_at)
    result.withdrawn_by = person_label(publication.withdrawn_by) if publication.withdrawn_by_id else None
    result.withdrawal_reason = publication.withdrawal_reason
    return result


ASSESSMENT_CACHE_SECONDS = 6 * 3600


def current_publication(plan: Plan, period: Period | str) -> AssessmentPublication | None:
    return (
        AssessmentPublication.objects.select_related("published_by", "withdrawn_by")
        .filter(plan=plan, period=str(period), status=PublicationStatus.CURRENT)
        .first()
    )


def assessment_for(plan: Plan, period: Period, *, as_of=None, with_change=True, rubrics=None) -> Assessment:
    """The published results of the period if a version is in force, otherwise computed from the
    data — or taken from the cache, when nothing the assessment reads has changed since it was
    computed (the change counter is part of the key; see changes.py)."""
    publication = current_publication(plan, period)
    if publication is not None:
        return from_publication(publication)
    as_of = as_of or timezone.localdate()
    if rubrics is not None:
        return assessment_compute(plan, period, as_of=as_of, with_change=with_change, rubrics=rubrics)
    key = f"cbec:assessment:v2:{plan.pk}:{period}:{as_of}:{int(with_change)}:{changes.data_version()}"
    result = cache.get(key)
    if result is None:
        result = assessment_compute(plan, period, as_of=as_of, with_change=with_change)
        cache.set(key, result, ASSESSMENT_CACHE_SECONDS)
    return result


def assessment_visible_to(user, assessment: Assessment) -> Assessment:
    """Before publication a district sees only its own scorecard and a department only its own row
    (and no overdue list of others); the offices see everything; a published version is the same
    for everyone signed in."""
    if assessment.version is not None or can_see_all_assessments(user):
        return assessment
    group_names = set(user.groups.values_list("name", flat=True))
    # Codes repeat across governments (every city has a 商务局 "commerce"): code and name come from
    # the user's own units, never looked up again by code.
    districts_own = list(District.objects.filter(group__name__in=group_names).values_list("code", "name"))
    departments_own = list(Department.objects.filter(group__name__in=group_names).values_list("code", "name"))
    own_districts, names = {c for c, _n in districts_own}, {n for _c, n in districts_own}
    own_departments, departments = {c for c, _n in departments_own}, {n for _c, n in departments_own}
    assessment.districts = [r for r in assessment.districts if r.code in own_districts]
    assessment.departments = [r for r in assessment.departments if r.code in own_departments]
    if isinstance(assessment.overdue, OverdueItems):
        assessment.overdue = assessment.overdue.narrowed(owner_names=departments, district_names=names)
    else:
        assessment.overdue = [m for m in assessment.overdue if m["owner"] in departments or m["district"] in names]
    return assessment
