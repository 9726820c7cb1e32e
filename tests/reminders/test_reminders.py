"""Reminder scans at simulated dates: the exact reminders, each once, to the right people."""

import datetime as dt
import http.server
import json
import threading

import pytest
from django.core import mail
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from departments.models import Department
from tasks_app.plan.models import KeyTask
from tasks_app.reminders import fan_out
from tasks_app.reminders.delivery import deliver_pending
from tasks_app.reminders.models import Delivery, DeliveryStatus, Notification, Reminder, ReminderKind
from tasks_app.reminders.services import reminders_scan
from tasks_app.workflow.models import Milestone
from tasks_app.workflow.services import milestone_create, milestone_transition, milestone_update, progress_update_create

# Only what the scan itself makes is counted here (tests/conftest.py).
pytestmark = pytest.mark.usefixtures("without_workflow_events")

DUE = dt.date(2026, 3, 10)  # a Tuesday; the 25th of March is far enough not to mix in monthly reports


@pytest.fixture(autouse=True)
def _calendar_days(settings):
    """These tests pin the calendar-day rules (7 and 1 days before, escalation every 7 days); the
    working-day rules are tested in test_working_days.py."""
    settings.REMINDER_DAYS_ARE_WORKING_DAYS = False


def day(offset: int) -> dt.date:
    return DUE + dt.timedelta(days=offset)


@pytest.fixture
def milestone(demo_accounts):
    """市市场监管局's milestone on task 5 (lead 市商务局), due DUE, in progress."""
    created = milestone_create(
        task=KeyTask.objects.get(number=5),
        owner=Department.objects.get(code="amr"),
        title="品牌培育清单",
        due_date=DUE,
        by=demo_accounts["supervisor"],
    )
    return milestone_transition(milestone=created, action="start", by=demo_accounts["liaison-amr"])


def scan(as_of):
    return reminders_scan(as_of=as_of)


def milestone_reminders(milestone):
    return list(Reminder.objects.filter(milestone=milestone).order_by("id").values_list("kind", "occurrence", "level"))


def recipients(reminder_kind, milestone):
    return set(
        Notification.objects.filter(reminder__milestone=milestone, reminder__kind=reminder_kind).values_list(
            "recipient__username", flat=True
        )
    )


def test_the_schedule_of_one_milestone(milestone):
    expected_by_day = {
        -8: [],
        -7: [("due_soon", f"d7@{DUE}", 0)],
        -3: [],
        -1: [("due_soon", f"d1@{DUE}", 0)],
        0: [],
        1: [("overdue", f"overdue@{DUE}", 0)],
        6: [],
        7: [("escalation", f"L1@{DUE}", 1)],
        13: [],
        14: [("escalation", f"L2@{DUE}", 2)],
        21: [("escalation", f"L3@{DUE}", 3)],
    }
    seen = []
    for offset, new in expected_by_day.items():
        scan(day(offset))
        seen += new
        assert milestone_reminders(milestone) == seen, f"day {offset}"

    assert recipients("due_soon", milestone) == {"liaison-amr"}
    assert recipients("overdue", milestone) == {"liaison-amr", "supervisor"}
    assert recipients("escalation", milestone) == {"liaison-commerce", "supervisor"}
    levels = [r.level_label for r in Reminder.objects.filter(milestone=milestone, kind="escalation").order_by("level")]
    assert levels == ["催办", "督办", "通报"]


def test_repeated_scans_send_nothing_twice(milestone):
    for _ in range(3):
        scan(day(1))
    assert milestone_reminders(milestone) == [("overdue", f"overdue@{DUE}", 0)]
    assert Notification.objects.filter(reminder__milestone=milestone).count() == 2
    assert sorted(m.to[0] for m in mail.outbox) == ["liaison-amr@example.gov.cn", "supervisor@example.gov.cn"]


def test_a_missed_day_is_caught_up(milestone):
    scan(day(-5))  # the 7-day mark was missed: warn now
    scan(day(-4))
    assert milestone_reminders(milestone) == [("due_soon", f"d7@{DUE}", 0)]
    scan(day(3))  # the 1-day mark and the overdue day were missed
    assert milestone_reminders(milestone) == [("due_soon", f"d7@{DUE}", 0), ("overdue", f"overdue@{DUE}", 0)]


