from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass

from django.conf import settings
from django.db import connection, transaction
from django.db.models import (
    BooleanField,
    Case,
    CharField,
    DateField,
    DateTimeField,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Value,
    When,
)
from django.db.models.expressions import RawSQL
from django.db.models.functions import Cast, Concat
from django.utils import timezone

from tasks_app.core.sql import quoted_table
from tasks_app.plan.models import TaskResponsibility
from tasks_app.plan.services import read_only_task_ids
from tasks_app.reminders import fan_out
from tasks_app.reminders.models import Reminder, ReminderKind
from tasks_app.workflow.models import Milestone, MilestoneStatus, ProgressUpdate, TaskReport
from workdays import calendar as workcal
from workdays.conf import settings_values

logger = logging.getLogger(__name__)


OPEN = [MilestoneStatus.PLANNED, MilestoneStatus.IN_PROGRESS, MilestoneStatus.SUBMITTED]


NOT_YET_SUBMITTED = [MilestoneStatus.PLANNED, MilestoneStatus.IN_PROGRESS]


def _due_soon_days() -> list[int]:
    return sorted(settings.CBEC_REMINDER_DUE_SOON_DAYS)


@dataclass
class Candidates:
    """One set of reminders due: the rows of ``source`` (milestones or responsibilities) turned into
    reminder columns by expressions."""

    kind: str
    source: object  # a queryset
    subject: object
    occurrence: object
    milestone: object
    task: object
    department: object
    level: object = 0  # a number or an expression


def _date_text(field_name: str):
    return Cast(field_name, output_field=CharField())


def _milestone_candidates(queryset, kind: str, occurrence_prefix: str, level: int = 0) -> Candidates:
    return Candidates(
        kind=kind,
        source=queryset,
        subject=Concat(Value("milestone:"), Cast("id", output_field=CharField())),
        occurrence=Concat(Value(occurrence_prefix), _date_text("due_date")),
        milestone=F("id"),
        task=F("task_id"),
        department=F("owner_id"),
        level=level,
    )


MAX_LEVEL = 32767  # Reminder.level is a PositiveSmallIntegerField


def _escalation_level(as_of: dt.date, every: int) -> RawSQL:
    """Whole periods of ``every`` days between the milestone's due date and ``as_of``."""
    column = f"{quoted_table(Milestone)}.{connection.ops.quote_name('due_date')}"
    # Capped to what the level column holds: a due date of year 1026 (a typing slip) is a level past
    # 32,767, which once stopped every scan ("smallint out of range").
    if connection.vendor == "postgresql":
        sql = f"LEAST((%s::date - {column}) / %s, %s)"
    else:
        sql = f"MIN(CAST((julianday(%s) - julianday({column})) / %s AS INTEGER), %s)"
    return RawSQL(sql, (as_of.isoformat(), every, MAX_LEVEL), output_field=IntegerField())  # noqa: S611


def working_days_mode() -> bool:
    """Whether the reminder rules count working days of the Chinese calendar (the WORKDAYS_* settings,
    read and checked by ``workdays.settings_values``) or calendar days (CBEC_REMINDER_DUE_SOON_DAYS,
    CBEC_ESCALATION_EVERY_DAYS: the rules before the working-day calendar)."""
    return settings_values().reminder_days_are_working_days


def _escalation_candidates(escalated, level) -> Candidates:
    return Candidates(
        kind=ReminderKind.ESCALATION,
        source=escalated,
        subject=Concat(Value("milestone:"), Cast("id", output_field=CharField())),
        occurrence=Concat(Value("L"), Cast(level, output_field=CharField()), Value("@"), _date_text("due_date")),
        milestone=F("id"),
        task=F("task_id"),
        department=F("owner_id"),
        level=level,
    )


def due_candidates(as_of: dt.date) -> list[Candidates]:
    """Every set of reminders due on ``as_of`` (existing ones included: the database drops copies),
    none about the work of a plan that has ended (read-only: its record stays as it was)."""
    ended = read_only_task_ids(as_of)
    found = _due_candidates(as_of)
    if ended:  # usually none: the common scan's statements stay as they were
        for candidates in found:
            candidates.source = candidates.source.exclude(task_id__in=ended)
    return found


def _due_candidates(as_of: dt.date) -> list[Candidates]:
    if working_days_mode():
        return _working_day_candidates(as_of) + _monthly_candidates(as_of)
    found = []
    # Due soon: the tightest window that applies. A scan that missed the 7-day mark still warns,
    # but once the 1-day mark is reached only that one is sent.
    lower = 0
    for offset in _due_soon_days():
        found.append(
            _milestone_candidates(
                Milestone.objects.filter(
                    status__in=NOT_YET_SUBMITTED,
                    due_date__gte=as_of + dt.timedelta(days=lower),
                    due_date__lte=as_of + dt.timedelta(days=offset),
                ),
                ReminderKind.DUE_SOON,
                f"d{offset}@",
            )
        )
        lower = offset + 1
    overdue = Milestone.objects.filter(status__in=OPEN, due_date__lt=as_of)
    found.append(_milestone_candidates(overdue, ReminderKind.OVERDUE, "overdue@"))
    # Escalation level L (催办 → 督办 → 通报, then on every 7 days) for L×7 … L×7+6 days overdue:
    # the level is computed by the database, so every level is one statement — not one per level,
    # each with its own look-up of what exists (a plan three years long has 150 levels).
    every = settings.CBEC_ESCALATION_EVERY_DAYS
    escalated = overdue.filter(due_date__lte=as_of - dt.timedelta(days=every))
    found.append(_escalation_candidates(escalated, _escalation_level(as_of, every)))
    found += _monthly_candidates(as_of)
    return found


