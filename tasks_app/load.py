"""Synthetic load for benchmarks (`manage.py generate_load`): milestones spread over tasks,
departments, districts and dates — a share overdue, submitted, completed — with progress updates,
the permission rows a real milestone gets, reminders and indicator figures.

Built for a million milestones in minutes: milestones go in with bulk inserts, and everything that
derives from them (permission rows, progress updates) is written by the database itself with
``INSERT … SELECT`` over the new id range, never one Python object per row. Adding load is
incremental: a second run adds more milestones after the ones already there.
"""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.db import connection, transaction
from django.db.models import Max
from django.utils import timezone
from guardian.models import GroupObjectPermission

from departments.models import Department, District
from tasks_app.assessment.models import IndicatorReport
from tasks_app.core.access import perm
from tasks_app.core.changes import counter_bump
from tasks_app.core.sql import quoted_table
from tasks_app.plan.models import Plan
from tasks_app.workflow.models import Milestone, MilestoneStatus, ProgressUpdate
from tasks_app.workflow.permissions import VIEW_MILESTONE, WORK_ON

BATCH = 10_000
STATUS_WEIGHTS = [
    (MilestoneStatus.COMPLETED, 40),
    (MilestoneStatus.SUBMITTED, 10),
    (MilestoneStatus.IN_PROGRESS, 30),
    (MilestoneStatus.PLANNED, 20),
]


def _milestone_rows(plan: Plan, count: int, first_number: int, rng: random.Random, creator_id: int):
    pairs = list(plan.tasks.values_list("pk", "responsibilities__department_id"))
    districts = list(District.objects.values_list("pk", flat=True))
    statuses = [s for s, w in STATUS_WEIGHTS for _ in range(w)]
    start = dt.date(plan.start_year, 1, 1)
    span = (dt.date(plan.end_year, 12, 31) - start).days
    today = timezone.localdate()
    tz = timezone.get_default_timezone()
    now = timezone.now()
    for number in range(first_number, first_number + count):
        task_id, owner_id = pairs[rng.randrange(len(pairs))]
        due = start + dt.timedelta(days=rng.randrange(span))
        status = statuses[rng.randrange(len(statuses))]
        if due > today and status in (MilestoneStatus.COMPLETED, MilestoneStatus.SUBMITTED):
            status = MilestoneStatus.IN_PROGRESS
        started = submitted = completed = None
        if status != MilestoneStatus.PLANNED:
            started = timezone.make_aware(dt.datetime.combine(due - dt.timedelta(days=60), dt.time(9)), tz)
            started = min(started, now)
        if status in (MilestoneStatus.SUBMITTED, MilestoneStatus.COMPLETED):
            finished = min(due + dt.timedelta(days=rng.randint(-20, 15)), today)
            submitted = timezone.make_aware(dt.datetime.combine(finished, dt.time(10)), tz)
            if status == MilestoneStatus.COMPLETED:
                completed = timezone.make_aware(dt.datetime.combine(finished, dt.time(15)), tz)
        yield Milestone(
            task_id=task_id,
            owner_id=owner_id,
            district_id=districts[rng.randrange(len(districts))] if rng.random() < 0.3 else None,
            title=f"负载节点 {number}",
            due_date=due,
            baseline_due_date=due,
            status=status,
            created_by_id=creator_id,
            started_at=started,
            submitted_at=submitted,
            completed_at=completed,
        )


def _grant_rows_insert(after_id: int) -> None:
    """The rows ``milestone_permissions_sync`` would write, for every milestone with an
    id above ``after_id``: the owner department's group may work on it, its district's group see it."""
    milestone_type = ContentType.objects.get_for_model(Milestone)
    grants, milestones = quoted_table(GroupObjectPermission), quoted_table(Milestone)
    departments, districts = quoted_table(Department), quoted_table(District)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {grants} (group_id, permission_id, content_type_id, object_pk) "  # noqa: S608 - table names only
            f"SELECT d.group_id, %s, %s, CAST(m.id AS VARCHAR(255)) FROM {milestones} m "
            f"JOIN {departments} d ON d.id = m.owner_id WHERE m.id > %s",
            [perm(WORK_ON).pk, milestone_type.pk, after_id],
        )
        cursor.execute(
            f"INSERT INTO {grants} (group_id, permission_id, content_type_id, object_pk) "  # noqa: S608
            f"SELECT d.group_id, %s, %s, CAST(m.id AS VARCHAR(255)) FROM {milestones} m "
            f"JOIN {districts} d ON d.id = m.district_id WHERE m.id > %s",
            [perm(VIEW_MILESTONE).pk, milestone_type.pk, after_id],
        )