def test_nothing_for_completed_milestones_and_no_due_soon_once_submitted(milestone, demo_accounts):
    milestone_transition(milestone=milestone, action="submit", by=demo_accounts["liaison-amr"])
    scan(day(-1))
    assert milestone_reminders(milestone) == []
    scan(day(2))  # submitted but not signed off: still overdue
    assert [k for k, _o, _l in milestone_reminders(milestone)] == ["overdue"]
    milestone_transition(milestone=milestone, action="approve", by=demo_accounts["supervisor"])
    scan(day(7))
    scan(day(30))
    assert [k for k, _o, _l in milestone_reminders(milestone)] == ["overdue"]


def test_an_extension_starts_a_new_schedule_and_keeps_the_old_record(milestone, demo_accounts):
    scan(day(1))
    milestone_update(
        milestone=milestone,
        by=demo_accounts["supervisor"],
        version=Milestone.objects.get(pk=milestone.pk).version,
        changes={"due_date": day(20)},
        reason="企业申请",
    )
    scan(day(13))
    assert milestone_reminders(milestone) == [
        ("overdue", f"overdue@{DUE}", 0),
        ("due_soon", f"d7@{day(20)}", 0),
    ]


@pytest.fixture
def several_milestones(milestone, demo_accounts):
    """Five milestones of 市市场监管局 on task 5, due DUE."""
    created = [milestone]
    for number in range(4):
        extra = milestone_create(
            task=KeyTask.objects.get(number=5),
            owner=Department.objects.get(code="amr"),
            title=f"节点 {number}",
            due_date=DUE,
            by=demo_accounts["supervisor"],
        )
        created.append(extra)
    return created


def _outcome():
    return (
        sorted(Reminder.objects.values_list("kind", "subject", "occurrence", "level", "fanned_out")),
        sorted(Notification.objects.values_list("reminder__subject", "reminder__kind", "recipient__username")),
        sorted(
            Delivery.objects.filter(reminder__isnull=False).values_list("reminder__subject", "reminder__kind", "target")
        ),
    )


@pytest.mark.parametrize("returning", [True, False], ids=["insert-returning", "fanned-out-after"])
def test_reminders_are_written_with_their_notifications_in_batches(several_milestones, monkeypatch, returning):
    from django.db import connection

    monkeypatch.setattr(fan_out, "FAN_OUT_BATCH", 2)
    monkeypatch.setattr(connection.features, "can_return_columns_from_insert", returning)
    scan(day(7))  # overdue and the first escalation for each
    reminders_written, notified, delivered = _outcome()
    assert len(reminders_written) == 10 and all(fanned for *_key, fanned in reminders_written)
    assert {(kind, who) for _subject, kind, who in notified} == {
        ("overdue", "liaison-amr"),
        ("overdue", "supervisor"),
        ("escalation", "liaison-commerce"),
        ("escalation", "supervisor"),
    }
    # The office reads a daily digest by default: one e-mail instead of one per reminder.
    assert len(notified) == 20 and len(delivered) == 10
    assert list(Delivery.objects.filter(digest_day=day(7)).values_list("recipient__username", "channel")) == [
        ("supervisor", "email")
    ]
    scan(day(7))
    assert _outcome() == (reminders_written, notified, delivered)


def test_a_kind_that_fails_leaves_nothing_half_done_and_the_next_scan_writes_it(several_milestones, monkeypatch):
    real_fan_out = fan_out.fan_out_batch
    calls = []

    def fan_out_failing_for_escalations(cursor, ids, now, mark_fanned_out=True):
        calls.append(ids)
        if Reminder.objects.filter(pk__in=ids, kind="escalation").exists():
            raise RuntimeError("connection lost")
        return real_fan_out(cursor, ids, now, mark_fanned_out)

    monkeypatch.setattr(fan_out, "fan_out_batch", fan_out_failing_for_escalations)
    result = scan(day(7))  # the failure is logged and named, not raised: the other kinds went on
    assert result.errors == ["escalation: RuntimeError: connection lost"]
    # The overdue reminders are there with their notifications; the escalations left nothing behind.
    assert len(calls) == 2
    assert set(Reminder.objects.values_list("kind", flat=True)) == {"overdue"}
    assert Reminder.objects.count() == 5 and Notification.objects.count() == 10
    monkeypatch.setattr(fan_out, "fan_out_batch", real_fan_out)
    scan(day(7))
    assert Reminder.objects.filter(kind="escalation").count() == 5
    # per reminder: e-mails to the liaisons; the office's reminders go into its daily digest
    assert Notification.objects.count() == 20 and Delivery.objects.filter(reminder__isnull=False).count() == 10
    assert not Reminder.objects.filter(fanned_out=False).exists()


