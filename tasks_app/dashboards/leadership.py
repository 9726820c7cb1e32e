"""Leadership's morning page: how the plan is doing — by section, by department and by district, with
the change since the same day last month — the ten most overdue items, and the latest published
assessment. Every figure is one GROUP BY over the plan's milestones (or confirmations), so the page
costs the same few queries at a thousand milestones or a million."""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, Q
from django.utils import timezone

from departments.models import Department, District
from tasks_app.assessment.models import AssessmentPublication
from tasks_app.plan.models import Implementation, ImplementationStatus, Section
from tasks_app.plan.selectors import plan_task_ids
from tasks_app.reminders.selectors import overdue_milestones
from tasks_app.workflow.models import OPEN_STATUSES, Milestone, MilestoneStatus

MOST_OVERDUE = 10


def _month_before(day: dt.date) -> dt.date:
    year, month = (day.year, day.month - 1) if day.month > 1 else (day.year - 1, 12)
    for candidate in (day.day, 30, 29, 28):
        try:
            return day.replace(year=year, month=month, day=candidate)
        except ValueError:
            continue
    raise AssertionError("unreachable")


def _tallies(queryset, key: str, today: dt.date, then: dt.date) -> dict:
    """Per ``key``: milestones, completed, overdue today — and completed and overdue as things stood
    on ``then`` (a milestone completed after ``then`` was still open then; one created after it did
    not exist yet)."""
    end_of_then = timezone.make_aware(dt.datetime.combine(then + dt.timedelta(days=1), dt.time.min))
    existed_then = Q(created_at__lt=end_of_then)
    open_then = existed_then & (Q(completed_at__isnull=True) | Q(completed_at__gte=end_of_then))
    rows = queryset.values(key).annotate(
        total=Count("id"),
        completed=Count("id", filter=Q(status=MilestoneStatus.COMPLETED)),
        overdue=Count("id", filter=Q(status__in=OPEN_STATUSES, due_date__lt=today)),
        completed_then=Count("id", filter=existed_then & Q(completed_at__lt=end_of_then)),
        overdue_then=Count("id", filter=open_then & Q(due_date__lt=then)),
    )
    return {row[key]: row for row in rows}


def _rows(units, tallies: dict) -> list[dict]:
    empty = {"total": 0, "completed": 0, "overdue": 0, "completed_then": 0, "overdue_then": 0}
    rows = []
    for unit in units:
        tally = tallies.get(unit.pk, empty)
        rows.append(
            {
                "unit": unit,
                **{name: tally[name] for name in empty},
                "completed_change": tally["completed"] - tally["completed_then"],
                "overdue_change": tally["overdue"] - tally["overdue_then"],
            }
        )
    return rows


def leadership_overview(user, plan, today: dt.date) -> dict:
    task_ids = plan_task_ids(plan)
    milestones = Milestone.objects.filter(task_id__in=task_ids)
    then = _month_before(today)
    sections = list(Section.objects.filter(plan=plan).order_by("number"))
    by_section = _rows(sections, _tallies(milestones, "task__section", today, then))
    departments = list(Department.objects.filter(responsibilities__task__plan=plan).distinct().order_by("position"))
    by_department = _rows(departments, _tallies(milestones, "owner", today, then))
    districts = list(District.objects.filter(government_id=plan.government_id).order_by("position"))
    by_district = _rows(districts, _tallies(milestones.exclude(district=None), "district", today, then))
    confirmations = dict(
        Implementation.objects.filter(task__plan=plan, status=ImplementationStatus.CONFIRMED)
        .values_list("district")
        .annotate(n=Count("id"))
        .values_list("district", "n")
    )
    task_count = len(task_ids)
    for row in by_district:
        row["confirmed"] = confirmations.get(row["unit"].pk, 0)
        row["tasks"] = task_count
    totals = {
        name: sum(row[name] for row in by_section)
        for name in ("total", "completed", "overdue", "completed_change", "overdue_change")
    }
    publication = (
        AssessmentPublication.objects.select_related("published_by")
        .filter(plan=plan, status="current")
        .order_by("-published_at")
        .first()
    )
    return {
        "as_of": today,
        "compared_with": then,
        "totals": totals,
        "confirmed": sum(confirmations.values()),
        "implementations": task_count * len(districts),
        "by_section": by_section,
        "by_department": by_department,
        "by_district": by_district,
        "most_overdue": list(overdue_milestones(user, as_of=today)[:MOST_OVERDUE]),
        "publication": publication,
        "year": today.year,
    }
