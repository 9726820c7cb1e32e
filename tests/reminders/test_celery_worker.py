"""Reminders through a real Celery worker: over Redis when REDIS_URL is set (CI), otherwise over
the embedded file broker — the same broker the README's run command uses."""

import datetime as dt
import logging
import threading
import time

import pytest
from celery.contrib.testing.worker import start_worker
from django.core import mail
from django.test import Client
from django.urls import reverse
from kombu import pools as kombu_pools

from cbec_tracker.celery import app as celery_app
from departments.models import Department
from tasks_app.exports.models import ExportJob, ExportStatus
from tasks_app.plan.models import KeyTask
from tasks_app.reminders.models import Delivery, DeliveryStatus, Notification, Reminder
from tasks_app.reminders.tasks import deliver_reminders, scan_reminders
from tasks_app.workflow.services import milestone_create, milestone_transition

# Only what the scan itself makes is counted here (tests/conftest.py).
pytestmark = pytest.mark.usefixtures("without_workflow_events")

DUE = dt.date(2026, 3, 10)


@pytest.fixture(autouse=True)
def _calendar_days(settings):
    """These tests pin the calendar-day rules (7 and 1 days before, escalation every 7 days); the
    working-day rules are tested in test_working_days.py."""
    settings.REMINDER_DAYS_ARE_WORKING_DAYS = False


def wait_until(condition, timeout=30.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.2)
    return False


@pytest.fixture
def overdue_milestone(suzhou_plan, demo_accounts):
    milestone = milestone_create(
        task=KeyTask.objects.get(number=7),
        owner=Department.objects.get(code="transport"),
        title="海外仓清单",
        due_date=DUE,
        by=demo_accounts["supervisor"],
    )
    return milestone_transition(milestone=milestone, action="start", by=demo_accounts["liaison-transport"])


def use_broker(url):
    """Point the producer at another broker (Celery caches its connection pools)."""
    celery_app.pool.force_close_all()
    kombu_pools.reset()
    celery_app.conf.broker_url = url
    celery_app._pool = None
    celery_app.amqp._producer_pool = None


def purge_leftovers():
    """Messages an earlier test's worker left queued (a copy of a scan, a follow-up task) belong to
    that test: a new worker must not spend this test's time on them."""
    celery_app.control.purge()


@pytest.fixture
def worker():
    celery_app.conf.broker_connection_timeout = 2
    purge_leftovers()
    with start_worker(celery_app, pool="solo", perform_ping_check=False, shutdown_timeout=30, loglevel="WARNING"):
        yield


def all_delivered():
    return Delivery.objects.exists() and not Delivery.objects.exclude(status=DeliveryStatus.SENT).exists()


@pytest.mark.django_db(transaction=True)
def test_the_worker_runs_the_scan_and_duplicate_messages_send_nothing_twice(overdue_milestone, worker):
    day = str(DUE + dt.timedelta(days=8))
    # The same scan three times, as a duplicated beat and a retried task would send it.
    for _ in range(3):
        scan_reminders.delay(day)
    assert wait_until(lambda: Reminder.objects.filter(kind="escalation").exists() and all_delivered())
    time.sleep(1.5)  # let the later copies run too
    assert wait_until(all_delivered)
    kinds = sorted(Reminder.objects.filter(milestone=overdue_milestone).values_list("kind", flat=True))
    assert kinds == ["escalation", "overdue"]
    # overdue → 市交通局 and the office; escalation → the lead 市商务局 and the office
    assert Notification.objects.filter(reminder__milestone=overdue_milestone).count() == 4
    addresses = sorted(m.to[0] for m in mail.outbox if "海外仓清单" in m.body)
    # The liaisons immediately; the office (daily digest by default) one e-mail with both reminders.
    assert addresses == [
        "liaison-commerce@example.gov.cn",
        "liaison-transport@example.gov.cn",
        "supervisor@example.gov.cn",
    ]
    (digest,) = [m for m in mail.outbox if m.to == ["supervisor@example.gov.cn"]]
    assert "逾期 (1)" in digest.body and "(1)" in digest.body and digest.body.count("海外仓清单") == 2