def test_monthly_report_reminders_from_the_25th(milestone, demo_accounts):
    progress_update_create(milestone=milestone, by=demo_accounts["liaison-amr"], percent=10, summary="启动")
    scan(dt.date(2026, 11, 24))
    assert not Reminder.objects.filter(kind=ReminderKind.MONTHLY_REPORT).exists()
    scan(dt.date(2026, 11, 25))
    monthly = Reminder.objects.filter(kind=ReminderKind.MONTHLY_REPORT, occurrence="2026-11")
    task5 = KeyTask.objects.get(number=5)
    amr = Department.objects.get(code="amr")
    # Every (task, responsible department) pair of the plan except the one that reported this month.
    assert monthly.count() == 74 - 1
    assert not monthly.filter(task=task5, department=amr).exists()
    assert set(
        Notification.objects.filter(reminder__in=monthly.filter(task=task5)).values_list(
            "recipient__username", flat=True
        )
    ) == {"liaison-commerce", "liaison-customs"}
    scan(dt.date(2026, 11, 28))
    assert Reminder.objects.filter(kind=ReminderKind.MONTHLY_REPORT).count() == 73


def test_send_reminders_command_and_its_dry_run(milestone, capsys):
    call_command("send_reminders", "--as-of", str(day(1)), "--dry-run")
    out = capsys.readouterr().out
    assert "overdue@2026-03-10" in out and "nothing was recorded" in out
    assert not Reminder.objects.exists()
    call_command("send_reminders", "--as-of", str(day(1)))
    assert "1 new reminders" in capsys.readouterr().out
    call_command("send_reminders", "--as-of", str(day(1)))
    assert "0 new reminders" in capsys.readouterr().out
    with pytest.raises(Exception, match="YYYY-MM-DD"):
        call_command("send_reminders", "--as-of", "10/03/2026")


class _Robot(http.server.BaseHTTPRequestHandler):
    received: list = []
    fail_first = 0

    def do_POST(self):
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        if _Robot.fail_first > 0:
            _Robot.fail_first -= 1
            self.send_response(500)
        else:
            _Robot.received.append(body)
            self.send_response(200)
        self.end_headers()
        self.wfile.write(b'{"errcode":0}')

    def log_message(self, *args):
        pass


@pytest.fixture
def robot():
    server = http.server.HTTPServer(("127.0.0.1", 0), _Robot)
    _Robot.received, _Robot.fail_first = [], 0
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()


def test_department_webhook_is_retried_until_it_works_and_then_sent_once(milestone, robot, settings):
    amr = Department.objects.get(code="amr")
    amr.webhook_url = f"http://127.0.0.1:{robot.server_port}/robot/send?key=abc"
    amr.save()
    _Robot.fail_first = 2
    scan(day(-7))
    hook = Delivery.objects.get(channel="webhook")
    assert (hook.status, hook.attempts) == (DeliveryStatus.FAILED, 1)
    assert "500" in hook.last_error
    deliver_pending()
    deliver_pending()
    hook.refresh_from_db()
    assert (hook.status, hook.attempts) == (DeliveryStatus.SENT, 3)
    deliver_pending()
    assert len(_Robot.received) == 1
    assert _Robot.received[0]["msgtype"] == "text"
    assert "临期提醒" in _Robot.received[0]["text"]["content"]


def test_failed_deliveries_stop_after_the_bounded_attempts(milestone, settings):
    settings.CBEC_DELIVERY_MAX_ATTEMPTS = 3
    amr = Department.objects.get(code="amr")
    amr.webhook_url = "http://127.0.0.1:9/unreachable"
    amr.save()
    scan(day(-7))
    for _ in range(5):
        deliver_pending()
    hook = Delivery.objects.get(channel="webhook")
    assert (hook.status, hook.attempts) == (DeliveryStatus.FAILED, 3)
    assert hook.last_error


def test_a_claim_left_by_a_killed_worker_is_taken_again_later(milestone, settings):
    """A worker that died after claiming a delivery: nothing is resent while the claim is fresh,
    and the delivery is made once the claim is stale."""
    scan(day(-7))
    Delivery.objects.update(
        status=DeliveryStatus.SENDING, claimed_at=dt.datetime(2026, 1, 1, tzinfo=dt.UTC), started_at=None
    )
    sent_before = len(mail.outbox)
    settings.CBEC_DELIVERY_LEASE_SECONDS = 10**10  # still fresh
    deliver_pending()
    assert len(mail.outbox) == sent_before
    settings.CBEC_DELIVERY_LEASE_SECONDS = 0
    deliver_pending()
    assert len(mail.outbox) == sent_before + 1
    assert set(Delivery.objects.values_list("status", flat=True)) == {DeliveryStatus.SENT}


