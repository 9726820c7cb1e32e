"""Issue 17 part 1: the scan in working days of the Chinese calendar (workdays.calendar).

Defaults: due soon 5 and 1 working days before, no grace, escalation every 5 working days."""

import datetime as dt
import io

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import translation

from departments.models import Department
from tasks_app.plan.models import KeyTask, Plan
from tasks_app.reminders.models import Reminder
from tasks_app.reminders.services import reminders_scan
from tasks_app.workflow.services import milestone_create, milestone_transition
from workdays import calendar as workcal
from workdays.services import calendar_days_import, parse_calendar_sheet

# Only what the scan itself makes is counted here (tests/conftest.py).
pytestmark = pytest.mark.usefixtures("without_workflow_events")

# 2027 as the State Council might announce it (the package does not know 2027): the Spring Festival
# from Saturday 6 to Friday 12 February, Saturday 20 February made a working day.
SHEET_2027 = """date,kind,name
2027-01-01,holiday,元旦
2027-02-06,holiday,春节
2027-02-07,holiday,春节
2027-02-08,holiday,春节
2027-02-09,holiday,春节
2027-02-10,holiday,春节
2027-02-11,holiday,春节
2027-02-12,holiday,春节
2027-02-20,workday,春节
"""


@pytest.fixture(autouse=True)
def _working_days(settings):
    settings.REMINDER_DAYS_ARE_WORKING_DAYS = True
    settings.WORKDAYS_DUE_SOON_OFFSETS = "5,1"
    settings.WORKDAYS_OVERDUE_GRACE = 0
    settings.WORKDAYS_ESCALATION_INTERVAL = 5
    workcal.reset()
    yield
    workcal.reset()


def _milestone(demo_accounts, due, title="节后报送清单"):
    created = milestone_create(
        task=KeyTask.objects.get(number=5),
        owner=Department.objects.get(code="amr"),
        title=title,
        due_date=due,
        by=demo_accounts["supervisor"],
    )
    return milestone_transition(milestone=created, action="start", by=demo_accounts["liaison-amr"])


def _reminders(milestone):
    return sorted(
        Reminder.objects.filter(milestone=milestone).values_list("as_of", "kind", "occurrence", "level"),
    )


def _scan_days(first, last):
    day, results = first, {}
    while day <= last:
        results[day] = reminders_scan(as_of=day)
        day += dt.timedelta(days=1)
    return results


def test_national_day_2026_nothing_on_the_holiday_and_caught_up_on_the_first_working_day(demo_accounts):
    due_friday = _milestone(demo_accounts, dt.date(2026, 10, 9))
    due_in_holiday = _milestone(demo_accounts, dt.date(2026, 10, 3), title="假期中到期的清单")
    results = _scan_days(dt.date(2026, 9, 28), dt.date(2026, 10, 15))
    for day in (dt.date(2026, 10, d) for d in range(1, 8)):  # 1–7 October: days off
        assert results[day].skipped and results[day].created == 0 and results[day].sent == 0
    assert "next working day 2026-10-08" in results[dt.date(2026, 10, 1)].skipped
    d = dt.date
    assert _reminders(due_friday) == sorted(
        [
            # four working days left (29, 30 September, 8, 9 October): the 5-day notice
            (d(2026, 9, 28), "due_soon", "w5@2026-10-09", 0),
            # one working day left, sent on the first working day after the holiday
            (d(2026, 10, 8), "due_soon", "w1@2026-10-09", 0),
            # Saturday 10 October is a working day (调休): the day after the due date, overdue
            (d(2026, 10, 10), "overdue", "overdue@2026-10-09", 0),
            # five working days (10, 12, 13, 14, 15 October) after the due date: the first escalation
            (d(2026, 10, 15), "escalation", "L1@2026-10-09", 1),
        ]
    )
    assert _reminders(due_in_holiday) == sorted(
        [
            (d(2026, 9, 28), "due_soon", "w5@2026-10-03", 0),
            (d(2026, 9, 29), "due_soon", "w1@2026-10-03", 0),  # only 30 September left before it
            (d(2026, 10, 8), "overdue", "overdue@2026-10-03", 0),  # fell due in the holiday: sent after it
            (d(2026, 10, 13), "escalation", "L1@2026-10-03", 1),  # 8, 9, 10, 12, 13 October
        ]
    )


