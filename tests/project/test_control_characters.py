"""Control characters never reach storage (issue "Hardening", item 6): a title with a vertical tab or an
escape character used to be accepted, and the overdue XLSX and the .docx notice then answered 500."""

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone
from rest_framework.test import APIClient

from departments.models import Department
from tasks_app.plan.models import KeyTask
from tasks_app.workflow.models import Milestone
from tasks_app.workflow.services import milestone_create, milestone_transition


@pytest.mark.parametrize("title", ["跨境\x0b品牌", "跨境\x1b[31m品牌", "跨境\x7f品牌"])
def test_a_title_with_control_characters_is_stored_without_them(demo_accounts, title):
    api = APIClient()
    api.force_authenticate(demo_accounts["supervisor"])
    due = (timezone.localdate() + dt.timedelta(days=9)).isoformat()
    response = api.post(
        "/api/v1/milestones/", {"task": 5, "owner": "customs", "title": title, "due_date": due}, format="json"
    )
    assert response.status_code == 201, response.content
    stored = Milestone.objects.get(pk=response.json()["id"]).title
    assert stored.startswith("跨境") and stored.endswith("品牌")
    assert not any(ord(ch) < 32 or ord(ch) == 127 for ch in stored)


def test_a_nul_byte_is_refused_with_the_field(demo_accounts):
    api = APIClient()
    api.force_authenticate(demo_accounts["supervisor"])
    due = (timezone.localdate() + dt.timedelta(days=9)).isoformat()
    response = api.post(
        "/api/v1/milestones/", {"task": 5, "owner": "customs", "title": "跨境\x00品牌", "due_date": due}, format="json"
    )
    assert response.status_code == 400 and "title" in response.json()


def test_tabs_and_line_breaks_stay(demo_accounts):
    milestone = milestone_create(
        task=KeyTask.objects.get(number=5),
        owner=Department.objects.get(code="customs"),
        title="甲",
        description="第一行\n第二行\t完",
        due_date=timezone.localdate() + dt.timedelta(days=9),
        by=demo_accounts["supervisor"],
    )
    milestone.refresh_from_db()
    assert milestone.description == "第一行\n第二行\t完"


def test_the_overdue_xlsx_and_the_notice_still_answer_after_such_a_title(demo_accounts):
    milestone = milestone_create(
        task=KeyTask.objects.get(number=5),
        owner=Department.objects.get(code="customs"),
        title="逾期\x0b节点\x1b",
        due_date=timezone.localdate() - dt.timedelta(days=20),
        by=demo_accounts["supervisor"],
    )
    milestone_transition(milestone=milestone, action="start", by=demo_accounts["liaison-customs"])
    office = Client()
    office.force_login(demo_accounts["supervisor"])
    xlsx = office.get("/overdue/?_export=xlsx")
    assert xlsx.status_code == 200
    body = b"".join(xlsx.streaming_content) if xlsx.streaming else xlsx.content
    assert body.startswith(b"PK")  # a complete workbook, not an error page
    year = timezone.localdate().year
    notice = office.get(f"/assessment/{year}/notice/?format=docx")
    assert notice.status_code == 200
