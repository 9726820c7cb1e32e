"""Issue 17 parts 2 and 3: daily digests per person and channel, and 企业微信 / 钉钉 messages to
individuals through the messaging app, against the local fake vendor server."""

import datetime as dt
import threading

import pytest
from django.core import mail
from django.db import connection

from accounts.models import Profile
from departments.models import Department
from tasks_app.plan.models import KeyTask
from tasks_app.reminders.delivery import deliver_pending
from tasks_app.reminders.fan_out import digests_create
from tasks_app.reminders.models import Delivery, DeliveryStatus
from tasks_app.reminders.services import reminders_scan
from tasks_app.workflow.services import milestone_create, milestone_transition
from tests.messaging.conftest import messaging_settings
from tests.messaging.fake_vendor import DING_SEND, WECOM_SEND, FakeVendor, closed_port_url

from .test_celery_worker import wait_until, worker  # noqa: F401 - the worker fixture

# Only what the scan itself makes is counted here (tests/conftest.py).
pytestmark = pytest.mark.usefixtures("without_workflow_events")

DUE = dt.date(2026, 3, 10)  # a Tuesday
OVERDUE_DAY = dt.date(2026, 3, 18)  # a Wednesday: overdue, and the first escalation (5 working days)


@pytest.fixture(autouse=True)
def _working_days(settings):
    settings.REMINDER_DAYS_ARE_WORKING_DAYS = True
    settings.WORKDAYS_DUE_SOON_OFFSETS = "5,1"
    settings.WORKDAYS_ESCALATION_INTERVAL = 5
    settings.CBEC_SITE_URL = "https://tracker.example.gov.cn"


@pytest.fixture
def vendor():
    fake = FakeVendor()
    yield fake
    fake.close()


def _milestones(demo_accounts, count=2):
    made = []
    for number in range(count):
        created = milestone_create(
            task=KeyTask.objects.get(number=5),
            owner=Department.objects.get(code="amr"),
            title=f"汇总清单{number}",
            due_date=DUE,
            by=demo_accounts["supervisor"],
        )
        made.append(milestone_transition(milestone=created, action="start", by=demo_accounts["liaison-amr"]))
    return made


def _prefer(user, **fields):
    Profile.objects.update_or_create(user=user, defaults=fields)


def _digests(channel="email"):
    return list(Delivery.objects.filter(digest_day__isnull=False, channel=channel).order_by("recipient__username"))


# --- digests -------------------------------------------------------------------------------------


def test_the_office_gets_one_grouped_digest_with_links_and_nothing_twice(demo_accounts):
    milestones = _milestones(demo_accounts)
    reminders_scan(as_of=OVERDUE_DAY)
    reminders_scan(as_of=OVERDUE_DAY)  # repeated: nothing new
    digests_create(OVERDUE_DAY)  # and the digest run on its own again
    (digest,) = _digests()
    assert digest.recipient == demo_accounts["supervisor"] and digest.target == "supervisor@example.gov.cn"
    body = digest.body
    assert body.index("逾期 (2)") < body.index("(2)", body.index("逾期 (2)") + 1)  # overdue, then escalations
    for milestone in milestones:
        assert f"https://tracker.example.gov.cn/milestones/{milestone.pk}/" in body
    # the liaisons were told at once, one e-mail per reminder; the office's digest is one e-mail
    while deliver_pending()[0]:
        pass
    to_office = [m for m in mail.outbox if m.to == ["supervisor@example.gov.cn"]]
    assert len(to_office) == 1 and "汇总清单0" in to_office[0].body and "汇总清单1" in to_office[0].body
    assert len([m for m in mail.outbox if m.to == ["liaison-amr@example.gov.cn"]]) == 2
    # the next working day lists only what is new since: nothing, so no digest
    reminders_scan(as_of=OVERDUE_DAY + dt.timedelta(days=1))
    assert len(_digests()) == 1


def test_off_means_nothing_and_daily_means_a_digest_instead(demo_accounts):
    _prefer(demo_accounts["liaison-amr"], notify_email="daily")
    _prefer(demo_accounts["supervisor"], notify_email="off")
    _milestones(demo_accounts, 1)
    reminders_scan(as_of=OVERDUE_DAY)
    assert not Delivery.objects.filter(recipient=demo_accounts["supervisor"]).exists()
    assert not Delivery.objects.filter(recipient=demo_accounts["liaison-amr"], digest_day__isnull=True).exists()
    assert [d.recipient.username for d in _digests()] == ["liaison-amr"]
    while deliver_pending()[0]:
        pass
    assert not [m for m in mail.outbox if "supervisor@example.gov.cn" in m.to]


def test_the_office_digest_names_a_missing_calendar_year(demo_accounts):
    _milestones(demo_accounts, 1)
    result = reminders_scan(as_of=dt.date(2026, 11, 24))
    assert result.calendar_missing == [2027]
    (digest,) = _digests()
    assert "2027" in digest.body and digest.recipient.username == "supervisor"


@pytest.mark.django_db(transaction=True)
def test_digest_runs_at_once_in_threads_make_one_digest_each(demo_accounts):
    _milestones(demo_accounts)
    from tasks_app.reminders.scan import reminders_create

    reminders_create(OVERDUE_DAY)
    barrier = threading.Barrier(3)
    errors = []

    def run():
        try:
            barrier.wait()
            digests_create(OVERDUE_DAY)
        except Exception as error:  # collected for the assertion
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert errors == []
    assert [d.recipient.username for d in _digests()] == ["supervisor"]


