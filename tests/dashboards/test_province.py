"""The province's view (/province/, /api/v1/province/): the cities side by side on the sample data —
each figure equal to one counted by hand over the rows — seen only by the province's supervision
office and leadership (404 for every city account), at a fixed number of queries."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from departments.demo import seed_demo_accounts
from departments.sample import seed_sample
from departments.selectors import government_count
from tasks_app.assessment.models import IndicatorReport
from tasks_app.assessment.periods import Period
from tasks_app.assessment.scoring import assessment_compute
from tasks_app.assessment.services import assessment_publish
from tasks_app.dashboards.models import ProvinceFigures
from tasks_app.plan.models import Implementation, Plan
from tasks_app.plan.plan_file import plan_file_parse
from tasks_app.plan.plan_io import plan_import
from tasks_app.reminders.models import Reminder, ReminderKind
from tasks_app.workflow.models import OPEN_STATUSES, Milestone, MilestoneStatus
from tasks_app.workflow.services import milestone_create

SUZHOU_PLAN = "suzhou-cbec-2024-2026"
EXAMPLE_PLAN = "example-city-cbec-2024-2026"
REFUSED = ["liaison-commerce", "supervisor", "leader", "district-sip", "example-city-supervisor"]


def _accounts():
    from django.contrib.auth import get_user_model

    return {user.username: user for user in get_user_model().objects.all()}


@pytest.fixture
def two_cities(suzhou_plan):
    """Suzhou and the synthetic second city with their demo accounts and the province's."""
    plan_import(plan_file_parse(settings.CBEC_EXAMPLE_CITY_PLAN_FILE.read_bytes()))
    seed_demo_accounts(password="cbec-demo-2026", province=True)
    government_count()  # cached across requests, as on a running site
    return _accounts()


@pytest.fixture
def sample(two_cities):
    seed_sample()
    return two_cities