def _progress_updates_insert(after_id: int, per_milestone: int, author_id: int) -> int:
    """``per_milestone`` updates on every started milestone above ``after_id``, a month apart, the
    latest ten days ago."""
    if per_milestone < 1:
        return 0
    now = timezone.now()
    series = " UNION ALL ".join("SELECT %s AS k, %s AS posted" for _ in range(per_milestone))
    series_params = []
    for k in range(per_milestone):
        series_params += [k, now - dt.timedelta(days=10 + 30 * k)]
    updates, milestones = quoted_table(ProgressUpdate), quoted_table(Milestone)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {updates} (milestone_id, task_id, department_id, percent, summary, attachment, "  # noqa: S608
            f"attachment_name, author_id, created_at) "
            f"SELECT m.id, m.task_id, m.owner_id, 100 - 10 * s.k, %s, '', '', %s, s.posted "
            f"FROM {milestones} m CROSS JOIN ({series}) s WHERE m.id > %s AND m.status <> %s",
            ["进展顺利", author_id, *series_params, after_id, MilestoneStatus.PLANNED],
        )
        return cursor.rowcount


def _indicator_reports(plan: Plan, rng: random.Random) -> None:
    for indicator in plan.indicators.filter(code__in=["cbec_volume", "cbec_parks"]):
        for district_id in District.objects.values_list("pk", flat=True):
            for year in range(plan.start_year - 1, plan.end_year):
                IndicatorReport.objects.get_or_create(
                    indicator=indicator,
                    district_id=district_id,
                    period=str(year),
                    defaults={"value": Decimal(rng.randint(5, 80))},
                )


def _creation_backdated(after_id: int) -> None:
    """Each new milestone created a quarter before its due date (or now, if that is later), as a
    plan's milestones are — not all on the day of the load, which left every closed period empty
    for the assessment (it counts what existed by the period's end). ``created_at`` is set on
    insert whatever the row says (auto_now_add), so it is moved after: one update per due date,
    through the due-date index."""
    now = timezone.now()
    tz = timezone.get_default_timezone()
    # (order_by: the default ordering would put the id into the DISTINCT, one date per row)
    due_dates = (
        Milestone.objects.filter(id__gt=after_id).values_list("due_date", flat=True).order_by("due_date").distinct()
    )
    with transaction.atomic():
        for due in due_dates:
            created = timezone.make_aware(dt.datetime.combine(due - dt.timedelta(days=90), dt.time(9)), tz)
            Milestone.objects.filter(id__gt=after_id, due_date=due).update(created_at=min(created, now))


def generate_load(
    *, plan: Plan, milestones: int, updates_per_milestone: int = 10, seed: int = 7, reminders_as_of=None
) -> dict:
    """Add ``milestones`` synthetic milestones to ``plan`` with everything that hangs off them.

    ``reminders_as_of``: also run the reminder scan's find and fan-out steps as of that date, so
    that reminders exist as after daily scans (no deliveries are sent)."""
    rng = random.Random(f"{seed}:{Milestone.objects.count()}")  # noqa: S311 - synthetic data, repeatable
    users = get_user_model().objects
    creator = users.filter(is_superuser=True).first() or users.first()
    after_id = Milestone.objects.aggregate(last=Max("id"))["last"] or 0
    existing = Milestone.objects.count()
    rows = _milestone_rows(plan, milestones, existing + 1, rng, creator.pk)
    for _start in range(0, milestones, BATCH):
        batch = [row for _, row in zip(range(BATCH), rows, strict=False)]
        with transaction.atomic():
            Milestone.objects.bulk_create(batch, batch_size=2000)
    _creation_backdated(after_id)
    with transaction.atomic():
        _grant_rows_insert(after_id)
        created_updates = _progress_updates_insert(after_id, updates_per_milestone, creator.pk)
    _indicator_reports(plan, rng)
    result = {"milestones": milestones, "progress_updates": created_updates, "reminders": 0}
    if reminders_as_of is not None:
        from tasks_app.reminders.fan_out import reminders_fan_out
        from tasks_app.reminders.scan import reminders_create

        result["reminders"], _notifications = reminders_create(reminders_as_of)
        reminders_fan_out()
    counter_bump()  # bulk inserts send no signals: cached results must still see them (already committed)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    return result