@pytest.mark.django_db(transaction=True)
def test_a_scan_with_more_deliveries_than_a_batch_delivers_them_all(overdue_milestone, demo_accounts, worker, settings):

    for number in range(3):
        milestone_create(
            task=KeyTask.objects.get(number=7),
            owner=Department.objects.get(code="transport"),
            title=f"第{number}批清单",
            due_date=DUE,
            by=demo_accounts["supervisor"],
        )
    settings.CBEC_DELIVERY_BATCH = 3  # the worker runs in this process
    scan_reminders.delay(str(DUE + dt.timedelta(days=8)))
    # 4 milestones × (overdue: 1 address + escalation: 1) + the office's digest = 9 e-mails: the scan sends a batch of
    # 3, then delivery tasks follow one another until none is left.
    assert wait_until(lambda: Delivery.objects.count() == 9 and all_delivered())
    assert len(mail.outbox) == 9


@pytest.mark.django_db(transaction=True)
def test_the_worker_makes_a_large_export_and_its_owner_is_notified(
    overdue_milestone, demo_accounts, worker, settings, tmp_path
):
    settings.CBEC_EXPORT_INLINE_ROWS = 0  # every export goes to the background
    settings.MEDIA_ROOT = tmp_path
    client = Client()
    client.force_login(demo_accounts["supervisor"])
    response = client.get(reverse("tasks_app:overdue_board"), {"_export": "csv"})
    assert response.status_code == 302 and response.url == reverse("tasks_app:export_list")
    assert wait_until(lambda: ExportJob.objects.filter(status=ExportStatus.DONE).exists())
    job = ExportJob.objects.get()
    assert job.rows_total == 1 and "海外仓清单" in job.file.open("rb").read().decode("utf-8-sig")
    assert Notification.objects.filter(export_job=job, recipient=demo_accounts["supervisor"]).exists()
    download = client.get(reverse("tasks_app:export_download", args=[job.pk]))
    assert download.status_code == 200


@pytest.mark.django_db(transaction=True)
def test_two_scans_at_once_in_threads_record_each_reminder_once(overdue_milestone):
    from tasks_app.reminders.services import reminders_scan

    barrier = threading.Barrier(2)
    errors = []

    def run():
        try:
            barrier.wait()
            reminders_scan(as_of=DUE + dt.timedelta(days=1))
        except Exception as error:  # collected for the assertion below
            errors.append(error)
        finally:
            from django.db import connection

            connection.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    assert Reminder.objects.filter(milestone=overdue_milestone).count() == 1
    assert Notification.objects.filter(reminder__milestone=overdue_milestone).count() == 2
    # the liaison at once, the office in its digest: one e-mail each
    assert sorted(m.to[0] for m in mail.outbox) == ["liaison-transport@example.gov.cn", "supervisor@example.gov.cn"]


@pytest.mark.django_db(transaction=True)
def test_with_the_broker_down_pages_still_work_and_the_next_scan_delivers(overdue_milestone, demo_accounts, caplog):
    real_broker = celery_app.conf.broker_url
    use_broker("redis://127.0.0.1:1/0")  # nothing listens there
    try:
        client = Client()
        client.force_login(demo_accounts["supervisor"])
        url = reverse("tasks_app:supervision_notice", kwargs={"pk": overdue_milestone.pk})
        with caplog.at_level(logging.WARNING, logger="tasks_app.core.dispatch"):
            started = time.monotonic()
            response = client.post(url, {"message": "请尽快报送"})
            elapsed = time.monotonic() - started
        assert response.status_code == 302
        assert elapsed < 15
        assert "could not enqueue tasks_app.tasks.deliver_reminders" in caplog.text
        notice = Reminder.objects.get(kind="manual")
        assert notice.notifications.count() == 3  # nothing lost: the notice and its recipients are there
        assert set(notice.deliveries.values_list("status", flat=True)) == {DeliveryStatus.PENDING}
    finally:
        use_broker(real_broker)
    # The broker is back: the next scan, through a worker, delivers what was waiting.
    purge_leftovers()
    with start_worker(celery_app, pool="solo", perform_ping_check=False, shutdown_timeout=30, loglevel="WARNING"):
        deliver_reminders.delay()
        assert wait_until(lambda: not notice.deliveries.exclude(status=DeliveryStatus.SENT).exists())
    # the two liaisons at once; the office reads its own notice in the next digest
    assert len([m for m in mail.outbox if "请尽快报送" in m.body]) == 2
