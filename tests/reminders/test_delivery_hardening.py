"""Issue 22: one bad row cannot stop the scan, nothing is sent twice, no secret is shown.

Real threads, a slow webhook peer on 127.0.0.1 (http.server in a thread), a real Celery worker and,
on PostgreSQL, a worker process killed with SIGKILL in the middle of a batch."""

import datetime as dt
import http.server
import json
import os
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend as LocmemBackend
from django.db import connection
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from departments.models import Department
from tasks_app.plan.models import KeyTask
from tasks_app.reminders import delivery
from tasks_app.reminders.delivery import deliver_pending, lease_seconds
from tasks_app.reminders.models import Delivery, DeliveryStatus, Reminder, ScanRun
from tasks_app.reminders.scan import MAX_LEVEL, reminders_create
from tasks_app.reminders.services import reminders_catch_up, reminders_scan
from tasks_app.workflow.models import Milestone
from tasks_app.workflow.services import milestone_create, milestone_transition

from .test_celery_worker import purge_leftovers, wait_until, worker  # noqa: F401 - the worker fixture

# Only what the scan itself makes is counted here (tests/conftest.py).
pytestmark = pytest.mark.usefixtures("without_workflow_events")

REPO = Path(__file__).resolve().parents[2]
DUE = dt.date(2026, 3, 10)


@pytest.fixture(autouse=True)
def _calendar_days(settings):
    """These tests pin the calendar-day rules (7 and 1 days before, escalation every 7 days); the
    working-day rules are tested in test_working_days.py."""
    settings.REMINDER_DAYS_ARE_WORKING_DAYS = False


class SlowPeer:
    """A group robot that records each post when it arrives, then takes ``delay`` seconds to answer."""

    def __init__(self, delay: float):
        self.delay = delay
        self.received: list[str] = []
        peer = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self):
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                peer.received.append(body["text"]["content"])
                time.sleep(peer.delay)
                answer = b'{"errcode":0,"errmsg":"ok"}'
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(answer)))
                self.end_headers()
                self.wfile.write(answer)

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_port}/cgi-bin/webhook/send?key=robot-secret-key"
        threading.Thread(target=self.server.serve_forever, args=(0.05,), daemon=True).start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def slow_peer():
    peer = SlowPeer(delay=0.3)
    yield peer
    peer.close()


def _milestones(demo_accounts, count: int, webhook: str | None = None):
    amr = Department.objects.get(code="amr")
    if webhook:
        amr.webhook_url = webhook
        amr.save()
    made = []
    for number in range(count):
        created = milestone_create(
            task=KeyTask.objects.get(number=5),
            owner=amr,
            title=f"清单{number:02d}",
            due_date=DUE,
            by=demo_accounts["supervisor"],
        )
        made.append(milestone_transition(milestone=created, action="start", by=demo_accounts["liaison-amr"]))
    return made


def _webhooks_only(demo_accounts, count, url):
    """``count`` due-soon reminders, each with one webhook delivery and no e-mail (nobody has an address)."""
    get_user_model().objects.update(email="")
    _milestones(demo_accounts, count, url)
    reminders_create(DUE - dt.timedelta(days=7))
    assert Delivery.objects.filter(channel="webhook").count() == count == Delivery.objects.count()


def _each_once(peer, count):
    seen = Counter(peer.received)
    assert len(seen) == count, seen
    assert set(seen.values()) == {1}, [text for text, n in seen.items() if n > 1]


def _run_in_threads(target, n=3):
    errors = []

    def run():
        try:
            target()
        except Exception as error:  # collected for the assertion
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(n)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert errors == []


def _drain(deadline_seconds=60):
    deadline = time.monotonic() + deadline_seconds
    while time.monotonic() < deadline:
        if not Delivery.objects.filter(status__in=["pending", "failed", "sending"]).exists():
            return
        deliver_pending()
        time.sleep(0.05)


# --- the scan --------------------------------------------------------------------------------


def test_a_due_date_a_thousand_years_back_caps_the_level_and_stops_nothing(demo_accounts):
    typo, normal = _milestones(demo_accounts, 2)
    Milestone.objects.filter(pk=typo.pk).update(due_date=dt.date(1026, 11, 24))  # past the form's checks
    result = reminders_scan(as_of=dt.date(2026, 3, 20))
    assert result.errors == []
    assert Reminder.objects.get(milestone=typo, kind="escalation").level == MAX_LEVEL
    assert set(Reminder.objects.filter(milestone=normal).values_list("kind", flat=True)) == {"overdue", "escalation"}
    assert ScanRun.objects.get(as_of=dt.date(2026, 3, 20)).finished_at is not None


