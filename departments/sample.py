"""A living demo (``seed_demo --sample``): milestones in every state across tasks, departments and
districts, progress updates, overdue and escalated items with their reminders, confirmations (some
rejected) and indicator figures for 2024 and 2025 — all made through the services, so permissions,
history and reminders are exactly what real use would leave. Deterministic (a fixed seed)."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from departments.demo import demo_prefix
from departments.models import District, GovernmentLevel
from tasks_app.assessment.models import Indicator, IndicatorReport
from tasks_app.plan.models import Implementation, KeyTask, Plan, ResponsibilityRole
from tasks_app.reminders.services import reminders_scan
from tasks_app.workflow import services
from tasks_app.workflow.models import Milestone
from workdays import calendar as workcal

SAMPLE_MARK = "〔示例〕"
STEPS = ["制定工作方案", "召开专题推进会", "完成企业摸底调研", "出台配套政策措施", "形成阶段性成果报告", "组织评估验收"]
# 2023 and 2024 district volumes (亿元): a plausible spread around the city's 124.7 → 232.3.
DISTRICT_VOLUME = {
    "sip": ("30.5", "61.2"),
    "kunshan": ("22.1", "40.3"),
    "changshu": ("18.4", "38.9"),
    "wujiang": ("12.0", "21.7"),
    "wuzhong": ("9.6", "19.8"),
    "snd": ("8.7", "15.2"),
    "zhangjiagang": ("7.9", "12.8"),
    "taicang": ("6.3", "10.9"),
    "xiangcheng": ("5.2", "7.1"),
    "gusu": ("3.8", "4.4"),
}


def _user(username):
    return get_user_model().objects.get(username=username)


@transaction.atomic
def seed_sample(*, today: dt.date | None = None) -> dict:
    """Create the sample scenario once; a second run changes nothing."""
    if Milestone.objects.filter(title__startswith=SAMPLE_MARK).exists():
        return {"created": False}
    today = today or timezone.localdate()
    rng = random.Random(2026)  # noqa: S311 - a repeatable demo, not security
    counts = {"milestones": 0, "updates": 0, "confirmations": 0}
    # Every city's plan, the default government's (Suzhou's) first, each by its own city's accounts.
    plans = Plan.objects.filter(government__level=GovernmentLevel.CITY).select_related("government")
    for plan in sorted(plans, key=lambda p: (demo_prefix(p.government) != "", p.government_id, p.code)):
        _seed_plan(plan, demo_prefix(plan.government), today, rng, counts)
    supervisor = _user("supervisor")
    for implementation in Implementation.objects.filter(
        status="confirmed", district__government__code=settings.CBEC_DEFAULT_GOVERNMENT
    ).order_by("pk")[:2]:
        services.implementation_reject(
            implementation=implementation, by=supervisor, reason="佐证材料不足,请补充后重新确认。"
        )

    _sample_figures()
    # The latest working day: a scan on a day off sends nothing (tasks_app.reminders, working days).
    scan = reminders_scan(as_of=today if workcal.is_working_day(today) else workcal.add_working_days(today, -1))
    return {"created": True, **counts, "reminders": scan.created}


def _seed_plan(plan: Plan, prefix: str, today: dt.date, rng: random.Random, counts: dict) -> None:
    supervisor = _user(f"{prefix}supervisor")
    tasks = KeyTask.objects.filter(plan=plan).order_by("number").prefetch_related("responsibilities__department")
    for task in tasks:
        responsibilities = list(task.responsibilities.all())
        lead = next(r.department for r in responsibilities if r.role == ResponsibilityRole.LEAD)
        lead_user = _user(f"{prefix}liaison-{lead.code}")
        implementations = list(task.implementations.select_related("district").order_by("district__position"))
        for index in range(3):
            owner = responsibilities[(task.number + index) % len(responsibilities)].department
            district = (
                implementations[(task.number * 3 + index) % len(implementations)].district if index == 2 else None
            )
            # Spread due dates from six weeks ago to three months ahead, so every RAG state appears.
            due = today + dt.timedelta(days=rng.choice([-40, -20, -9, -2, 3, 6, 15, 30, 60, 90]))
            milestone = services.milestone_create(
                task=task,
                owner=owner,
                district=district,
                due_date=due,
                by=lead_user,
                title=f"{SAMPLE_MARK}{STEPS[(task.number + index) % len(STEPS)]}",
            )
            counts["milestones"] += 1
            owner_user = _user(f"{prefix}liaison-{owner.code}")
            fate = rng.random()
            if fate < 0.15:
                continue  # planned
            services.milestone_transition(milestone=milestone, action="start", by=owner_user)
            services.progress_update_create(
                milestone=milestone,
                by=owner_user,
                percent=rng.choice([20, 40, 60]),
                summary="按计划推进,已完成前期工作。",
            )
            counts["updates"] += 1
            if fate < 0.55:
                continue  # in progress
            services.progress_update_create(
                milestone=milestone, by=owner_user, percent=100, summary="工作已完成,申请办结。"
            )
            counts["updates"] += 1
            services.milestone_transition(milestone=milestone, action="submit", by=owner_user, note="材料已上传")
            if fate < 0.7:
                continue  # waiting for sign-off
            if fate < 0.78:
                services.milestone_transition(
                    milestone=milestone, action="return", by=supervisor, note="佐证材料不完整,请补充。"
                )
                continue
            services.milestone_transition(milestone=milestone, action="approve", by=supervisor, note="同意销号")
            finished = min(due, today) - dt.timedelta(days=rng.choice([0, 2, 5, -3]))
            Milestone.objects.filter(pk=milestone.pk).update(
                completed_at=timezone.make_aware(dt.datetime.combine(finished, dt.time(16, 0)))
            )

        for implementation in implementations:
            if rng.random() < 0.45:
                services.implementation_confirm(
                    implementation=implementation,
                    by=_user(f"{prefix}district-{implementation.district.code}"),
                    note=f"{implementation.district.name}已制定落实方案并明确责任处室。",
                )
                counts["confirmations"] += 1


def _sample_figures() -> None:
    default = settings.CBEC_DEFAULT_GOVERNMENT  # the figures below are the Suzhou plan's
    indicators = {i.code: i for i in Indicator.objects.filter(plan__government__code=default)}
    districts = {d.code: d for d in District.objects.filter(government__code=default)}
    if not indicators:
        return

    def put(code, district, period, value):
        IndicatorReport.objects.update_or_create(
            indicator=indicators[code],
            district=districts.get(district) if district else None,
            period=period,
            defaults={"value": Decimal(value), "source": "示例数据"},
        )

    put("cbec_volume", None, "2025", "455.0")
    put("new_cbec_firms", None, "2024", "655")
    put("new_cbec_firms", None, "2025", "612")
    put("new_service_firms", None, "2024", "702")
    put("new_service_firms", None, "2025", "580")
    for code, (volume_2023, volume_2024) in DISTRICT_VOLUME.items():
        put("cbec_volume", code, "2023", volume_2023)
        put("cbec_volume", code, "2024", volume_2024)
        put("cbec_volume", code, "2025", str(Decimal(volume_2024) * Decimal("1.9")))
        put("cbec_parks", code, "2025", "2" if Decimal(volume_2024) > 15 else "1")
        put("belt_demo_firms", code, "2025", str(int(Decimal(volume_2024)) // 2 + 8))
        put("belt_export", code, "2025", str(Decimal(volume_2024) * Decimal("0.8")))