def test_a_message_being_handed_over_when_its_worker_died_is_never_sent_again(milestone, settings):
    """At most once: a row whose worker was lost after starting to send it is marked uncertain, not
    re-sent, once its lease has run out."""
    scan(day(-7))
    sent_before = len(mail.outbox)
    Delivery.objects.update(
        status=DeliveryStatus.SENDING,
        claimed_at=dt.datetime(2026, 1, 1, tzinfo=dt.UTC),
        started_at=dt.datetime(2026, 1, 1, tzinfo=dt.UTC),
    )
    settings.CBEC_DELIVERY_LEASE_SECONDS = 10**10  # still fresh: left alone
    deliver_pending()
    assert set(Delivery.objects.values_list("status", flat=True)) == {DeliveryStatus.SENDING}
    settings.CBEC_DELIVERY_LEASE_SECONDS = 0
    deliver_pending()
    deliver_pending()
    assert len(mail.outbox) == sent_before
    assert set(Delivery.objects.values_list("status", flat=True)) == {DeliveryStatus.UNCERTAIN}


def test_supervision_notice_on_the_page_and_reminders_visible_per_milestone(milestone, demo_accounts):
    scan(day(8))
    client = Client()
    client.force_login(demo_accounts["supervisor"])
    url = reverse("tasks_app:supervision_notice", kwargs={"pk": milestone.pk})
    assert client.post(url, {"message": ""}).status_code == 400
    assert client.post(url, {"message": "请本周内报送整改情况"}).status_code == 302
    notice = Reminder.objects.get(kind=ReminderKind.MANUAL)
    assert set(notice.notifications.values_list("recipient__username", flat=True)) == {
        "liaison-amr",
        "liaison-commerce",
        "supervisor",
    }
    page = client.get(reverse("tasks_app:milestone_detail", kwargs={"pk": milestone.pk}))
    kinds = [r.kind for r in page.context["reminders"]]
    assert kinds.count("escalation") == 1 and "manual" in kinds and "overdue" in kinds
    liaison = Client()
    liaison.force_login(demo_accounts["liaison-amr"])
    assert liaison.post(url, {"message": "x"}).status_code == 403


def test_notifications_list_unread_count_and_mark_read(milestone, demo_accounts):
    scan(day(1))
    client = Client()
    client.force_login(demo_accounts["liaison-amr"])
    page = client.get(reverse("tasks_app:plan_overview"))
    assert page.context["unread_notifications"] == 1
    notification = Notification.objects.get(recipient=demo_accounts["liaison-amr"])
    client.post(reverse("tasks_app:notification_read", kwargs={"pk": notification.pk}))
    assert client.get(reverse("tasks_app:plan_overview")).context["unread_notifications"] == 0
    # Someone else's notification is not there to mark.
    other = Notification.objects.get(recipient=demo_accounts["supervisor"])
    assert client.post(reverse("tasks_app:notification_read", kwargs={"pk": other.pk})).status_code == 404


def test_notifications_api_shows_only_ones_own(milestone, demo_accounts):
    from rest_framework.test import APIClient

    scan(day(8))
    api = APIClient()
    api.force_authenticate(demo_accounts["liaison-commerce"])
    rows = api.get("/api/v1/notifications/").json()["results"]
    assert [(r["kind"], r["level"], r["milestone"], r["read"]) for r in rows] == [
        ("escalation", 1, milestone.pk, False)
    ]
    assert api.post(f"/api/v1/notifications/{rows[0]['id']}/read/").json()["read"] is True
    assert api.get("/api/v1/notifications/", {"read": "false"}).json()["results"] == []
    other = Notification.objects.get(recipient__username="liaison-amr")
    assert api.get(f"/api/v1/notifications/{other.pk}/").status_code == 404
    reminders_seen = api.get(f"/api/v1/milestones/{milestone.pk}/reminders/").json()
    assert {r["kind"] for r in reminders_seen} == {"overdue", "escalation"}
    district = APIClient()
    district.force_authenticate(demo_accounts["district-sip"])
    assert district.get(f"/api/v1/milestones/{milestone.pk}/reminders/").status_code == 404
