"""Reads: which plan is current and the plan's structure, with the queries each page needs."""

from django.conf import settings
from django.db.models import OuterRef, Prefetch, Q, Subquery

from departments.models import Department

from .models import IndicatorTarget, KeyTask, Plan, TargetLevel, TaskResponsibility


def current_plan() -> Plan | None:
    """The plan the site shows: CBEC_PLAN_CODE if set, otherwise the one starting latest."""
    plans = Plan.objects.all()
    if settings.CBEC_PLAN_CODE:
        return plans.filter(code=settings.CBEC_PLAN_CODE).first()
    return plans.order_by("-start_year", "code").first()


def plan_task_ids(plan: Plan | None) -> list[int]:
    """The plan's task ids, for ``task_id IN (…)``: the milestone indexes answer that directly,
    where ``task__plan=…`` makes the database join a million milestones to their tasks."""
    return list(plan.tasks.values_list("pk", flat=True)) if plan is not None else []


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


def task_lead_history(task: KeyTask) -> list:
    """Every change of the task's lead: when, by whom, to which department, and why."""
    records = (
        TaskResponsibility.history.filter(task_id=task.pk, role="lead", history_type="~")
        .select_related("history_user")
        .order_by("-history_date")
    )
    departments = {d.pk: d for d in Department.objects.filter(pk__in={r.department_id for r in records})}
    return [
        {
            "date": r.history_date,
            "user": r.history_user,
            "department": departments.get(r.department_id),
            "reason": r.history_change_reason,
        }
        for r in records
    ]


HISTORY_HIDDEN_FIELDS = ["version", "updated_at"]


def _history_value(field, value):
    if value in (None, ""):
        return "—"
    if field.choices:
        return dict(field.flatchoices).get(value, value)
    if field.is_relation:
        related = field.related_model.objects.filter(pk=value).first()
        return str(related) if related else value
    return value


def history_rows(instance, *, limit: int = 50) -> list[dict]:
    """The object's audit trail, newest first: who, when, each changed field (old → new), and why."""
    records = list(
        instance.history.select_related("history_user").order_by("-history_date", "-history_id")[: limit + 1]
    )
    rows = []
    for index, record in enumerate(records[:limit]):
        older = records[index + 1] if index + 1 < len(records) else None
        changes = []
        if older is not None:
            for change in record.diff_against(older, excluded_fields=HISTORY_HIDDEN_FIELDS).changes:
                field = instance._meta.get_field(change.field)
                changes.append(
                    {
                        "field": field.verbose_name,
                        "old": _history_value(field, change.old),
                        "new": _history_value(field, change.new),
                    }
                )
        rows.append({"record": record, "changes": changes, "is_creation": record.history_type == "+"})
    return rows


def overdue_milestones(user, *, as_of):
    """The overdue board: every open milestone past its due date that the user may see, with its
    escalation level and the last reminder. Those two are correlated subqueries, so the database
    works them out only for the rows of the page shown, and the rows come in due-date order from a
    partial index of open milestones: the first page costs the same at a thousand rows or a million."""
    from .models import OPEN_STATUSES, Reminder, ReminderKind
    from .permissions import milestones_visible_to

    escalation = (
        Reminder.objects.filter(milestone=OuterRef("pk"), kind=ReminderKind.ESCALATION)
        .order_by("-level")
        .values("level")[:1]
    )
    last_reminder = Reminder.objects.filter(milestone=OuterRef("pk")).order_by("-created_at").values("created_at")[:1]
    return (
        milestones_visible_to(user)
        .filter(status__in=OPEN_STATUSES, due_date__lt=as_of)
        .select_related("task", "owner", "district")
        .annotate(escalation_level=Subquery(escalation), last_reminder_at=Subquery(last_reminder))
        .order_by("due_date", "id")
    )
