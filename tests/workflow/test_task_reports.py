"""月度报送: a responsible department reports monthly on a task it may own no milestone of; the
monthly reminder for it stops and the assessment counts the month (issue 16, item 5)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from departments.models import Department
from tasks_app.assessment.components import ProcessFacts
from tasks_app.assessment.periods import Period
from tasks_app.core.errors import NotAllowed
from tasks_app.plan.models import KeyTask
from tasks_app.reminders.models import Reminder, ReminderKind
from tasks_app.reminders.services import reminders_scan
from tasks_app.workflow.models import TaskReport
from tasks_app.workflow.services import task_report_file

pytestmark = pytest.mark.usefixtures("without_workflow_events")

REPORT_DAY = dt.date(2026, 11, 26)  # after the monthly report day (25th)


@pytest.fixture
def task5(demo_accounts):
    return KeyTask.objects.get(plan__code="suzhou-cbec-2024-2026", number=5)


def _monthly_reminded(task, department, as_of) -> bool:
    return Reminder.objects.filter(
        kind=ReminderKind.MONTHLY_REPORT, task=task, department=department, occurrence=as_of.strftime("%Y-%m")
    ).exists()


def test_a_report_stops_the_monthly_reminder_for_that_department_only(task5, demo_accounts, monkeypatch):
    customs, amr = Department.objects.get(code="customs"), Department.objects.get(code="amr")
    assert not task5.milestones.filter(owner=customs).exists()  # customs owns no milestone of task 5
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *a, **k: REPORT_DAY)
    task_report_file(
        task=task5, department=customs, month="2026-11", summary="完成品牌调研", by=demo_accounts["liaison-customs"]
    )
    reminders_scan(as_of=REPORT_DAY)
    assert not _monthly_reminded(task5, customs, REPORT_DAY)
    assert _monthly_reminded(task5, amr, REPORT_DAY)  # amr has not reported: still chased


def test_filing_again_the_same_month_replaces_the_text_and_keeps_the_history(task5, demo_accounts):
    customs = Department.objects.get(code="customs")
    liaison = demo_accounts["liaison-customs"]
    month = timezone.localdate().replace(day=1).strftime("%Y-%m")
    task_report_file(task=task5, department=customs, month=month, summary="初稿", by=liaison)
    report = task_report_file(task=task5, department=customs, month=month, summary="定稿", by=liaison)
    assert TaskReport.objects.filter(task=task5, department=customs).count() == 1
    assert report.summary == "定稿"
    assert [h.summary for h in report.history.order_by("history_date")] == ["初稿", "定稿"]


@pytest.mark.parametrize(
    ("username", "department", "refused"),
    [
        ("liaison-commerce", "customs", NotAllowed),  # responsible for the task, but not customs
        ("liaison-qiaolian", "qiaolian", NotAllowed),  # not responsible for task 5
        ("supervisor", "customs", NotAllowed),  # the office chases, it does not report
    ],
)
def test_only_the_departments_own_people_report(task5, demo_accounts, username, department, refused):
    with pytest.raises(refused):
        task_report_file(
            task=task5,
            department=Department.objects.get(code=department),
            month="2026-01",
            summary="x",
            by=demo_accounts[username],
        )
    assert not TaskReport.objects.exists()


@pytest.mark.parametrize(("month", "field"), [("2026/11", "month"), ("2099-01", "month"), ("", "month")])
def test_a_bad_month_is_a_field_error(task5, demo_accounts, month, field):
    with pytest.raises(ValidationError) as error:
        task_report_file(
            task=task5,
            department=Department.objects.get(code="customs"),
            month=month,
            summary="x",
            by=demo_accounts["liaison-customs"],
        )
    assert field in error.value.message_dict


def test_the_assessment_counts_a_reported_month(task5, demo_accounts):
    customs = Department.objects.get(code="customs")
    plan = task5.plan
    before_done, expected = ProcessFacts(plan, Period.parse("2025"), dt.date(2026, 1, 10)).monthly_counts(customs.pk)
    task_report_file(
        task=task5, department=customs, month="2025-03", summary="三月情况", by=demo_accounts["liaison-customs"]
    )
    after_done, _ = ProcessFacts(plan, Period.parse("2025"), dt.date(2026, 1, 10)).monthly_counts(customs.pk)
    assert after_done == before_done + 1 and expected >= after_done


def test_the_task_page_and_the_api(task5, demo_accounts):
    client = Client()
    client.force_login(demo_accounts["liaison-customs"])
    url = reverse("tasks_app:task_detail", kwargs={"number": 5})
    page = client.get(url).content.decode()
    assert 'id="monthly-report"' in page and reverse("tasks_app:task_report_create", kwargs={"number": 5}) in page
    month = timezone.localdate().strftime("%Y-%m")
    customs = Department.objects.get(code="customs")
    posted = client.post(
        reverse("tasks_app:task_report_create", kwargs={"number": 5}),
        {"department": customs.pk, "month": month, "summary": "页面报送"},
    )
    assert posted.status_code == 302
    assert "页面报送" in client.get(url).content.decode()
    # The office reads it (no form: it does not report); an outsider's list is empty.
    office = Client()
    office.force_login(demo_accounts["supervisor"])
    office_page = office.get(url).content.decode()
    assert "页面报送" in office_page and "task_report_create" not in office_page
    assert reverse("tasks_app:task_report_create", kwargs={"number": 5}) not in office_page
    api = APIClient()
    api.force_authenticate(demo_accounts["supervisor"])
    listed = api.get("/api/v1/task-reports/", {"task": 5, "month": month}).json()["results"]
    assert [(r["department"], r["summary"]) for r in listed] == [("customs", "页面报送")]
    assert api.get("/api/v1/task-reports/", {"month": "bad"}).status_code == 400
    outsider = APIClient()
    outsider.force_authenticate(demo_accounts["liaison-qiaolian"])
    assert outsider.get("/api/v1/task-reports/").json()["results"] == []
    filed = APIClient()
    filed.force_authenticate(demo_accounts["liaison-customs"])
    answer = filed.post(
        "/api/v1/task-reports/", {"task": 5, "department": "customs", "month": month, "summary": "接口"}
    )
    assert answer.status_code == 201 and answer.json()["month"] == month
