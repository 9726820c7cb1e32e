"""The assessment is computed once per change of its data, and every change is seen at once: the
cache key holds a change counter that every committed write moves (tasks_app/changes.py)."""

import datetime as dt

from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from departments.models import Department
from tasks_app.assessment.models import Rubric, RubricComponent
from tasks_app.core.changes import data_version
from tasks_app.load import generate_load
from tasks_app.plan.models import KeyTask
from tasks_app.plan.selectors import current_plan
from tasks_app.workflow.services import milestone_create


def _customs(client, year):
    response = client.get(reverse("tasks_app:assessment", kwargs={"period": str(year)}))
    assert response.status_code == 200
    rows = response.context["departments_table"].data.data
    return dict(next(r for r in rows if r["code"] == "customs"))


def _supervisor(demo_accounts):
    client = Client()
    client.force_login(demo_accounts["supervisor"])
    return client


def test_a_repeated_read_is_served_from_the_cache_and_a_change_is_seen_at_once(
    demo_accounts, django_capture_on_commit_callbacks
):
    client, year = _supervisor(demo_accounts), timezone.localdate().year
    before = _customs(client, year)
    with CaptureQueriesContext(connection) as cold:
        _customs(client, year)
    version = data_version()
    with django_capture_on_commit_callbacks(execute=True):
        milestone_create(
            task=KeyTask.objects.get(number=6),
            owner=Department.objects.get(code="customs"),
            title="新逾期节点",
            due_date=timezone.localdate() - dt.timedelta(days=3),
            by=demo_accounts["supervisor"],
        )
    assert data_version() > version  # moved on commit
    after = _customs(client, year)
    assert after["overdue"] == before["overdue"] + 1
    with CaptureQueriesContext(connection) as warm:
        assert _customs(client, year) == after
    assert not any("GROUP BY" in query["sql"] for query in warm.captured_queries)  # nothing recomputed
    # The same page from the cache; now that there is an overdue item, its page of the list is read
    # (one query, a page at most): the cache keeps the list's question, not its rows.
    milestone_reads = [q["sql"] for q in warm.captured_queries if 'FROM "tasks_app_milestone"' in q["sql"]]
    assert len(milestone_reads) == 1 and "LIMIT 1" in milestone_reads[0]
    assert len(warm) == len(cold) + 1


def test_an_admin_edit_of_the_rubric_is_seen_at_once(demo_accounts, django_capture_on_commit_callbacks):
    client, year = _supervisor(demo_accounts), timezone.localdate().year
    with django_capture_on_commit_callbacks(execute=True):
        milestone_create(  # something due this year: a basis to assess 苏州海关
            task=KeyTask.objects.get(number=6),
            owner=Department.objects.get(code="customs"),
            title="今日到期",
            due_date=timezone.localdate(),
            by=demo_accounts["supervisor"],
        )
    before = _customs(client, year)["score"]
    rubric = Rubric.objects.get(scope="department", is_active=True)
    with django_capture_on_commit_callbacks(execute=True):
        for part in RubricComponent.objects.filter(rubric=rubric):  # as the admin saves them: one by one
            part.weight = 0
            part.save()
    # nothing weighs any more: no basis to assess (no score), where there was one
    assert before is not None and _customs(client, year)["score"] is None


def test_bulk_loads_move_the_counter_too(demo_accounts, django_capture_on_commit_callbacks):
    version = data_version()
    with django_capture_on_commit_callbacks(execute=True):
        generate_load(plan=current_plan(), milestones=50, updates_per_milestone=0)
    assert data_version() > version


def test_the_boards_count_is_remembered_until_the_data_changes(demo_accounts, django_capture_on_commit_callbacks):
    client = _supervisor(demo_accounts)
    board = reverse("tasks_app:overdue_board")

    def overdue_created(title):
        with django_capture_on_commit_callbacks(execute=True):
            milestone_create(
                task=KeyTask.objects.get(number=6),
                owner=Department.objects.get(code="customs"),
                title=title,
                due_date=timezone.localdate() - dt.timedelta(days=3),
                by=demo_accounts["supervisor"],
            )

    overdue_created("一")
    first = client.get(board).context["table"].paginator.count
    with CaptureQueriesContext(connection) as again:
        assert client.get(board).context["table"].paginator.count == first
    milestone_counts = [q for q in again.captured_queries if "COUNT(" in q["sql"] and "tasks_app_milestone" in q["sql"]]
    assert milestone_counts == []  # remembered
    overdue_created("二")
    assert client.get(board).context["table"].paginator.count == first + 1  # and never stale
    assert client.get(board, {"owner": "customs"}).context["table"].paginator.count == first + 1


def _overdue_in_customs(by, title):
    return milestone_create(
        task=KeyTask.objects.get(number=6),
        owner=Department.objects.get(code="customs"),
        title=title,
        due_date=timezone.localdate() - dt.timedelta(days=3),
        by=by,
    )


def test_one_transaction_moves_the_counter_once_however_many_rows_it_writes(
    demo_accounts, django_capture_on_commit_callbacks
):
    version = data_version()
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        for n in range(5):  # each saves a milestone, its history, its permission rows
            _overdue_in_customs(demo_accounts["supervisor"], f"批量{n}")
    assert data_version() == version + 1


def test_a_write_after_a_rolled_back_savepoint_still_moves_the_counter(
    demo_accounts, django_capture_on_commit_callbacks
):
    version = data_version()
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        try:
            with transaction.atomic():  # a savepoint: its write, and what it registered, undone
                _overdue_in_customs(demo_accounts["supervisor"], "撤销")
                raise RuntimeError
        except RuntimeError:
            pass
        _overdue_in_customs(demo_accounts["supervisor"], "保留")
    assert data_version() == version + 1