def test_an_interrupted_scan_is_run_again_by_the_catch_up_beat(demo_accounts, settings):
    (milestone,) = _milestones(demo_accounts, 1)
    today = dt.date(2026, 3, 12)
    settings.CBEC_REMINDER_HOUR = 8
    at = dt.datetime(2026, 3, 12, 9, 0, tzinfo=dt.timezone(dt.timedelta(hours=8)))
    # A worker killed mid-scan: the run was started and never finished.
    ScanRun.objects.create(as_of=today, started_at=at)
    early = dt.datetime(2026, 3, 12, 7, 0, tzinfo=dt.timezone(dt.timedelta(hours=8)))
    assert reminders_catch_up(early) is None  # before the scan's hour nothing is done
    from django.utils import timezone as tz

    original = tz.localdate
    try:
        tz.localdate = lambda *a, **k: today
        assert reminders_catch_up(at) == today
    finally:
        tz.localdate = original
    assert Reminder.objects.filter(milestone=milestone, kind="overdue").exists()
    assert reminders_catch_up(at) is None  # finished now: not again


# --- delivery ----------------------------------------------------------------------------------


def test_the_lease_outlasts_a_batch_at_its_timeouts(settings):
    settings.CBEC_DELIVERY_LEASE_SECONDS = 1  # too short: the floor wins
    settings.CBEC_WEBHOOK_TIMEOUT_SECONDS = 5
    settings.EMAIL_TIMEOUT = 10
    batch = settings.CBEC_DELIVERY_BATCH
    assert lease_seconds() >= batch * 4 * 10 + 60


@pytest.mark.django_db(transaction=True)
def test_three_threads_and_a_slow_peer_send_each_message_once(demo_accounts, slow_peer, settings):
    settings.CBEC_DELIVERY_BATCH = 2
    _webhooks_only(demo_accounts, 8, slow_peer.url)
    _run_in_threads(_drain)
    _each_once(slow_peer, 8)
    assert set(Delivery.objects.values_list("status", flat=True)) == {DeliveryStatus.SENT}


@pytest.mark.django_db(transaction=True)
def test_the_fence_holds_even_when_leases_run_out_during_a_batch(demo_accounts, slow_peer, settings, monkeypatch):
    """The lease is made far too short (0.2 s, a batch takes 1.2 s): other threads take rows over all
    the time, and still no message is handed over twice."""
    settings.CBEC_DELIVERY_BATCH = 4
    monkeypatch.setattr(delivery, "lease_seconds", lambda batch=None: 0.2)
    monkeypatch.setattr(delivery, "_hand_over_until", lambda batch: float("inf"))
    _webhooks_only(demo_accounts, 8, slow_peer.url)
    _run_in_threads(_drain)
    _each_once(slow_peer, 8)
    assert Delivery.objects.filter(status=DeliveryStatus.SENT).count() == 8


@pytest.mark.django_db(transaction=True)
def test_a_real_worker_with_a_slow_peer_sends_each_message_once(demo_accounts, settings, worker):  # noqa: F811
    from tasks_app.reminders.tasks import deliver_reminders

    peer = SlowPeer(delay=1.0)
    try:
        settings.CBEC_DELIVERY_BATCH = 3
        _webhooks_only(demo_accounts, 7, peer.url)
        for _ in range(3):  # a duplicated beat, a retried task
            deliver_reminders.delay()
        assert wait_until(lambda: Delivery.objects.filter(status=DeliveryStatus.SENT).count() == 7, timeout=60)
        time.sleep(1.5)  # let the copies run too
        _each_once(peer, 7)
    finally:
        peer.close()


class CountingBackend(LocmemBackend):
    opened = 0

    def open(self):
        CountingBackend.opened += 1
        return super().open()


def test_one_smtp_connection_per_batch(demo_accounts, settings):
    settings.EMAIL_BACKEND = "tests.reminders.test_delivery_hardening.CountingBackend"
    settings.CBEC_DELIVERY_BATCH = 50
    _milestones(demo_accounts, 5)
    reminders_create(DUE - dt.timedelta(days=7))
    assert Delivery.objects.filter(channel="email").count() == 5
    CountingBackend.opened = 0
    assert deliver_pending() == (5, 0)
    assert CountingBackend.opened == 1 and len(mail.outbox) == 5


