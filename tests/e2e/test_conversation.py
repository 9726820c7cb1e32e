"""The 督查督办 conversation in a real browser, in Chinese, at a desk (1366 px) and on a phone (390 px):
the office issues a notice → 苏州海关 signs for it and replies → the office closes it; 苏州海关 asks for
an extension → the office grants it → the due date moves, the baseline and the history show it."""

import datetime as dt

import pytest
from django.utils import timezone

from departments.models import Department
from tasks_app.plan.models import KeyTask
from tasks_app.reminders.models import Notice, NoticeStatus
from tasks_app.workflow.models import ExtensionStatus, Milestone
from tasks_app.workflow.services import milestone_create, milestone_transition

from .conftest import ARTIFACTS

pytestmark = pytest.mark.django_db(transaction=True)
WIDTHS = {"desk": (1366, 768), "phone": (390, 844)}


@pytest.fixture
def started(demo_accounts):
    milestone = milestone_create(
        task=KeyTask.objects.get(number=5),
        owner=Department.objects.get(code="customs"),
        title="跨境品牌培育名单",
        due_date=timezone.localdate() + dt.timedelta(days=30),
        by=demo_accounts["liaison-commerce"],
    )
    return milestone_transition(milestone=milestone, action="start", by=demo_accounts["liaison-customs"])


@pytest.mark.parametrize("width", WIDTHS)
def test_notice_signed_replied_and_closed(started, page_for, live_server, width):
    w, h = WIDTHS[width]
    office = page_for("supervisor", width=w, height=h)
    office.on("dialog", lambda dialog: dialog.accept())
    office.goto(f"{live_server.url}/milestones/{started.pk}/")
    office.click("form[action$='/notices/'] >> xpath=.. >> summary")
    office.fill("form[action$='/notices/'] textarea[name=message]", "请于三日内报送进展")
    office.click("form[action$='/notices/'] button[type=submit]")
    office.wait_for_url(f"{live_server.url}/milestones/{started.pk}/")
    notice = Notice.objects.get()

    customs = page_for("liaison-customs", width=w, height=h)
    assert "请于三日内报送进展" in customs.inner_text("main")  # the home page's 督办 box
    customs.goto(f"{live_server.url}/notices/{notice.pk}/")
    assert "签收" in customs.inner_text("#notice-acknowledge")
    customs.click("#notice-acknowledge")
    customs.wait_for_url(f"{live_server.url}/notices/{notice.pk}/")
    assert "已签收" in customs.inner_text("#notice-status")
    customs.fill("textarea[name=text]", "已完成名单初稿，下周报送")
    customs.click("#notice-reply")
    customs.wait_for_url(f"{live_server.url}/notices/{notice.pk}/")
    assert "已完成名单初稿" in customs.inner_text("main")

    office.goto(f"{live_server.url}/notices/")
    assert "跨境品牌培育名单" in office.inner_text("main")
    office.goto(f"{live_server.url}/notices/{notice.pk}/")
    assert "已完成名单初稿" in office.inner_text("main")
    office.click("form[action$='/close/'] >> xpath=.. >> summary")
    office.click("#notice-close")  # asks for confirmation first (accepted above)
    office.wait_for_url(f"{live_server.url}/notices/{notice.pk}/")
    office.screenshot(path=str(ARTIFACTS / f"conversation-notice-{width}.png"), full_page=True)
    assert Notice.objects.get().status == NoticeStatus.CLOSED


@pytest.mark.parametrize("width", WIDTHS)
def test_extension_asked_and_granted(started, page_for, live_server, width):
    w, h = WIDTHS[width]
    baseline = started.baseline_due_date
    wanted = started.due_date + dt.timedelta(days=21)
    customs = page_for("liaison-customs", width=w, height=h)
    customs.goto(f"{live_server.url}/milestones/{started.pk}/")
    customs.click("form[action$='/extension-requests/'] >> xpath=.. >> summary")
    customs.fill("form[action$='/extension-requests/'] input[name=due_date]", wanted.isoformat())
    customs.fill("form[action$='/extension-requests/'] textarea[name=reason]", "等待海关总署批复")
    customs.click("form[action$='/extension-requests/'] button[type=submit]")
    customs.wait_for_url(f"{live_server.url}/milestones/{started.pk}/")
    assert "等待海关总署批复" in customs.inner_text("#extension-requests")

    office = page_for("supervisor", width=w, height=h)
    office.on("dialog", lambda dialog: dialog.accept())
    assert "延期申请" in office.inner_text("#new-for-me")
    office.goto(f"{live_server.url}/extension-requests/")
    office.click(f"a[href^='/milestones/{started.pk}/']")
    office.select_option("form[action$='/decide/'] select[name=decision]", "grant")
    office.fill("form[action$='/decide/'] textarea[name=reason]", "同意延期")
    office.click("form[action$='/decide/'] button[type=submit]")
    office.wait_for_url(f"{live_server.url}/milestones/{started.pk}/")
    text = office.inner_text("main")
    assert wanted.isoformat() in text and baseline.isoformat() in text  # new date, and "originally …"
    assert "同意延期" in text  # in the history and the request
    office.screenshot(path=str(ARTIFACTS / f"conversation-extension-{width}.png"), full_page=True)
    milestone = Milestone.objects.get(pk=started.pk)
    assert milestone.due_date == wanted and milestone.baseline_due_date == baseline
    assert milestone.extension_requests.get().status == ExtensionStatus.GRANTED


@pytest.mark.parametrize("width", WIDTHS)
def test_customs_files_a_monthly_report_on_a_task_it_owns_no_milestone_of(demo_accounts, page_for, live_server, width):
    """月度报送 through the task page: the monthly reminder for 苏州海关 on task 5 then stops."""
    from tasks_app.reminders.models import Reminder, ReminderKind
    from tasks_app.reminders.services import reminders_scan

    task = KeyTask.objects.get(number=5)
    customs = Department.objects.get(code="customs")
    assert not task.milestones.filter(owner=customs).exists()
    w, h = WIDTHS[width]
    page = page_for("liaison-customs", width=w, height=h)
    page.goto(f"{live_server.url}/tasks/5/#monthly-report")
    form = "form[action$='/tasks/5/reports/']"
    page.fill(f"{form} textarea[name=summary]", "本月完成跨境品牌调研,形成初步名单。")
    page.click(f"{form} button[type=submit]")
    assert "月度报送已提交" in page.inner_text(".messages")
    assert "本月完成跨境品牌调研" in page.inner_text("#task-reports")
    page.screenshot(path=str(ARTIFACTS / f"task-report-{width}.png"), full_page=True)
    # The scan on the report day (or later) of this month chases the others, not 苏州海关.
    from workdays.calendar import next_working_day

    report_day = next_working_day(timezone.localdate().replace(day=25))  # the scan skips days off
    assert report_day.month == timezone.localdate().month
    reminders_scan(as_of=report_day)
    monthly = Reminder.objects.filter(
        kind=ReminderKind.MONTHLY_REPORT, task=task, occurrence=report_day.strftime("%Y-%m")
    )
    assert monthly.exists() and not monthly.filter(department=customs).exists()
