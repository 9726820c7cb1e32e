"""The overdue board's and the milestone list's tables are kept as HTML until what they show may
have changed (tasks_app/core/kept_tables.py): a second visit reads no milestone row, and a change —
to the data, to the reminders, to who may see what, the language — shows at the next visit.
Transactional: each request commits, as on a running site (inside a transaction nothing is kept)."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tasks_app.workflow.models import Milestone
from tasks_app.workflow.services import milestone_update
from tests.conftest import load_sample

pytestmark = pytest.mark.django_db(transaction=True)
MILESTONE_ROWS = 'FROM "tasks_app_milestone"'


def _visit(client, url, **params):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, params)
    assert response.status_code == 200
    read_rows = any(MILESTONE_ROWS in query["sql"] for query in queries.captured_queries)
    return response.content.decode(), read_rows


def _without_tokens(html: str) -> str:
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html)


@pytest.fixture
def office(demo_accounts):
    load_sample()
    client = Client()
    client.force_login(demo_accounts["supervisor"])
    return client


@pytest.mark.parametrize("url", ["/overdue/", "/milestones/"])
def test_a_second_visit_reads_no_row_and_shows_the_same_table(office, url):
    first, read_first = _visit(office, url)
    second, read_second = _visit(office, url)
    assert read_first and not read_second
    assert _without_tokens(first) == _without_tokens(second)
    # Another page of filters is another table.
    filtered, read_filtered = _visit(office, url, owner="customs")
    assert read_filtered and filtered != first


def test_a_committed_change_shows_at_the_next_visit(office, demo_accounts):
    # An overdue milestone not yet started: its title may still be edited.
    milestone = Milestone.objects.filter(status="planned", due_date__lt=timezone.localdate()).first()
    owner = milestone.owner.code
    for url in ("/overdue/", "/milestones/"):
        _visit(office, url, owner=owner)
        kept, read_rows = _visit(office, url, owner=owner)
        assert not read_rows and milestone.title in kept
    milestone_update(
        milestone=milestone,
        by=demo_accounts["supervisor"],
        version=milestone.version,
        changes={"title": "〔示例〕改过的标题"},
        reason="更正",
    )
    for url in ("/overdue/", "/milestones/"):
        again, read_rows = _visit(office, url, owner=owner)
        assert read_rows and "〔示例〕改过的标题" in again, url


def test_new_reminders_draw_the_board_again(office):
    from tasks_app.reminders.models import Reminder, ReminderKind, escalation_label

    board, _ = _visit(office, "/overdue/", owner="commerce")
    assert not _visit(office, "/overdue/", owner="commerce")[1]
    milestone = Milestone.objects.filter(owner__code="commerce", due_date__lt=timezone.localdate()).first()
    assert f'value="{milestone.pk}"' in board and escalation_label(9) not in board
    # As the scan writes them: in bulk, moving no change counter.
    Reminder.all_kinds.bulk_create(
        [
            Reminder(
                kind=ReminderKind.ESCALATION,
                subject=f"milestone:{milestone.pk}",
                occurrence="L9@test",
                milestone=milestone,
                task=milestone.task,
                department=milestone.owner,
                level=9,
                as_of=timezone.localdate(),
                message="升级",
            )
        ]
    )
    again, read_rows = _visit(office, "/overdue/", owner="commerce")
    assert read_rows and escalation_label(9) in again


def test_each_user_and_language_has_its_own_table(office, demo_accounts):
    office_board, _ = _visit(office, "/overdue/")
    district = Client()
    district.force_login(demo_accounts["district-sip"])
    district_board, read_rows = _visit(district, "/overdue/")
    assert read_rows  # not the office's kept table
    count = re.compile(r'<h1>[^<]*<small class="muted">(\d+)</small>')
    assert int(count.search(district_board).group(1)) < int(count.search(office_board).group(1))
    office.post("/i18n/setlang/", {"language": "en", "next": "/overdue/"})
    english, read_rows = _visit(office, "/overdue/")
    assert read_rows and "Calendar days overdue" in english and "逾期（自然日）" not in english
