"""Issue 23 item 2: a page reads the change counter once and counts the unread notifications once,
however many counts it shows and whatever templates (django-tables2's own context) it renders."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext


def _reads(user, path: str) -> tuple[int, int]:
    client = Client()
    client.force_login(user)
    client.get(path)  # sessions, caches warmed
    with CaptureQueriesContext(connection) as queries:
        assert client.get(path).status_code == 200
    sql = [q["sql"] for q in queries.captured_queries]
    counter = sum(1 for s in sql if "tasks_app_changecounter" in s and s.lstrip().upper().startswith("SELECT"))
    unread = sum(1 for s in sql if "tasks_app_notification" in s and "read_at" in s and "COUNT" in s.upper())
    return counter, unread


@pytest.mark.parametrize(
    ("username", "path"),
    [("supervisor", "/overdue/"), ("liaison-commerce", "/milestones/"), ("liaison-commerce", "/")],
)
def test_one_counter_read_and_one_unread_count_per_request(demo_accounts, username, path):
    from django.core.cache import cache

    cache.clear()  # the counts are computed (not served from the cache), so each asks for the counter
    counter, unread = _reads(demo_accounts[username], path)
    assert counter <= 1
    assert unread == 1
