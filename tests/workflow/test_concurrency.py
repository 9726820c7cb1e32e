"""Concurrent writers on one milestone lose nothing: a stale write is refused, not merged."""

import datetime as dt
import threading

import pytest
from django.db import close_old_connections
from django.utils import timezone

from departments.models import Department
from tasks_app.plan.models import KeyTask
from tasks_app.workflow import services
from tasks_app.workflow.models import Milestone, ProgressUpdate
from tasks_app.workflow.services import milestone_create, milestone_transition, milestone_update, progress_update_create


def _milestone(users):
    return milestone_create(
        task=KeyTask.objects.get(number=5),
        owner=Department.objects.get(code="customs"),
        title="并发",
        due_date=timezone.localdate() + dt.timedelta(days=10),
        by=users["supervisor"],
    )


def test_a_write_based_on_an_old_version_is_refused(demo_accounts):
    milestone = _milestone(demo_accounts)
    seen_by_both = milestone.version
    milestone_update(
        milestone=milestone, by=demo_accounts["liaison-commerce"], version=seen_by_both, changes={"title": "甲"}
    )
    with pytest.raises(services.StaleVersion):
        milestone_update(
            milestone=milestone, by=demo_accounts["liaison-customs"], version=seen_by_both, changes={"title": "乙"}
        )
    milestone.refresh_from_db()
    assert milestone.title == "甲"
    assert milestone.version == seen_by_both + 1


@pytest.mark.django_db(transaction=True)
def test_simultaneous_writers_one_wins_the_other_is_told(suzhou_plan, demo_accounts):
    milestone = _milestone(demo_accounts)
    version = milestone.version
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def edit(username, title):
        try:
            barrier.wait()
            milestone_update(milestone=milestone, by=demo_accounts[username], version=version, changes={"title": title})
            outcomes.append("saved")
        except services.StaleVersion:
            outcomes.append("stale")
        finally:
            close_old_connections()

    threads = [
        threading.Thread(target=edit, args=("liaison-commerce", "甲")),
        threading.Thread(target=edit, args=("liaison-customs", "乙")),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(outcomes) == ["saved", "stale"]
    milestone.refresh_from_db()
    assert milestone.version == version + 1
    assert milestone.title in {"甲", "乙"}


@pytest.mark.django_db(transaction=True)
def test_simultaneous_progress_updates_are_all_kept(suzhou_plan, demo_accounts):
    milestone = _milestone(demo_accounts)
    milestone_transition(milestone=milestone, action="start", by=demo_accounts["liaison-customs"])
    barrier = threading.Barrier(4)
    errors: list[Exception] = []

    def post(percent):
        try:
            barrier.wait()
            progress_update_create(
                milestone=milestone, by=demo_accounts["liaison-customs"], percent=percent, summary=f"{percent}%"
            )
        except Exception as error:  # collected and asserted below
            errors.append(error)
        finally:
            close_old_connections()

    threads = [threading.Thread(target=post, args=(p,)) for p in (10, 20, 30, 40)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert errors == []
    assert sorted(ProgressUpdate.objects.filter(milestone=milestone).values_list("percent", flat=True)) == [
        10,
        20,
        30,
        40,
    ]
    assert Milestone.objects.get(pk=milestone.pk).status == "in_progress"
