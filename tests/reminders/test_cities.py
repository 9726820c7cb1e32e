"""Two cities in one deployment: a city's reminders, escalations and workflow news reach its own
supervision office and units, never the other city's (reminders/fan_out.py, reminders/events.py)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.utils import timezone

from departments.demo import seed_demo_accounts
from departments.models import Department
from tasks_app.plan.models import KeyTask
from tasks_app.plan.plan_file import plan_file_parse
from tasks_app.plan.plan_io import plan_import
from tasks_app.reminders.models import Notification, ReminderKind
from tasks_app.reminders.services import reminders_scan
from tasks_app.workflow.services import milestone_create, milestone_transition

EXAMPLE_PLAN = "example-city-cbec-2024-2026"


@pytest.fixture
def accounts(suzhou_plan):
    plan_import(plan_file_parse(settings.CBEC_EXAMPLE_CITY_PLAN_FILE.read_bytes()))
    seed_demo_accounts(password="cbec-demo-2026", province=True)
    return {user.username: user for user in get_user_model().objects.all()}


def _example_milestone(accounts, *, due: dt.date, title: str):
    task = KeyTask.objects.get(plan__code=EXAMPLE_PLAN, number=1)
    owner = task.responsibilities.order_by("role", "pk").first().department
    return milestone_create(task=task, owner=owner, title=title, due_date=due, by=accounts["example-city-supervisor"])


def _told(user, milestone, kinds) -> bool:
    return Notification.objects.filter(recipient=user, reminder__milestone=milestone, reminder__kind__in=kinds).exists()


def test_an_escalation_in_one_city_reaches_its_own_office_only(accounts):
    today = dt.date(2026, 6, 15)
    milestone = _example_milestone(accounts, due=today - dt.timedelta(days=20), title="示例城市逾期节点")
    reminders_scan(as_of=today)
    kinds = [ReminderKind.OVERDUE, ReminderKind.ESCALATION]
    assert _told(accounts["example-city-supervisor"], milestone, kinds)
    assert not _told(accounts["supervisor"], milestone, kinds)
    # And Suzhou's own departments with the same codes hear nothing of it either.
    same_code = Department.objects.get(code=milestone.owner.code, government__code=settings.CBEC_DEFAULT_GOVERNMENT)
    suzhou_liaisons = get_user_model().objects.filter(groups=same_code.group)
    assert suzhou_liaisons.exists()
    assert not Notification.objects.filter(recipient__in=suzhou_liaisons, reminder__milestone=milestone).exists()


def test_a_completion_request_reaches_its_own_office_only(accounts):
    milestone = _example_milestone(accounts, due=timezone.localdate() + dt.timedelta(days=30), title="示例城市申请办结")
    liaison = get_user_model().objects.filter(groups=milestone.owner.group).first()
    milestone = milestone_transition(milestone=milestone, action="start", by=liaison)
    milestone_transition(milestone=milestone, action="submit", by=liaison, note="已完成,附报告。")
    assert _told(accounts["example-city-supervisor"], milestone, [ReminderKind.EVENT])
    assert not _told(accounts["supervisor"], milestone, [ReminderKind.EVENT])