# Escalation levels worked out one by one in working days; a milestone overdue by more (ten years at
# one level a week) gets the level after the last.
WORKING_LEVEL_STEPS = 520


def _working_days_back(as_of: dt.date, count: int) -> list[dt.date]:
    """The ``count`` latest working days up to ``as_of`` (``as_of`` first when it is one)."""
    days = [as_of] if workcal.is_working_day(as_of) else [workcal.add_working_days(as_of, -1)]
    while len(days) < count:
        days.append(workcal.add_working_days(days[-1], -1))
    return days


def _working_day_candidates(as_of: dt.date) -> list[Candidates]:
    """The due-soon, overdue and escalation sets in working days (workdays.calendar).

    * due soon, offset N: at most N working days left, i.e. working days in (as_of, due] ≤ N — the
      due dates up to the day before the (N+1)-th working day after ``as_of``; the tightest window
      applies, as with calendar days;
    * overdue after G working days of grace (WORKDAYS_OVERDUE_GRACE): more than G working days in
      (due, as_of];
    * escalation level L once L × WORKDAYS_ESCALATION_INTERVAL working days have passed since the
      due date (counted from the due date, grace or not).
    """
    rules = settings_values()
    found = []
    lower = as_of
    for offset in sorted(rules.due_soon_offsets):
        upper = workcal.add_working_days(as_of, offset + 1) - dt.timedelta(days=1)
        found.append(
            _milestone_candidates(
                Milestone.objects.filter(status__in=NOT_YET_SUBMITTED, due_date__gte=lower, due_date__lte=upper),
                ReminderKind.DUE_SOON,
                f"w{offset}@",
            )
        )
        lower = upper + dt.timedelta(days=1)
    interval = rules.escalation_interval
    back = _working_days_back(as_of, max(rules.overdue_grace + 1, interval + 1))
    overdue = Milestone.objects.filter(status__in=OPEN, due_date__lt=back[rules.overdue_grace])
    found.append(_milestone_candidates(overdue, ReminderKind.OVERDUE, "overdue@"))
    # Level ≥ L when working days in (due, as_of] ≥ L × interval, i.e. due before the (L×interval)-th
    # latest working day. One CASE over the thresholds the oldest open milestone needs.
    open_overdue = Milestone.objects.filter(status__in=OPEN, due_date__lt=back[interval - 1])
    oldest = open_overdue.order_by("due_date").values_list("due_date", flat=True).first()
    if oldest is None:
        return found
    days = _working_days_back(as_of, 2 * interval)
    whens = []
    level = 1
    while True:
        need = (level + 1) * interval
        while len(days) < need:
            days.append(workcal.add_working_days(days[-1], -1))
        threshold = days[need - 1]
        whens.append(When(due_date__gte=threshold, then=Value(level)))
        if threshold <= oldest or level >= WORKING_LEVEL_STEPS:
            break
        level += 1
    expression = Case(*whens, default=Value(min(level + 1, MAX_LEVEL)), output_field=IntegerField())
    found.append(_escalation_candidates(open_overdue, expression))
    return found


def _monthly_candidates(as_of: dt.date) -> list[Candidates]:
    """From the report day on: each responsible department with neither an update nor a monthly
    report on a task this month."""
    if as_of.day < settings.CBEC_MONTHLY_REPORT_DAY:
        return []
    tz = timezone.get_default_timezone()
    since = timezone.make_aware(dt.datetime.combine(as_of.replace(day=1), dt.time.min), tz)
    updated_this_month = ProgressUpdate.objects.filter(
        task_id=OuterRef("task_id"), department_id=OuterRef("department_id"), created_at__gte=since
    )
    # A monthly task report (月度报送) counts as much as a progress update on one of its milestones.
    reported_this_month = TaskReport.objects.filter(
        task_id=OuterRef("task_id"), department_id=OuterRef("department_id"), month=as_of.replace(day=1)
    )
    silent = TaskResponsibility.objects.filter(task__plan__end_year__gte=as_of.year).filter(
        ~Exists(updated_this_month), ~Exists(reported_this_month)
    )
    return [
        Candidates(
            kind=ReminderKind.MONTHLY_REPORT,
            source=silent,
            subject=Concat(
                Value("task:"),
                Cast("task_id", output_field=CharField()),
                Value(":department:"),
                Cast("department_id", output_field=CharField()),
            ),
            occurrence=Value(as_of.strftime("%Y-%m")),
            milestone=Value(None, output_field=IntegerField()),
            task=F("task_id"),
            department=F("department_id"),
        )
    ]


