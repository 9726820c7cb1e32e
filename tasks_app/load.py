"""Synthetic load for benchmarks (`manage.py generate_load`): milestones spread over tasks,
departments, districts and dates — a share overdue, submitted, completed — with progress updates and
indicator figures. Bulk inserts, never one save per row; the permission rows a real milestone gets
are inserted too, so that visibility is measured as it works."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.utils import timezone
from guardian.models import GroupObjectPermission

from departments.models import District

from .models import IndicatorReport, Milestone, MilestoneStatus, Plan, ProgressUpdate
from .permissions import VIEW_MILESTONE, WORK_ON, _perm

BATCH = 5000
STATUS_WEIGHTS = [
    (MilestoneStatus.COMPLETED, 40),
    (MilestoneStatus.SUBMITTED, 10),
    (MilestoneStatus.IN_PROGRESS, 30),
    (MilestoneStatus.PLANNED, 20),
]


def generate_load(*, plan: Plan, milestones: int, updates_per_milestone: int = 10, seed: int = 7) -> dict:
    rng = random.Random(seed)  # noqa: S311 - synthetic data, repeatable
    creator = get_user_model().objects.filter(is_superuser=True).first() or get_user_model().objects.first()
    pairs = list(
        plan.tasks.values_list("pk", "responsibilities__department_id", "responsibilities__department__group_id")
    )
    districts = list(District.objects.values_list("pk", "group_id"))
    statuses = [s for s, w in STATUS_WEIGHTS for _ in range(w)]
    start = dt.date(plan.start_year, 1, 1)
    span = (dt.date(plan.end_year, 12, 31) - start).days
    today = timezone.localdate()
    tz = timezone.get_default_timezone()
    work_on, view = _perm(WORK_ON).pk, _perm(VIEW_MILESTONE).pk
    milestone_type = ContentType.objects.get_for_model(Milestone)
    created_updates = 0
    done = 0
    while done < milestones:
        size = min(BATCH, milestones - done)
        rows, groups = [], []
        for i in range(size):
            task_id, owner_id, owner_group = pairs[rng.randrange(len(pairs))]
            district = districts[rng.randrange(len(districts))] if rng.random() < 0.3 else None
            due = start + dt.timedelta(days=rng.randrange(span))
            status = statuses[rng.randrange(len(statuses))]
            if due > today and status in (MilestoneStatus.COMPLETED, MilestoneStatus.SUBMITTED):
                status = MilestoneStatus.IN_PROGRESS
            completed_at = None
            if status == MilestoneStatus.COMPLETED:
                finished = due + dt.timedelta(days=rng.randint(-20, 15))
                completed_at = timezone.make_aware(dt.datetime.combine(min(finished, today), dt.time(15)), tz)
            rows.append(
                Milestone(
                    task_id=task_id,
                    owner_id=owner_id,
                    district_id=district[0] if district else None,
                    title=f"负载节点 {done + i + 1}",
                    due_date=due,
                    baseline_due_date=due,
                    status=status,
                    created_by=creator,
                    completed_at=completed_at,
                )
            )
            groups.append((owner_group, district[1] if district else None))
        with transaction.atomic():
            created = Milestone.objects.bulk_create(rows, batch_size=BATCH)
            grants = []
            for milestone, (owner_group, district_group) in zip(created, groups, strict=True):
                grants.append(
                    GroupObjectPermission(
                        group_id=owner_group,
                        permission_id=work_on,
                        content_type=milestone_type,
                        object_pk=str(milestone.pk),
                    )
                )
                if district_group:
                    grants.append(
                        GroupObjectPermission(
                            group_id=district_group,
                            permission_id=view,
                            content_type=milestone_type,
                            object_pk=str(milestone.pk),
                        )
                    )
            GroupObjectPermission.objects.bulk_create(grants, batch_size=BATCH)
            updates = [
                ProgressUpdate(
                    milestone=m,
                    department_id=m.owner_id,
                    percent=min(100, 10 * (k + 1)),
                    summary="进展",
                    author=creator,
                )
                for m in created
                if m.status != MilestoneStatus.PLANNED
                for k in range(updates_per_milestone)
            ]
            ProgressUpdate.objects.bulk_create(updates, batch_size=BATCH)
            created_updates += len(updates)
        done += size
    for indicator in plan.indicators.filter(code__in=["cbec_volume", "cbec_parks"]):
        for district_id, _group in districts:
            for year in range(plan.start_year - 1, plan.end_year):
                IndicatorReport.objects.update_or_create(
                    indicator=indicator,
                    district_id=district_id,
                    period=str(year),
                    defaults={"value": Decimal(rng.randint(5, 80))},
                )
    return {"milestones": milestones, "progress_updates": created_updates}
