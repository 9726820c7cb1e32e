"""What the pages ask about their user — model permissions, the tasks the user's units may see,
the governments — is remembered between requests (tasks_app.core.access.remembered) and forgotten
the moment membership, permissions or the plan's data change (the change counters, moved on
commit). Transactional: each request commits, as on a running site."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth.models import Permission
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from departments.models import Department
from tasks_app.plan.models import KeyTask
from tasks_app.workflow.services import milestone_create

pytestmark = pytest.mark.django_db(transaction=True)


def _tables_read(client, url) -> tuple[int, list[str]]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    return response.status_code, [query["sql"] for query in queries.captured_queries]


def _customs_milestone(demo_accounts):
    task = KeyTask.objects.get(number=5)
    return milestone_create(
        task=task,
        owner=Department.objects.get(code="customs"),
        title="海关:记住的权限",
        due_date=timezone.localdate() + dt.timedelta(days=10),
        by=demo_accounts["supervisor"],
    )


def test_a_second_page_asks_nothing_about_its_users_access(demo_accounts):
    milestone = _customs_milestone(demo_accounts)
    client = Client()
    client.force_login(demo_accounts["liaison-customs"])
    url = f"/milestones/{milestone.pk}/"
    status, first = _tables_read(client, url)
    assert status == 200
    assert any("auth_permission" in sql for sql in first)
    assert any("guardian_groupobjectpermission" in sql for sql in first)
    status, second = _tables_read(client, "/milestones/")
    assert status == 200
    # The model permissions and the visible tasks come from the cache; the milestone rows do not.
    assert not any('FROM "auth_permission"' in sql for sql in second), second
    assert len(second) < len(first)


def test_leaving_a_unit_takes_its_access_away_at_once(demo_accounts):
    milestone = _customs_milestone(demo_accounts)
    liaison = demo_accounts["liaison-customs"]
    client = Client()
    client.force_login(liaison)
    url = f"/milestones/{milestone.pk}/"
    assert client.get(url).status_code == 200
    assert client.get(url).status_code == 200  # now remembered
    Department.objects.get(code="customs").group.user_set.remove(liaison)
    assert client.get(url).status_code == 404
    Department.objects.get(code="customs").group.user_set.add(liaison)
    assert client.get(url).status_code == 200


def test_a_permission_taken_from_the_office_is_gone_at_once(demo_accounts):
    client = Client()
    client.force_login(demo_accounts["supervisor"])
    assert client.get("/overdue/").content.count(b'value="notice"') == 1
    assert client.get("/overdue/").content.count(b'value="notice"') == 1  # now remembered
    office = demo_accounts["supervisor"].groups.get(permissions__codename="approve_milestone")
    approve = Permission.objects.get(codename="approve_milestone", content_type__app_label="tasks_app")
    office.permissions.remove(approve)
    assert client.get("/overdue/").content.count(b'value="notice"') == 0
    office.permissions.add(approve)
    assert client.get("/overdue/").content.count(b'value="notice"') == 1


def test_a_sign_in_does_not_forget_what_is_remembered(demo_accounts):
    from tasks_app.core.changes import MEMBERSHIP, data_version

    before = data_version(MEMBERSHIP)
    response = Client().post("/accounts/login/", {"username": "liaison-customs", "password": "cbec-demo-2026"})
    assert response.status_code == 302  # signed in: last_login saved
    assert data_version(MEMBERSHIP) == before