def test_spring_festival_2027_from_the_table(demo_accounts):
    # The 2024–2026 plan ends with 2026 and its ended work is left alone by the scan: here it runs
    # into 2027 (as if the city had extended it), which is what this test needs of it.
    Plan.objects.filter(pk=KeyTask.objects.get(number=5).plan_id).update(end_year=2027)
    calendar_days_import(rows=parse_calendar_sheet(SHEET_2027))
    workcal.invalidate()
    milestone = _milestone(demo_accounts, dt.date(2027, 2, 9))
    mail.outbox.clear()
    results = _scan_days(dt.date(2027, 2, 1), dt.date(2027, 2, 16))
    sent_on = {day for day, result in results.items() if result.created}
    assert all(results[dt.date(2027, 2, d)].skipped for d in range(6, 15))  # holiday and the weekend after
    assert not any(results[dt.date(2027, 2, d)].created for d in range(6, 15))
    assert _reminders(milestone) == [
        (dt.date(2027, 2, 1), "due_soon", "w5@2027-02-09", 0),  # 2, 3, 4, 5 February left
        (dt.date(2027, 2, 4), "due_soon", "w1@2027-02-09", 0),  # only 5 February left before it
        (dt.date(2027, 2, 15), "overdue", "overdue@2027-02-09", 0),  # first working day after
    ]
    assert sent_on == {dt.date(2027, 2, 1), dt.date(2027, 2, 4), dt.date(2027, 2, 15)}
    assert results[dt.date(2027, 2, 15)].calendar_missing == []


def test_the_office_is_told_when_next_years_calendar_is_missing(demo_accounts):
    result = reminders_scan(as_of=dt.date(2026, 11, 2))
    assert result.calendar_missing == [2027]
    assert "the working-day calendar of 2027 has not been entered" in result.lines()
    calendar_days_import(rows=parse_calendar_sheet(SHEET_2027))
    workcal.invalidate()
    assert reminders_scan(as_of=dt.date(2026, 11, 3)).calendar_missing == []
    assert reminders_scan(as_of=dt.date(2026, 6, 2)).calendar_missing == []  # before November: not yet


def test_grace_and_interval_in_working_days(demo_accounts, settings):
    settings.WORKDAYS_OVERDUE_GRACE = 2
    settings.WORKDAYS_ESCALATION_INTERVAL = 3
    milestone = _milestone(demo_accounts, dt.date(2026, 3, 6))  # a Friday
    _scan_days(dt.date(2026, 3, 9), dt.date(2026, 3, 20))
    overdue = [r for r in _reminders(milestone) if r[1] in ("overdue", "escalation")]
    assert overdue == sorted(
        [
            (dt.date(2026, 3, 11), "overdue", "overdue@2026-03-06", 0),  # 9, 10, 11: more than 2 working days
            (dt.date(2026, 3, 11), "escalation", "L1@2026-03-06", 1),  # 3 working days since the due date
            (dt.date(2026, 3, 16), "escalation", "L2@2026-03-06", 2),  # 6: 9–13 and 16 March
            (dt.date(2026, 3, 19), "escalation", "L3@2026-03-06", 3),  # 9
        ]
    )


def test_send_reminders_as_of_a_holiday_says_so(demo_accounts):
    _milestone(demo_accounts, dt.date(2026, 10, 9))
    out = io.StringIO()
    call_command("send_reminders", "--as-of", "2026-10-02", stdout=out)
    assert "not a working day" in out.getvalue() and "2026-10-08" in out.getvalue()
    assert not Reminder.objects.exists()


