"""Every workflow step reaches the people involved — and only they — exactly once: in-app, by
e-mail, and on the concerned departments' group webhooks (issue 16)."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import timezone

from departments.models import Department, District
from tasks_app.core.errors import InvalidState
from tasks_app.plan.models import Implementation, KeyTask
from tasks_app.reminders.models import Delivery, Notification, Reminder, ReminderKind
from tasks_app.reminders.services import reminders_scan
from tasks_app.workflow.models import ExtensionStatus
from tasks_app.workflow.services import (
    extension_request_create,
    extension_request_decide,
    implementation_confirm,
    implementation_reject,
    milestone_comment_create,
    milestone_create,
    milestone_transition,
    milestone_update,
    task_lead_change,
)

HOOK_COMMERCE = "https://hooks.example.gov.cn/commerce"
HOOK_CUSTOMS = "https://hooks.example.gov.cn/customs"


@pytest.fixture
def world(demo_accounts):
    Department.objects.filter(code="commerce").update(webhook_url=HOOK_COMMERCE)
    Department.objects.filter(code="customs").update(webhook_url=HOOK_CUSTOMS)
    task = KeyTask.objects.get(number=5)  # lead 市商务局; co 市市场监管局, 苏州海关
    return task, demo_accounts


def _customs_milestone(task, users, *, by="liaison-commerce", title="跨境品牌清单"):
    return milestone_create(
        task=task,
        owner=Department.objects.get(code="customs"),
        title=title,
        due_date=timezone.localdate() + dt.timedelta(days=30),
        by=users[by],
    )


def told(event: str, milestone=None) -> list[str]:
    notes = Notification.objects.filter(reminder__kind=ReminderKind.EVENT, reminder__occurrence__startswith=f"{event}@")
    if milestone is not None:
        notes = notes.filter(reminder__milestone=milestone)
    return sorted(notes.values_list("recipient__username", flat=True))


def hooks(event: str) -> list[str]:
    return sorted(
        Delivery.objects.filter(
            channel="webhook", reminder__kind=ReminderKind.EVENT, reminder__occurrence__startswith=f"{event}@"
        ).values_list("target", flat=True)
    )


def mails(event: str) -> list[str]:
    return sorted(
        Delivery.objects.filter(
            channel="email", reminder__kind=ReminderKind.EVENT, reminder__occurrence__startswith=f"{event}@"
        ).values_list("target", flat=True)
    )


def test_a_milestone_created_for_another_department_tells_that_department_at_once(world):
    task, users = world
    milestone = _customs_milestone(task, users)
    assert told("assigned", milestone) == ["liaison-customs"]
    assert mails("assigned") == ["liaison-customs@example.gov.cn"]
    assert hooks("assigned") == [HOOK_CUSTOMS]
    # Its own milestone: nobody needs telling.
    own = _customs_milestone(task, users, by="liaison-customs", title="自建")
    assert told("assigned", own) == []


def test_each_step_reaches_exactly_those_involved(world):
    task, users = world
    milestone = _customs_milestone(task, users)
    milestone = milestone_transition(milestone=milestone, action="start", by=users["liaison-customs"])
    assert told("started", milestone) == ["liaison-commerce"]
    milestone = milestone_transition(
        milestone=milestone, action="submit", by=users["liaison-customs"], note="清单已编制完成"
    )
    assert told("submitted", milestone) == ["liaison-commerce", "supervisor"]
    assert milestone.completion_reports.get().text == "清单已编制完成"
    milestone = milestone_transition(milestone=milestone, action="return", by=users["supervisor"], note="缺少附件")
    assert told("returned", milestone) == ["liaison-commerce", "liaison-customs"]
    returned = Reminder.events.get(occurrence__startswith="returned@", milestone=milestone)
    assert "缺少附件" in returned.text
    assert milestone.completion_reports.get().return_reason == "缺少附件"
    assert hooks("returned") == [HOOK_COMMERCE, HOOK_CUSTOMS]
    milestone = milestone_transition(milestone=milestone, action="submit", by=users["liaison-customs"], note="补附件")
    milestone = milestone_transition(milestone=milestone, action="approve", by=users["supervisor"])
    assert told("approved", milestone) == ["liaison-commerce", "liaison-customs"]
    # Nobody outside the task heard of any of it.
    outsiders = Notification.objects.filter(
        reminder__milestone=milestone, recipient__username__in=["liaison-amr", "liaison-qiaolian", "district-sip"]
    )
    assert not outsiders.exists()


def test_a_retried_step_tells_nobody_twice(world):
    task, users = world
    milestone = _customs_milestone(task, users)
    milestone_transition(milestone=milestone, action="start", by=users["liaison-customs"])
    with pytest.raises(InvalidState):
        milestone_transition(milestone=milestone, action="start", by=users["liaison-customs"])
    assert told("started", milestone) == ["liaison-commerce"]
    # The same event announced twice (a retried message) is recorded once.
    from tasks_app.workflow.events import emit

    milestone.refresh_from_db()
    emit("started", task=task, milestone=milestone, by=users["liaison-customs"], key=f"v{milestone.version}")
    assert told("started", milestone) == ["liaison-commerce"]
    assert Delivery.objects.filter(reminder__occurrence__startswith="started@").count() == 2  # mail + hook


@pytest.mark.django_db(transaction=True)
def test_two_racing_sign_offs_tell_the_owner_once(suzhou_plan, demo_accounts):
    if connection.vendor != "postgresql":
        pytest.skip("row locks need PostgreSQL")
    task, users = KeyTask.objects.get(number=5), demo_accounts
    milestone = _customs_milestone(task, users)
    milestone = milestone_transition(milestone=milestone, action="start", by=users["liaison-customs"])
    milestone_transition(milestone=milestone, action="submit", by=users["liaison-customs"], note="完成")
    errors = []

    def approve():
        try:
            milestone_transition(milestone=milestone, action="approve", by=users["supervisor"])
        except InvalidState as error:
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=approve) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(errors) == 1
    assert told("approved", milestone) == ["liaison-commerce", "liaison-customs"]


def test_extension_request_granted_moves_the_date_and_keeps_the_baseline(world):
    task, users = world
    milestone = _customs_milestone(task, users)
    milestone = milestone_transition(milestone=milestone, action="start", by=users["liaison-customs"])
    baseline = milestone.baseline_due_date
    wanted = milestone.due_date + dt.timedelta(days=20)
    with pytest.raises(ValidationError) as error:
        extension_request_create(milestone=milestone, by=users["liaison-customs"], due_date=wanted, reason=" ")
    assert "reason" in error.value.message_dict
    request = extension_request_create(
        milestone=milestone, by=users["liaison-customs"], due_date=wanted, reason="等海关总署批复"
    )
    assert told("extension_requested", milestone) == ["supervisor"]
    with pytest.raises(InvalidState):
        extension_request_create(milestone=milestone, by=users["liaison-customs"], due_date=wanted, reason="再来一次")
    extension_request_decide(request=request, by=users["supervisor"], decision="grant", reason="同意")
    milestone.refresh_from_db()
    assert milestone.due_date == wanted and milestone.baseline_due_date == baseline
    assert told("extension_granted", milestone) == ["liaison-commerce", "liaison-customs"]
    assert "extension request granted" in milestone.history.first().history_change_reason or "延期" in (
        milestone.history.first().history_change_reason
    )
    with pytest.raises(InvalidState):
        extension_request_decide(request=request, by=users["supervisor"], decision="refuse", reason="不行")
    request.refresh_from_db()
    assert request.status == ExtensionStatus.GRANTED


def test_extension_refused_tells_the_owner_only_and_needs_a_reason(world):
    task, users = world
    milestone = milestone_transition(
        milestone=_customs_milestone(task, users), action="start", by=users["liaison-customs"]
    )
    request = extension_request_create(
        milestone=milestone,
        by=users["liaison-customs"],
        due_date=milestone.due_date + dt.timedelta(days=3),
        reason="人手",
    )
    with pytest.raises(ValidationError):
        extension_request_decide(request=request, by=users["supervisor"], decision="refuse", reason="")
    extension_request_decide(request=request, by=users["supervisor"], decision="refuse", reason="时间节点不可变")
    assert told("extension_refused", milestone) == ["liaison-customs"]


def test_a_liaison_cannot_date_a_new_milestone_in_the_past_the_office_can_with_a_reason(world):
    from rest_framework.test import APIClient

    _task, users = world
    past = (timezone.localdate() - dt.timedelta(days=3)).isoformat()
    body = {"task": 5, "owner": "customs", "title": "过期", "due_date": past}
    client = APIClient()
    client.force_authenticate(users["liaison-customs"])
    answer = client.post("/api/v1/milestones/", body, format="json")
    assert answer.status_code == 400 and "due_date" in answer.json()
    client.force_authenticate(users["supervisor"])
    answer = client.post("/api/v1/milestones/", body, format="json")
    assert answer.status_code == 400 and "reason" in answer.json()
    answer = client.post("/api/v1/milestones/", {**body, "reason": "补录历史节点"}, format="json")
    assert answer.status_code == 201, answer.content


def test_the_office_extending_directly_tells_the_owner(world):
    task, users = world
    milestone = milestone_transition(
        milestone=_customs_milestone(task, users), action="start", by=users["liaison-customs"]
    )
    milestone_update(
        milestone=milestone,
        by=users["supervisor"],
        version=milestone.version,
        changes={"due_date": milestone.due_date + dt.timedelta(days=9)},
        reason="领导批示",
    )
    assert told("extension_granted", milestone) == ["liaison-commerce", "liaison-customs"]


def test_a_lead_change_tells_the_old_and_the_new_lead(world):
    task, users = world
    task_lead_change(
        task=task, department=Department.objects.get(code="customs"), by=users["supervisor"], reason="职能调整"
    )
    assert told("lead_changed") == ["liaison-commerce", "liaison-customs"]
    assert hooks("lead_changed") == [HOOK_COMMERCE, HOOK_CUSTOMS]


def test_a_rejected_confirmation_tells_the_district(world):
    task, users = world
    implementation = implementation_confirm(
        implementation=Implementation.objects.get(task=task, district=District.objects.get(code="gusu")),
        by=users["district-gusu"],
        note="已落实",
    )
    implementation_reject(implementation=implementation, by=users["supervisor"], reason="佐证材料不全")
    assert told("confirmation_rejected") == ["district-gusu"]
    reminder = Reminder.events.get(occurrence__startswith="confirmation_rejected@")
    assert "佐证材料不全" in reminder.text


def test_a_comment_mentioning_a_department_tells_its_liaisons(world):
    task, users = world
    milestone = _customs_milestone(task, users)
    milestone_comment_create(milestone=milestone, by=users["liaison-commerce"], text="请 @市市场监管局 配合提供数据")
    assert told("commented", milestone) == ["liaison-amr"]
    milestone_comment_create(milestone=milestone, by=users["liaison-commerce"], text="没有提到谁")
    assert told("commented", milestone) == ["liaison-amr"]


def test_an_escalation_reaches_the_lead_departments_webhook_once(world):
    _task, users = world
    Department.objects.filter(code="transport").update(webhook_url="https://hooks.example.gov.cn/transport")
    due = dt.date(2026, 3, 10)
    milestone = milestone_create(
        task=KeyTask.objects.get(number=7),  # lead 市商务局
        owner=Department.objects.get(code="transport"),
        title="海外仓清单",
        due_date=due,
        by=users["supervisor"],
        reason="补录",
    )
    milestone_transition(milestone=milestone, action="start", by=users["liaison-transport"])
    for _ in range(2):
        reminders_scan(as_of=due + dt.timedelta(days=8))
    escalation = Reminder.objects.get(kind="escalation", milestone=milestone)
    targets = sorted(escalation.deliveries.filter(channel="webhook").values_list("target", flat=True))
    assert targets == [HOOK_COMMERCE, "https://hooks.example.gov.cn/transport"]


@pytest.mark.django_db(transaction=True)
def test_a_real_worker_sends_each_event_once(suzhou_plan, demo_accounts):
    """The step enqueues delivery after its commit; a real Celery worker sends the e-mails, once,
    even when asked again."""
    from celery.contrib.testing.worker import start_worker
    from django.core import mail

    from cbec_tracker.celery import app as celery_app
    from tasks_app.reminders.services import enqueue_delivery
    from tests.reminders.test_celery_worker import purge_leftovers, wait_until

    users = demo_accounts
    task = KeyTask.objects.get(number=5)
    celery_app.conf.broker_connection_timeout = 2
    purge_leftovers()
    with start_worker(celery_app, pool="solo", perform_ping_check=False, shutdown_timeout=30, loglevel="WARNING"):
        milestone = _customs_milestone(task, users)
        milestone = milestone_transition(milestone=milestone, action="start", by=users["liaison-customs"])
        milestone = milestone_transition(milestone=milestone, action="submit", by=users["liaison-customs"], note="完成")
        milestone_transition(milestone=milestone, action="return", by=users["supervisor"], note="请补充佐证")
        enqueue_delivery()  # a duplicate request

        def returned_mails():
            return sorted(m.to[0] for m in mail.outbox if "请补充佐证" in m.body)

        assert wait_until(lambda: len(returned_mails()) == 2)
        enqueue_delivery()
        import time

        time.sleep(1.5)
    assert returned_mails() == ["liaison-commerce@example.gov.cn", "liaison-customs@example.gov.cn"]
    assert not Delivery.objects.filter(channel="email").exclude(status="sent").exists()


@pytest.mark.parametrize(("choice", "mailed"), [("", True), ("immediate", True), ("daily", False), ("off", False)])
def test_an_event_mails_at_once_only_those_who_chose_immediate(world, choice, mailed):
    """The event's in-app notification always comes; the e-mail only for "immediate" (the default of a
    liaison): "daily" gets it in the digest, "off" not at all."""
    from accounts.models import Profile

    task, users = world
    Profile.objects.update_or_create(user=users["liaison-customs"], defaults={"notify_email": choice})
    milestone = _customs_milestone(task, users)
    assert told("assigned", milestone) == ["liaison-customs"]
    assert mails("assigned") == (["liaison-customs@example.gov.cn"] if mailed else [])
