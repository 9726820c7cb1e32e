"""Bulk actions of the overdue board: the supervision office sends one 督办 notice to each ticked
milestone; anyone exports the ticked rows; only rows the user sees as overdue are acted on."""

import io

import openpyxl
import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from departments.sample import seed_sample
from tasks_app.reminders.models import Reminder, ReminderKind
from tasks_app.reminders.selectors import overdue_milestones
from tasks_app.reminders.services import BULK_NOTICES_MOST
from tasks_app.workflow.models import Milestone, MilestoneStatus


@pytest.fixture
def sample(demo_accounts):
    seed_sample()
    return demo_accounts


def _client(user):
    client = Client()
    client.force_login(user)
    return client


def _overdue_ids(user, n=None):
    ids = list(overdue_milestones(user, as_of=timezone.localdate()).order_by("pk").values_list("pk", flat=True))
    return ids[:n] if n else ids


def test_the_office_sends_one_notice_to_each_ticked_milestone(sample):
    office = sample["supervisor"]
    ticked = _overdue_ids(office, 3)
    completed = Milestone.objects.filter(status=MilestoneStatus.COMPLETED).first()
    response = _client(office).post(
        reverse("tasks_app:overdue_bulk"),
        {
            "action": "notice",
            "message": "请于三日内报送整改情况",
            "pk": [*ticked, completed.pk],
            "back": "?owner=customs",
        },
    )
    assert response.status_code == 302 and response["Location"] == reverse("tasks_app:overdue_board") + "?owner=customs"
    notices = Reminder.objects.filter(kind=ReminderKind.MANUAL, message="请于三日内报送整改情况")
    assert sorted(notices.values_list("milestone_id", flat=True)) == sorted(ticked)
    assert all(n.issued_by_id == office.pk for n in notices)
    page = _client(office).get(reverse("tasks_app:overdue_board"))
    html = page.content.decode()
    assert 'name="pk"' in html and "督办所选" in html


@pytest.mark.parametrize("role", ["leader", "liaison-commerce", "district-sip"])
def test_others_may_not_send_notices_but_may_export_what_they_see(sample, role):
    user = sample[role]
    mine = _overdue_ids(user)
    theirs = [pk for pk in _overdue_ids(sample["supervisor"]) if pk not in mine][:2]
    client = _client(user)
    refused = client.post(reverse("tasks_app:overdue_bulk"), {"action": "notice", "message": "x", "pk": mine[:2]})
    assert refused.status_code == 403
    assert not Reminder.objects.filter(kind=ReminderKind.MANUAL, message="x").exists()
    assert "督办所选" not in client.get(reverse("tasks_app:overdue_board")).content.decode()
    export = client.post(reverse("tasks_app:overdue_bulk"), {"action": "xlsx", "pk": mine[:2] + theirs})
    assert export.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(export.streaming_content))).active
    # Row 1 is the sheet's title, row 2 the headers; column A numbers the rows (exports/sheets.py).
    titles = [row[1] for row in sheet.iter_rows(min_row=3, values_only=True) if row[1]]
    expected = set(Milestone.objects.filter(pk__in=mine[:2]).values_list("title", flat=True))
    assert set(titles) >= expected
    leaked = set(Milestone.objects.filter(pk__in=theirs).values_list("title", flat=True)) - expected
    assert not (set(titles) & leaked)


def test_bad_bulk_input_is_answered_not_crashed(sample):
    client = _client(sample["supervisor"])
    url = reverse("tasks_app:overdue_bulk")
    assert client.post(url, {"action": "nonsense"}).status_code == 400
    assert client.post(url, {"action": "notice", "message": "x", "pk": ["1x"]}).status_code == 400
    ticked = _overdue_ids(sample["supervisor"], 2)
    empty = client.post(url, {"action": "notice", "message": "  ", "pk": ticked}, follow=True)
    assert empty.status_code == 200 and not Reminder.objects.filter(kind=ReminderKind.MANUAL).exists()
    none = client.post(url, {"action": "notice", "message": "请整改"}, follow=True)
    assert "请勾选" in none.content.decode()
    assert client.get(url).status_code == 405


def test_there_is_a_cap_on_one_bulk_notice(sample, monkeypatch):
    monkeypatch.setattr("tasks_app.reminders.services.BULK_NOTICES_MOST", 2)
    client = _client(sample["supervisor"])
    ticked = _overdue_ids(sample["supervisor"], 3)
    assert len(ticked) == 3 and BULK_NOTICES_MOST >= 100
    client.post(reverse("tasks_app:overdue_bulk"), {"action": "notice", "message": "请整改", "pk": ticked})
    assert not Reminder.objects.filter(kind=ReminderKind.MANUAL).exists()
