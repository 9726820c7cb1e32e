"""The province view's tallies are kept (``ProvinceFigures``) and counted again by a real worker when
they fall behind the data: the page never counts 13 cities' millions of milestones itself after the
first time — it shows the last count, says when it was made and that a newer one is under way."""

from __future__ import annotations

import datetime as dt

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from departments.demo import seed_demo_accounts
from departments.selectors import government_count
from tasks_app.core.changes import data_version
from tasks_app.dashboards.models import ProvinceFigures
from tasks_app.dashboards.province import FIGURES_STALE_LIMIT
from tasks_app.plan.models import Plan
from tasks_app.plan.plan_file import plan_file_parse
from tasks_app.plan.plan_io import plan_import
from tasks_app.workflow.services import milestone_create
from tests.reminders.test_celery_worker import purge_leftovers, wait_until

EXAMPLE_PLAN = "example-city-cbec-2024-2026"


@pytest.fixture
def province_leader(suzhou_plan):
    plan_import(plan_file_parse(settings.CBEC_EXAMPLE_CITY_PLAN_FILE.read_bytes()))
    seed_demo_accounts(password="cbec-demo-2026", province=True)
    government_count()
    cache.clear()  # another test's "a count was asked for" marker
    users = {user.username: user for user in get_user_model().objects.all()}
    return users


def _example_city(province) -> dict:
    return next(c for c in province["cities"] if c["plan"] and c["plan"].code == EXAMPLE_PLAN)


def _late_milestone(users, title: str):
    plan = Plan.objects.get(code=EXAMPLE_PLAN)
    task = plan.tasks.order_by("number").first()
    return milestone_create(
        task=task,
        owner=task.responsibilities.first().department,
        title=title,
        due_date=timezone.localdate() - dt.timedelta(days=12),
        by=users["example-city-supervisor"],
    )


def _view(user):
    client = Client()
    client.force_login(user)
    response = client.get(reverse("tasks_app:province"))
    assert response.status_code == 200
    return response


@pytest.mark.django_db(transaction=True)
def test_a_change_is_counted_by_the_worker_while_the_page_shows_the_last_count(province_leader):
    leader = province_leader["province-leader"]
    purge_leftovers()
    first = _view(leader).context["province"]
    assert not first["updating"] and ProvinceFigures.objects.count() == 1
    overdue_before = _example_city(first)["milestones"]["overdue"]

    _late_milestone(province_leader, "逾期的新节点")
    behind = _view(leader)
    shown = behind.context["province"]
    # The last count, said to be under way again — not a count of its own.
    assert shown["updating"] and _example_city(shown)["milestones"]["overdue"] == overdue_before
    assert "正在重新统计" in behind.content.decode()
    assert ProvinceFigures.objects.get().data_version != data_version()

    # The worker the page asked counts again; the next view shows the change.
    with worker_running():
        assert wait_until(lambda: ProvinceFigures.objects.get().data_version == data_version())
    now = _view(leader).context["province"]
    assert not now["updating"]
    assert _example_city(now)["milestones"]["overdue"] == overdue_before + 1
    api = Client()
    api.force_login(leader)
    body = api.get("/api/v1/province/").json()
    assert body["updating"] is False and body["counted_at"].endswith("+08:00")


@pytest.mark.django_db
def test_without_a_worker_the_page_counts_itself_once_the_count_is_too_old(
    province_leader, django_capture_on_commit_callbacks
):
    leader = province_leader["province-leader"]
    _view(leader)
    with django_capture_on_commit_callbacks(execute=True):  # the change counter moves on commit
        _late_milestone(province_leader, "无人统计的节点")
    assert _view(leader).context["province"]["updating"]
    # Nobody counted for half an hour: the page counts, rather than show figures that old.
    ProvinceFigures.objects.update(computed_at=timezone.now() - FIGURES_STALE_LIMIT - dt.timedelta(minutes=1))
    shown = _view(leader).context["province"]
    assert not shown["updating"]
    assert ProvinceFigures.objects.get().data_version == data_version()


def worker_running():
    """The real worker of tests/reminders (over Redis in CI, the file broker otherwise)."""
    from celery.contrib.testing.worker import start_worker

    from cbec_tracker.celery import app as celery_app

    celery_app.conf.broker_connection_timeout = 2
    return start_worker(celery_app, pool="solo", perform_ping_check=False, shutdown_timeout=30, loglevel="WARNING")
