"""The pages the benchmark measures run the same number of queries at any size: no N+1.

The data grows tenfold between the two measurements (generate_load, the benchmark's own loader);
each page's query count must not move. Times are the benchmark's business (bench/benchmark.py)."""

import datetime as dt

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tasks_app.load import generate_load
from tasks_app.plan.selectors import current_plan
from tasks_app.workflow.models import Milestone

THIS_YEAR = min(timezone.localdate().year, 2026)  # the plan's last year

PAGES = [
    ("liaison home", "liaison-commerce", "/", {}),
    ("supervision home", "supervisor", "/", {}),
    ("district home", "district-sip", "/", {}),
    ("leadership home", "leader", "/", {}),
    ("overdue board", "supervisor", "/overdue/", {}),
    ("overdue board, filtered", "supervisor", "/overdue/", {"owner": "customs"}),
    ("overdue board, by days overdue", "supervisor", "/overdue/", {"sort": "-days_overdue"}),
    ("overdue board, a liaison's", "liaison-customs", "/overdue/", {}),
    ("task page", "liaison-customs", "/tasks/6/", {}),
    ("task page, second page", "supervisor", "/tasks/6/", {"page": "2"}),
    ("assessment of a year", "supervisor", "/assessment/2025/", {}),
    ("assessment, a district's own", "district-sip", "/assessment/2025/", {}),
    # The year still running, where most generated milestones fall: a page of its overdue list.
    ("assessment of this year", "supervisor", f"/assessment/{THIS_YEAR}/", {}),
    ("assessment of this year, a district's own", "district-sip", f"/assessment/{THIS_YEAR}/", {}),
    ("milestone list", "liaison-customs", "/milestones/", {}),
    ("milestone list API", "liaison-commerce", "/api/v1/milestones/", {}),
    ("milestone list API, a district's", "district-sip", "/api/v1/milestones/", {}),
    ("notifications", "liaison-customs", "/notifications/", {}),
]


def _query_counts(users) -> dict[str, int]:
    counts = {}
    for name, username, path, params in PAGES:
        client = Client()
        client.force_login(users[username])
        client.get(path, params)  # warm: sessions, caches
        with CaptureQueriesContext(connection) as captured:
            response = client.get(path, params)
        assert response.status_code == 200, (name, response.status_code)
        counts[name] = len(captured)
    return counts


@pytest.mark.django_db
def test_measured_pages_run_the_same_queries_at_ten_times_the_data(demo_accounts):
    plan = current_plan()
    week_ago = timezone.localdate() - dt.timedelta(days=7)
    generate_load(plan=plan, milestones=400, updates_per_milestone=2, reminders_as_of=week_ago)
    small = _query_counts(demo_accounts)
    generate_load(plan=plan, milestones=3600, updates_per_milestone=2, reminders_as_of=week_ago)
    assert Milestone.objects.count() == 4000
    large = _query_counts(demo_accounts)
    assert large == small


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/overdue/", "/milestones/"])
def test_a_paginated_list_counts_its_rows_once(demo_accounts, path):
    generate_load(plan=current_plan(), milestones=200, updates_per_milestone=0)
    client = Client()
    client.force_login(demo_accounts["supervisor"])
    with CaptureQueriesContext(connection) as captured:
        assert client.get(path).status_code == 200
    counts = [q["sql"] for q in captured.captured_queries if "COUNT(" in q["sql"] and "tasks_app_milestone" in q["sql"]]
    assert len(counts) == 1, counts