def test_a_due_date_on_a_holiday_is_accepted_after_a_warning_naming_the_next_working_day(demo_accounts):
    from django.test import Client
    from django.urls import reverse

    from tasks_app.workflow.models import Milestone

    client = Client()
    client.force_login(demo_accounts["supervisor"])
    url = reverse("tasks_app:milestone_create", kwargs={"number": 5})
    # These days are behind today (2026-11-28), so the office gives the reason a past date needs.
    data = {
        "title": "国庆期间到期",
        "owner": Department.objects.get(code="amr").pk,
        "due_date": "2026-10-02",
        "reason": "补录节点",
    }
    first = client.post(url, data)
    assert first.status_code == 400
    page = first.content.decode()
    assert "2026-10-08" in page  # the next working day
    assert 'name="day_off_ok" value="2026-10-02"' in page
    assert not Milestone.objects.filter(title="国庆期间到期").exists()
    again = client.post(url, {**data, "day_off_ok": "2026-10-02"})
    assert again.status_code == 302
    assert Milestone.objects.get(title="国庆期间到期").due_date == dt.date(2026, 10, 2)
    # A working day passes at once; a different day off is warned about again.
    assert client.post(url, {**data, "title": "工作日到期", "due_date": "2026-10-09"}).status_code == 302
    assert client.post(url, {**data, "due_date": "2026-10-03", "day_off_ok": "2026-10-02"}).status_code == 400


def test_an_edit_that_keeps_a_day_off_due_date_is_not_warned_again(demo_accounts):
    """The warning is for choosing a date: renaming a milestone due on a Saturday saves at once."""
    from django.test import Client
    from django.urls import reverse

    saturday = _a_saturday_off_ahead()
    milestone = milestone_create(
        task=KeyTask.objects.get(number=5),
        owner=Department.objects.get(code="amr"),
        title="周六到期",
        due_date=saturday,
        by=demo_accounts["supervisor"],
    )
    client = Client()
    client.force_login(demo_accounts["supervisor"])
    data = {
        "title": "周六到期（改名）",
        "owner": milestone.owner_id,
        "district": "",
        "due_date": saturday.isoformat(),
        "description": "",
        "version": milestone.version,
    }
    saved = client.post(reverse("tasks_app:milestone_edit", kwargs={"pk": milestone.pk}), data)
    assert saved.status_code == 302
    milestone.refresh_from_db()
    assert (milestone.title, milestone.due_date) == ("周六到期（改名）", saturday)
    # Moving it to another day off is a new choice: warned.
    moved = client.post(
        reverse("tasks_app:milestone_edit", kwargs={"pk": milestone.pk}),
        {**data, "due_date": (saturday + dt.timedelta(days=1)).isoformat(), "version": milestone.version},
    )
    assert moved.status_code == 400


def _a_saturday_off_ahead() -> dt.date:
    """The first Saturday at least two weeks ahead that the calendar does not make a working day."""
    from django.utils import timezone

    day = timezone.localdate() + dt.timedelta(days=14)
    while day.weekday() != 5 or workcal.is_working_day(day):
        day += dt.timedelta(days=1)
    return day


def test_the_overdue_board_shows_calendar_and_working_days_and_says_which_the_escalation_counts(demo_accounts, client):
    from tasks_app.reminders.overdue_board import overdue_table

    # Due Wednesday 30 September 2026; on Friday 9 October it is 9 calendar days overdue but only
    # 2 working days (8 and 9 October: 1–7 October are the National Day holiday).
    late = _milestone(demo_accounts, dt.date(2026, 9, 30), title="国庆前到期的清单")
    as_of = dt.date(2026, 10, 9)
    assert late.days_overdue(as_of) == 9
    assert late.working_days_overdue(as_of) == 2
    # Saturday 10 October is a working day (调休): 3 working days, 10 calendar days.
    assert late.working_days_overdue(dt.date(2026, 10, 10)) == 3
    with translation.override("en"):
        table = overdue_table(demo_accounts["supervisor"], {}, as_of)
        headers = table.export_headers()
        row = next(r for r in table.export_rows(table.data.data) if r[0] == "国庆前到期的清单")
    assert "Calendar days overdue" in headers and "Working days overdue" in headers
    assert row[headers.index("Calendar days overdue")] == 9
    assert row[headers.index("Working days overdue")] == 2

    client.force_login(demo_accounts["supervisor"])
    page = client.get("/overdue/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "逾期（自然日）" in page and "逾期（工作日）" in page
    assert "催办升级按工作日计算：每逾期 5 个工作日升一级" in page
    api = client.get("/api/v1/overdue/").json()
    item = next(i for i in api["results"] if i["title"] == "国庆前到期的清单")
    today = workcal.today()
    assert item["days_overdue"] == (today - dt.date(2026, 9, 30)).days
    assert item["working_days_overdue"] == workcal.working_days_between(dt.date(2026, 9, 30), today)