REMINDER_COLUMNS = [
    "kind",
    "subject",
    "occurrence",
    "milestone_id",
    "task_id",
    "department_id",
    "level",
    "as_of",
    "message",
    "fanned_out",
    "created_at",
]


def _select(candidates: Candidates, as_of: dt.date, now: dt.datetime, fanned_out: bool = False):
    """The candidates as a SELECT of the reminder table's columns, in ``REMINDER_COLUMNS`` order."""
    expressions = {
        "r_kind": Value(candidates.kind, output_field=CharField()),
        "r_subject": candidates.subject,
        "r_occurrence": candidates.occurrence,
        "r_milestone": candidates.milestone,
        "r_task": candidates.task,
        "r_department": candidates.department,
        "r_level": candidates.level
        if hasattr(candidates.level, "resolve_expression")
        else Value(candidates.level, output_field=IntegerField()),
        "r_as_of": Value(as_of, output_field=DateField()),
        "r_message": Value("", output_field=CharField()),
        "r_fanned_out": Value(fanned_out, output_field=BooleanField()),
        "r_created_at": Value(now, output_field=DateTimeField()),
    }
    return candidates.source.order_by().annotate(**expressions).values_list(*expressions)


def _new_only(select, kind: str):
    exists = Reminder.objects.filter(subject=OuterRef("r_subject"), kind=kind, occurrence=OuterRef("r_occurrence"))
    return select.filter(~Exists(exists))


def _insert_new(
    cursor, candidates: Candidates, as_of: dt.date, now: dt.datetime, fanned_out: bool
) -> tuple[int, list[int]]:
    """Insert the candidates not there yet; returns how many were new and, when ``fanned_out`` (the
    caller fans them out in this transaction), their ids."""
    columns = ", ".join(connection.ops.quote_name(c) for c in REMINDER_COLUMNS)
    # Only rows not there yet: a repeated scan then reads the unique index instead of trying (and
    # discarding) a million inserts; ON CONFLICT still settles a race with another scan.
    select = _new_only(_select(candidates, as_of, now, fanned_out), candidates.kind)
    sql, params = select.query.sql_with_params()
    returning = " RETURNING id" if fanned_out else ""
    cursor.execute(f"INSERT INTO {quoted_table(Reminder)} ({columns}) {sql} ON CONFLICT DO NOTHING{returning}", params)
    if fanned_out:
        ids = [row[0] for row in cursor.fetchall()]
        return len(ids), ids
    return max(cursor.rowcount, 0), []


def reminders_create(as_of: dt.date, errors: list[str] | None = None) -> tuple[dict[str, int], int]:
    """Insert every reminder due on ``as_of`` with its notifications and deliveries, one transaction
    per kind and window. Returns how many reminders were new, by kind, and the number of
    notifications created.

    Each kind and window is isolated: one that fails (a bad row, a lost connection) is rolled back,
    logged and named in ``errors``, and the others go on; the next scan writes what it missed."""
    now = timezone.now()
    # Without INSERT … RETURNING (SQLite before 3.35) the new ids are unknown: such reminders are
    # written unflagged and fanned out by ``fan_out.reminders_fan_out``.
    together = connection.features.can_return_columns_from_insert
    created: dict[str, int] = {}
    notifications = 0
    # One statement for all the milestones of a kind, not one per range of them: the database then
    # compares the candidates with the reminders that exist in one hash join (a second scan of a
    # million milestones takes seconds) rather than one index probe per milestone.
    for candidates in due_candidates(as_of):
        try:
            with transaction.atomic(), connection.cursor() as cursor:
                count, new_ids = _insert_new(cursor, candidates, as_of, now, fanned_out=together)
                made = 0
                for start in range(0, len(new_ids), fan_out.FAN_OUT_BATCH):
                    batch = new_ids[start : start + fan_out.FAN_OUT_BATCH]
                    made += fan_out.fan_out_batch(cursor, batch, now, mark_fanned_out=False)
        except Exception as error:  # one kind's failure must not stop the others
            logger.exception("reminder scan %s: the %s reminders failed", as_of, candidates.kind)
            if errors is not None:
                errors.append(f"{candidates.kind}: {type(error).__name__}: {str(error)[:300]}")
            continue
        created[candidates.kind] = created.get(candidates.kind, 0) + count
        notifications += made
    return created, notifications


def reminders_due_count(as_of: dt.date, examples: int = 20) -> tuple[dict[str, int], list[str]]:
    """What a scan on ``as_of`` would add, by kind, and the first few of each set as
    "kind · subject · occurrence" (``send_reminders --dry-run``)."""
    counts: dict[str, int] = {}
    listed: list[str] = []
    for candidates in due_candidates(as_of):
        new = _new_only(_select(candidates, as_of, timezone.now()), candidates.kind)
        counts[candidates.kind] = counts.get(candidates.kind, 0) + new.count()
        label = ReminderKind(candidates.kind).label
        listed += [
            f"{label} · {subject} · {occurrence}"
            for subject, occurrence in new.values_list("r_subject", "r_occurrence")[:examples]
        ]
    return counts, listed