@pytest.mark.django_db(transaction=True)
def test_scans_raced_through_a_real_worker_and_a_thread_send_one_digest(demo_accounts, worker):  # noqa: F811
    from tasks_app.reminders.tasks import scan_reminders

    _milestones(demo_accounts)
    for _ in range(2):
        scan_reminders.delay(OVERDUE_DAY.isoformat())
    try:
        reminders_scan(as_of=OVERDUE_DAY)  # at the same time, in this thread
    finally:
        pass

    def settled():
        return Delivery.objects.exists() and not Delivery.objects.exclude(status=DeliveryStatus.SENT).exists()

    assert wait_until(lambda: settled() and len(mail.outbox) >= 5, timeout=60)
    scan_reminders.delay(OVERDUE_DAY.isoformat())
    import time

    time.sleep(2)
    assert wait_until(settled)
    to_office = [m for m in mail.outbox if m.to == ["supervisor@example.gov.cn"]]
    assert len(to_office) == 1
    # 2 milestones × (overdue → liaison-amr, escalation → liaison-commerce) + the office's digest
    assert len(mail.outbox) == 5


# --- 企业微信 / 钉钉 -------------------------------------------------------------------------------


def _wecom_for_amr(demo_accounts, settings, vendor_url):
    settings.MESSAGING = messaging_settings(vendor_url, vendor_url, timeout=1)
    _prefer(demo_accounts["liaison-amr"], wecom_userid="amr-liaison")


def test_wecom_messages_to_a_person_through_the_fake_vendor_with_token_expiry(demo_accounts, settings, vendor):
    _wecom_for_amr(demo_accounts, settings, vendor.base_url)
    vendor.token_uses = 1  # every token is refused after one send: the channel fetches another
    _milestones(demo_accounts, 2)
    reminders_scan(as_of=OVERDUE_DAY)
    while deliver_pending()[0]:
        pass
    wecom = Delivery.objects.filter(channel="wecom")
    assert wecom.count() == 2 and set(wecom.values_list("status", flat=True)) == {"sent"}
    sends = [r for r in vendor.requests_to(WECOM_SEND) if r.body and "errcode" not in r.body]
    accepted = {r.body["markdown"]["content"] for r in sends}
    assert len(accepted) == 2 and all(r.body["touser"] == "amr-liaison" for r in sends)
    assert vendor._issued >= 2  # the second send needed a fresh token


def test_rate_limit_and_outage_leave_the_message_pending_and_it_is_sent_later(demo_accounts, settings, vendor):
    _wecom_for_amr(demo_accounts, settings, closed_port_url())  # nobody answers
    _milestones(demo_accounts, 1)
    reminders_scan(as_of=OVERDUE_DAY)
    deliver_pending()
    row = Delivery.objects.get(channel="wecom")
    assert (row.status, row.attempts) == ("pending", 0) and "cannot connect" in row.last_error
    for _ in range(10):  # an outage lasting longer than the attempts allowed loses nothing
        deliver_pending()
    row.refresh_from_db()
    assert (row.status, row.attempts) == ("pending", 0)
    settings.MESSAGING = messaging_settings(vendor.base_url, vendor.base_url, timeout=1)
    vendor.send_answers = [{"errcode": 45009, "errmsg": "api freq out of limit"}]  # throttled once
    deliver_pending()
    row.refresh_from_db()
    assert row.status == "pending" and "45009" in row.last_error
    deliver_pending()
    row.refresh_from_db()
    assert (row.status, row.attempts) == ("sent", 1)
    assert len([r for r in vendor.requests_to(WECOM_SEND) if r.body["touser"] == "amr-liaison"]) == 2


def test_a_permanent_vendor_error_is_a_failed_delivery(demo_accounts, settings, vendor):
    _wecom_for_amr(demo_accounts, settings, vendor.base_url)
    _milestones(demo_accounts, 1)
    vendor.send_answers = [{"errcode": 60020, "errmsg": "not allow to access from your ip"}]
    reminders_scan(as_of=OVERDUE_DAY)  # delivers its first batch
    row = Delivery.objects.get(channel="wecom")
    assert (row.status, row.attempts) == ("failed", 1) and "60020" in row.last_error


def test_dingtalk_digest_for_the_office(demo_accounts, settings, vendor):
    settings.MESSAGING = messaging_settings(None, vendor.base_url, timeout=1)
    _prefer(demo_accounts["supervisor"], dingtalk_userid="office01", notify_dingtalk="daily", notify_email="off")
    _milestones(demo_accounts, 2)
    reminders_scan(as_of=OVERDUE_DAY)
    (digest,) = _digests("dingtalk")
    assert digest.target == "office01"
    while deliver_pending()[0]:
        pass
    digest.refresh_from_db()
    assert digest.status == "sent"
    (send,) = [r for r in vendor.requests_to(DING_SEND) if r.body["userid_list"] == "office01"]
    assert "汇总清单0" in send.body["msg"]["markdown"]["text"]
    assert not [m for m in mail.outbox if "supervisor@example.gov.cn" in m.to]