def web(user=None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def api(user=None) -> APIClient:
    client = APIClient()
    if user is not None:
        client.force_login(user)
    return client


def _by_hand(plan: Plan, today: dt.date) -> dict:
    """The figures of one plan counted in Python over the rows."""
    milestones = [m for m in Milestone.objects.select_related("task") if m.task.plan_id == plan.pk]
    completed = [m for m in milestones if m.status == MilestoneStatus.COMPLETED]
    overdue = [m for m in milestones if m.status in OPEN_STATUSES and m.due_date < today]
    levels = {1: 0, 2: 0, 3: 0}
    for m in overdue:
        escalations = [r.level for r in Reminder.objects.filter(milestone=m, kind=ReminderKind.ESCALATION)]
        if escalations:
            levels[min(max(escalations), 3)] += 1
    implementations = [i for i in Implementation.objects.select_related("task") if i.task.plan_id == plan.pk]
    return {
        "milestones": {
            "total": len(milestones),
            "completed": len(completed),
            "on_time": sum(1 for m in completed if timezone.localtime(m.completed_at).date() <= m.baseline_due_date),
            "overdue": len(overdue),
        },
        "escalations": {"total": sum(levels.values()), "levels": levels},
        "confirmations": {
            "implementations": len(implementations),
            "confirmed": sum(1 for i in implementations if i.status == "confirmed"),
            "awaiting": sum(1 for i in implementations if i.status == "pending"),
            "rejected": sum(1 for i in implementations if i.status == "rejected"),
        },
    }


def test_the_figures_are_those_counted_by_hand(sample):
    today = timezone.localdate()
    response = web(sample["province-leader"]).get(reverse("tasks_app:province"))
    assert response.status_code == 200
    cities = response.context["province"]["cities"]
    assert [c["government"].code for c in cities] == ["suzhou", "example-city"]
    assert [c["plan"].code for c in cities] == [SUZHOU_PLAN, EXAMPLE_PLAN]
    for city in cities:
        expected = _by_hand(city["plan"], today)
        assert city["milestones"] == expected["milestones"], city["government"].code
        assert city["confirmations"] == expected["confirmations"], city["government"].code
        assert city["escalations"]["total"] == expected["escalations"]["total"]
        assert {row["level"]: row["count"] for row in city["escalations"]["levels"]} == expected["escalations"][
            "levels"
        ]
        # The sample has something in every column, or the comparison would prove little.
        assert expected["milestones"]["total"] > 0 and expected["milestones"]["overdue"] > 0
        assert expected["milestones"]["completed"] > 0 and expected["confirmations"]["confirmed"] > 0
    suzhou, example = cities
    assert suzhou["escalations"]["total"] > 0
    assert suzhou["confirmations"]["rejected"] == 2  # the sample rejects two of Suzhou's
    assert suzhou["confirmations"]["implementations"] == 170  # 17 tasks × 10 districts
    assert example["milestones"]["total"] == Milestone.objects.filter(task__plan__code=EXAMPLE_PLAN).count()
    # The board's escalation levels, every overdue milestone at most once.
    assert suzhou["escalations"]["total"] <= suzhou["milestones"]["overdue"]


def test_the_indicators_are_the_assessments_own(sample):
    """Each city indicator: its latest reported figure against that period's target, exactly as the
    assessment scores the city's figures for that period."""
    cities = web(sample["province-leader"]).get(reverse("tasks_app:province")).context["province"]["cities"]
    suzhou = cities[0]
    rows = {row["code"]: row for row in suzhou["indicators"]}
    assert rows["cbec_volume"]["period"] == "2025" and rows["cbec_volume"]["actual"] == "455.00"
    assert rows["new_cbec_firms"]["period"] == "2025" and rows["new_cbec_firms"]["actual"] == "612.00"
    for city in cities:
        for row in city["indicators"]:
            scored = assessment_compute(city["plan"], Period.parse(row["period"]))
            component = next(c for c in scored.city if c.label == row["name"])
            assert (row["target"], row["attainment"], row["rag"], row["note"]) == (
                component.target,
                component.attainment,
                component.rag,
                str(component.note),
            ), (city["government"].code, row["code"])
            if component.actual is not None:
                assert row["actual"] == component.actual
    # The second city has reported only its baseline (2023, before the plan): shown, not scored.
    volume = next(row for row in cities[1]["indicators"] if row["code"] == "cbec_volume")
    reported = IndicatorReport.objects.get(
        indicator__plan=cities[1]["plan"], indicator__code="cbec_volume", period="2023"
    )
    assert (volume["period"], volume["actual"], volume["target"]) == ("2023", str(reported.value), None)
    assert volume["final_target"] == "300.00"


def test_the_latest_publication_of_each_plan(sample):
    plans = {p.code: p for p in Plan.objects.all()}
    assessment_publish(plan=plans[SUZHOU_PLAN], period="2024", by=sample["supervisor"])
    latest = assessment_publish(plan=plans[SUZHOU_PLAN], period="2025", by=sample["supervisor"])
    assessment_publish(plan=plans[SUZHOU_PLAN], period="2025", by=sample["supervisor"], reason="更正")
    response = web(sample["province-leader"]).get(reverse("tasks_app:province"))
    suzhou, example = response.context["province"]["cities"]
    assert suzhou["publication"]["period"] == "2025" and suzhou["publication"]["version"] == latest.version + 1
    assert suzhou["publication"]["published_on"] == timezone.localdate()
    # The assessment page shows the viewer's current plan (Suzhou's): only that link is offered.
    assert suzhou["publication"]["url"] == "/plans/suzhou-cbec-2024-2026/assessment/2025/"
    assert example["publication"] is None
    html = response.content.decode()
    assert timezone.localdate().isoformat() in html and "尚未发布" in html
    body = api(sample["province-leader"]).get("/api/v1/province/").json()
    published = body["cities"][0]["publication"]
    assert published["published_on"] == timezone.localdate().isoformat()
    assert published["published_at"].endswith("+08:00")  # Asia/Shanghai
    assert body["cities"][1]["publication"] is None


@pytest.mark.parametrize("username", ["province-leader", "province-supervisor"])
def test_the_provinces_office_and_leadership_see_it(two_cities, username):
    user = two_cities[username]
    page = web(user).get(reverse("tasks_app:province"))
    assert page.status_code == 200
    assert "全省各市推进情况" in page.content.decode()
    assert f'href="{reverse("tasks_app:province")}"' in web(user).get(reverse("tasks_app:home")).content.decode()
    answer = api(user).get("/api/v1/province/")
    assert answer.status_code == 200
    assert [c["code"] for c in answer.json()["cities"]] == ["suzhou", "example-city"]


@pytest.mark.parametrize("username", REFUSED)
def test_no_one_else_learns_it_exists(two_cities, username):
    user = two_cities[username]
    assert web(user).get(reverse("tasks_app:province")).status_code == 404
    assert api(user).get("/api/v1/province/").status_code == 404
    home = web(user).get(reverse("tasks_app:home")).content.decode()
    assert reverse("tasks_app:province") not in home and "各市对比" not in home


def test_signed_out_is_sent_to_sign_in(two_cities):
    response = web().get(reverse("tasks_app:province"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    assert api().get("/api/v1/province/").status_code in (401, 403)


def test_an_administrator_sees_it(two_cities):
    assert web(two_cities["admin"]).get(reverse("tasks_app:province")).status_code == 200


def test_in_english(two_cities):
    client = web(two_cities["province-leader"])
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    html = client.get(reverse("tasks_app:province")).content.decode()
    for english in ("How the province's cities are doing", "Headline indicators", "Latest published assessment"):
        assert english in html.replace("&#x27;", "'"), english
    assert "全省各市推进情况" not in html


def _third_city():
    data = plan_file_parse(settings.CBEC_EXAMPLE_CITY_PLAN_FILE.read_bytes())
    data["government"] = {"code": "third-city", "name": "第三市", "name_en": "Third City", "level": "city"}
    data["plan"]["code"] = "third-city-cbec-2024-2026"
    plan_import(data)


def test_the_cost_stays_the_same_with_more_milestones_and_cities(two_cities):
    """Two cities with nothing done, then the sample's milestones, reminders and confirmations, more
    milestones still, and a third city: the same number of queries (no query per city or row)."""
    leader = two_cities["province-leader"]

    def cost(path):
        ProvinceFigures.objects.all().delete()  # the tallies are kept: count what computing them costs
        with CaptureQueriesContext(connection) as queries:
            assert web(leader).get(path).status_code == 200
        return len(queries)

    before = {path: cost(path) for path in (reverse("tasks_app:province"), "/api/v1/province/")}
    seed_sample()
    plan = Plan.objects.get(code=EXAMPLE_PLAN)
    task = plan.tasks.order_by("number").first()
    owner = task.responsibilities.first().department
    for days in (-30, -3, 5, 40):
        milestone_create(
            task=task,
            owner=owner,
            district=None,
            due_date=timezone.localdate() + dt.timedelta(days=days),
            by=two_cities["example-city-supervisor"],
            title=f"再加一个节点 {days}",
        )
    assert {path: cost(path) for path in before} == before
    _third_city()
    government_count()
    after = {path: cost(path) for path in before}
    assert after == before
    third = web(leader).get(reverse("tasks_app:province")).context["province"]["cities"][-1]
    assert third["government"].code == "third-city" and third["confirmations"]["implementations"] > 0


def test_the_api_answer_matches_its_schema(sample):
    import schemathesis
    from django.core.handlers.wsgi import WSGIHandler
    from schemathesis.specs.openapi.checks import response_schema_conformance, status_code_conformance

    from accounts.services import issue_token
    from tests.project.test_schemathesis import in_test_transaction

    leader = sample["province-leader"]
    client = api(leader)
    document = json.loads(client.get("/api/v1/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").content)
    assert "/api/v1/province/" in document["paths"]
    schema = schemathesis.openapi.from_dict(document)
    schema.app = WSGIHandler()
    operation = schema["/api/v1/province/"]["GET"]
    _, token = issue_token(leader)
    headers = {"Authorization": f"Token {token}"}
    with in_test_transaction():
        case = operation.Case()
        response = case.call(headers=headers)
        assert response.status_code == 200
        case.validate_response(response, checks=[status_code_conformance, response_schema_conformance])
        for username in ("supervisor", "district-sip"):
            _, other = issue_token(sample[username])
            refused = case.call(headers={"Authorization": f"Token {other}"})
            assert refused.status_code == 404
            case.validate_response(refused, checks=[status_code_conformance, response_schema_conformance])
