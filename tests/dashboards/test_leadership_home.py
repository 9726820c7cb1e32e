"""Leadership's home page on the sample scenario: its figures are the overdue board's and the data's,
broken down by section, department and district, with the change since last month."""

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from departments.models import District
from departments.sample import seed_sample
from tasks_app.core.paginators import cached_count
from tasks_app.dashboards.leadership import _month_before
from tasks_app.plan.models import Implementation
from tasks_app.reminders.selectors import overdue_milestones
from tasks_app.workflow.models import OPEN_STATUSES, Milestone


@pytest.fixture
def sample(demo_accounts):
    seed_sample()
    return demo_accounts


def _home(user):
    client = Client()
    client.force_login(user)
    response = client.get(reverse("tasks_app:home"))
    assert response.status_code == 200
    return response


def test_the_leaders_numbers_are_the_boards_and_the_datas(sample):
    leader = sample["leader"]
    today = timezone.localdate()
    view = _home(leader).context["leadership"]
    board_count = cached_count(overdue_milestones(leader, as_of=today))
    assert view["totals"]["overdue"] == board_count > 0
    assert view["totals"]["total"] == Milestone.objects.count()
    assert sum(r["overdue"] for r in view["by_department"]) == board_count
    in_districts = Milestone.objects.filter(status__in=OPEN_STATUSES, due_date__lt=today).exclude(district=None)
    assert sum(r["overdue"] for r in view["by_district"]) == in_districts.count()
    assert view["confirmed"] == Implementation.objects.filter(status="confirmed").count()
    kunshan = next(r for r in view["by_district"] if r["unit"].code == "kunshan")
    assert kunshan["confirmed"] == Implementation.objects.filter(
        status="confirmed", district=District.objects.get(code="kunshan")
    ).count()
    most = view["most_overdue"]
    assert len(most) == min(10, board_count)
    assert [m.due_date for m in most] == sorted(m.due_date for m in most)


def test_the_change_since_last_month_counts_what_stood_then(sample):
    leader = sample["leader"]
    today = timezone.localdate()
    then = _month_before(today)
    view = _home(leader).context["leadership"]
    end_of_then = timezone.make_aware(dt.datetime.combine(then + dt.timedelta(days=1), dt.time.min))
    overdue_then = [
        m
        for m in Milestone.objects.all()
        if m.created_at < end_of_then
        and (m.completed_at is None or m.completed_at >= end_of_then)
        and m.due_date < then
    ]
    assert view["totals"]["overdue_change"] == view["totals"]["overdue"] - len(overdue_then)


def test_the_leaders_page_shows_every_breakdown(sample):
    html = _home(sample["leader"]).content.decode()
    for heading in ("按任务类别", "逾期最久的十项", "按责任部门", "按板块"):
        assert heading in html, heading


def test_month_before_handles_month_ends():
    assert _month_before(dt.date(2026, 3, 31)) == dt.date(2026, 2, 28)
    assert _month_before(dt.date(2026, 1, 15)) == dt.date(2025, 12, 15)


def test_the_leaders_page_costs_the_same_queries_with_more_data(demo_accounts, django_assert_num_queries):
    """Empty plan, then the sample scenario: the same number of queries (no query per row)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    leader = demo_accounts["leader"]
    with CaptureQueriesContext(connection) as empty:
        _home(leader)
    seed_sample()
    with django_assert_num_queries(len(empty)):
        _home(leader)
