"""The assessment's overdue list is read when it is looked at, a page at a time: at a city's scale it
runs to six figures (185,000 at a million milestones), and every view of the page used to read and
keep all of it. The page reads its 50, the next page the next ones, the notice and the API all of
them, in the 通报's order (due date, task, milestone); a unit's own view only its own."""

import datetime as dt
import io

import docx
import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from rest_framework.test import APIClient

from departments.models import Department, District
from tasks_app.assessment.components import OverdueItems
from tasks_app.assessment.models import AssessmentPublication
from tasks_app.assessment.scoring import Period, assessment_compute
from tasks_app.plan.models import KeyTask
from tasks_app.workflow.models import Milestone
from tasks_app.workflow.services import milestone_create

OVERDUE = 57  # more than one page of 50


@pytest.fixture
def overdue_2024(suzhou_plan, demo_accounts):
    """57 milestones due in 2024 and still open at its end, of two departments, a third in 园区."""
    customs, finance = Department.objects.get(code="customs"), Department.objects.get(code="finance")
    sip = District.objects.get(code="sip")
    tasks = {number: KeyTask.objects.get(number=number) for number in (6, 9)}
    made = [
        milestone_create(
            task=tasks[6 if n % 2 else 9],
            owner=customs if n % 2 else finance,
            district=sip if n % 3 == 0 else None,
            title=f"逾期{n:02d}",
            due_date=dt.date(2024, 3, 1) + dt.timedelta(days=n % 20),
            by=demo_accounts["supervisor"],
        )
        for n in range(OVERDUE)
    ]
    Milestone.objects.filter(pk__in=[m.pk for m in made]).update(created_at=dt.datetime(2024, 1, 2, 9, tzinfo=dt.UTC))
    return list(
        Milestone.objects.filter(pk__in=[m.pk for m in made])
        .order_by("due_date", "task__number", "id")
        .values_list("title", flat=True)
    )


def _page(user, **params):
    client = Client()
    client.force_login(user)
    with CaptureQueriesContext(connection) as read:
        response = client.get(reverse("tasks_app:assessment", kwargs={"period": "2024"}), params)
    assert response.status_code == 200
    return response.context["overdue_page"], [q["sql"] for q in read.captured_queries]


def test_the_page_reads_one_page_of_the_overdue_list_in_the_notices_order(overdue_2024, demo_accounts):
    first, queries = _page(demo_accounts["supervisor"])
    second, _ = _page(demo_accounts["supervisor"], overdue_page=2)  # from the cache: the list's question
    assert first.paginator.count == OVERDUE
    assert [m["title"] for m in first] + [m["title"] for m in second] == overdue_2024
    listed = [sql for sql in queries if '"tasks_app_milestone"."title"' in sql]
    assert len(listed) == 1 and "LIMIT 50" in listed[0]  # one page, never the whole list
    assert all(m["days_overdue"] == (dt.date(2024, 12, 31) - dt.date.fromisoformat(m["due_date"])).days for m in first)


def test_the_api_and_a_units_own_view_carry_the_whole_list(overdue_2024, demo_accounts):
    def overdue_of(who):
        client = APIClient()
        client.force_authenticate(demo_accounts[who])
        return [m["title"] for m in client.get("/api/v1/assessment/2024/").json()["overdue"]]

    assert overdue_of("supervisor") == overdue_2024
    in_sip = [title for title in overdue_2024 if int(title[2:]) % 3 == 0]
    assert overdue_of("district-sip") == in_sip
    of_customs = [title for title in overdue_2024 if int(title[2:]) % 2]
    assert overdue_of("liaison-customs") == of_customs
    page, _ = _page(demo_accounts["district-sip"])
    assert page.paginator.count == len(in_sip) and [m["title"] for m in page] == in_sip


def test_the_counts_and_the_list_agree(overdue_2024, suzhou_plan):
    result = assessment_compute(suzhou_plan, Period(2024), as_of=dt.date(2026, 11, 1))
    assert len(result.overdue) == OVERDUE == sum(row.facts["overdue"] for row in result.departments)
    assert [m["title"] for m in result.overdue] == overdue_2024
    assert result.overdue[-1]["title"] == overdue_2024[-1] and result.overdue[10:12] == list(result.overdue)[10:12]
    with pytest.raises(IndexError):
        result.overdue[OVERDUE]


def test_a_publication_never_freezes_counts_and_a_list_that_disagree(overdue_2024, demo_accounts, monkeypatch):
    """The counts and the list are two reads; a milestone completed between them is simulated by a
    list that misses an item. Published: read again until they agree; never: refused (409)."""
    reads = {"n": 0}
    whole = OverdueItems.__iter__

    def raced_once(self):
        reads["n"] += 1
        items = list(whole(self))
        return iter(items[1:] if reads["n"] == 1 else items)

    monkeypatch.setattr(OverdueItems, "__iter__", raced_once)
    office = APIClient()
    office.force_authenticate(demo_accounts["supervisor"])
    assert office.post("/api/v1/assessment/2024/publish/", {"remarks": "第一期"}, format="json").status_code == 201
    published = AssessmentPublication.objects.get(period="2024").snapshot
    assert [m["title"] for m in published["overdue"]] == overdue_2024 and reads["n"] >= 2

    monkeypatch.setattr(OverdueItems, "__iter__", lambda self: iter(list(whole(self))[1:]))
    answer = office.post("/api/v1/assessment/2024/publish/", {"reason": "更正", "remarks": "第二期"}, format="json")
    assert answer.status_code == 409
    assert AssessmentPublication.objects.filter(period="2024").count() == 1


def test_the_notice_page_numbers_its_rows_across_pages(overdue_2024, demo_accounts):
    client = Client()
    client.force_login(demo_accounts["supervisor"])
    notice = reverse("tasks_app:assessment_notice", kwargs={"period": "2024"})
    first = client.get(notice).context
    second = client.get(notice, {"page": 2}).context
    assert f"共{OVERDUE}项" in first["overdue_heading"]
    rows = list(first["overdue_page"]) + list(second["overdue_page"])
    assert [row[0] for row in rows] == [str(n) for n in range(1, OVERDUE + 1)]
    assert [row[2] for row in rows] == overdue_2024
    document = docx.Document(io.BytesIO(client.get(notice, {"format": "docx"}).content))
    listed = document.tables[-1].rows[1:]  # section 三, under its header
    assert [row.cells[2].text for row in listed] == overdue_2024 and listed[-1].cells[0].text == str(OVERDUE)