def test_a_hung_smtp_server_costs_its_timeout_not_the_batch(demo_accounts, settings):
    from tests.messaging.fake_vendor import SilentServer

    silent = SilentServer()
    try:
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", int(silent.base_url.rsplit(":", 1)[1])
        settings.EMAIL_USE_TLS = False
        settings.EMAIL_TIMEOUT = 1
        _milestones(demo_accounts, 1)
        reminders_create(DUE - dt.timedelta(days=7))
        started = time.monotonic()
        sent, failed = deliver_pending()
        elapsed = time.monotonic() - started
    finally:
        silent.close()
    assert (sent, failed) == (0, 1)
    assert elapsed < 5
    row = Delivery.objects.get()
    assert row.status == DeliveryStatus.FAILED and row.attempts == 1


@pytest.mark.django_db(transaction=True)
def test_kill_9_during_a_batch_sends_every_message_at_most_once_and_the_rest_exactly_once(demo_accounts, settings):
    if connection.vendor != "postgresql":
        pytest.skip("a second process needs a database it can share: PostgreSQL (CI)")
    peer = SlowPeer(delay=1.0)
    env = {
        **os.environ,
        "DATABASE_URL": "postgres://{USER}:{PASSWORD}@{HOST}:{PORT}/{NAME}".format(
            **{k: connection.settings_dict.get(k) or "" for k in ("USER", "PASSWORD", "HOST", "NAME")},
            PORT=connection.settings_dict.get("PORT") or 5432,
        ),
        "CBEC_DELIVERY_BATCH": "3",
        "CBEC_WEBHOOK_TIMEOUT_SECONDS": "1.5",
        "EMAIL_TIMEOUT": "0.5",
        "MESSAGING_TIMEOUT_SECONDS": "0.5",
        "CBEC_DELIVERY_LEASE_MARGIN_SECONDS": "1",
    }
    settings.CBEC_DELIVERY_BATCH = 3
    settings.CBEC_WEBHOOK_TIMEOUT_SECONDS = 1.5
    settings.EMAIL_TIMEOUT = 0.5
    settings.MESSAGING = {**settings.MESSAGING, "TIMEOUT_SECONDS": 0.5}
    settings.CBEC_DELIVERY_LEASE_MARGIN_SECONDS = 1
    try:
        _webhooks_only(demo_accounts, 6, peer.url)
        code = (
            "import os; os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'cbec_tracker.settings'); import django; "
            "django.setup(); from tasks_app.reminders.delivery import deliver_pending; deliver_pending()"
        )
        process = subprocess.Popen(
            [sys.executable, "-c", code],
            cwd=REPO,
            env=env,
            start_new_session=True,
        )
        try:
            assert wait_until(lambda: len(peer.received) >= 2, timeout=60)
            os.killpg(process.pid, signal.SIGKILL)  # the second message is being handed over
        finally:
            process.wait(timeout=10)
        assert process.returncode == -signal.SIGKILL
        time.sleep(lease_seconds() + 0.5)  # the dead worker's lease runs out
        _drain()
        _each_once(peer, 6)
        statuses = Counter(Delivery.objects.values_list("status", flat=True))
        assert statuses == {DeliveryStatus.SENT: 5, DeliveryStatus.UNCERTAIN: 1}
    finally:
        peer.close()


# --- what each reader sees ------------------------------------------------------------------------


def test_robot_keys_addresses_and_errors_only_for_the_office(demo_accounts):
    amr = Department.objects.get(code="amr")
    amr.webhook_url = "http://127.0.0.1:9/cgi-bin/webhook/send?key=robot-secret-key"
    amr.save()
    (milestone,) = _milestones(demo_accounts, 1)
    reminders_scan(as_of=DUE - dt.timedelta(days=7))
    deliver_pending()
    assert Delivery.objects.filter(channel="webhook", status="failed").exclude(last_error="").exists()
    url = f"/api/v1/milestones/{milestone.pk}/reminders/"
    page = reverse("tasks_app:milestone_detail", kwargs={"pk": milestone.pk})
    for username, office in (("liaison-amr", False), ("liaison-commerce", False), ("supervisor", True)):
        api = APIClient()
        api.force_authenticate(demo_accounts[username])
        deliveries = [d for r in api.get(url).json() for d in r["deliveries"]]
        assert {d["channel"] for d in deliveries} == {"email", "webhook"}
        targets = [d["target"] for d in deliveries]
        errors = [d["last_error"] for d in deliveries]
        client = Client()
        client.force_login(demo_accounts[username])
        html = client.get(page).content.decode()
        if office:
            assert any("robot-secret-key" in (t or "") for t in targets) and any(errors)
            assert "robot-secret-key" in html and "liaison-amr@example.gov.cn" in html
        else:
            assert set(targets) == {None} and set(errors) == {None}
            assert "robot-secret-key" not in html and "@example.gov.cn" not in html
            assert "Connection refused" not in html and "URLError" not in html
