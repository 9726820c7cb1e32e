"""Who sees what across cities: a city's accounts see their city's plan and units only (404 for the
other city's, lists never mix), with the existing URLs; the province's leader reads every city."""

import io
import json

import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from departments.demo import seed_demo_accounts
from departments.models import Department, District
from departments.selectors import user_government_ids
from tasks_app.plan.models import KeyTask, Plan
from tasks_app.plan.plan_file import plan_file_parse
from tasks_app.plan.plan_io import plan_import
from tasks_app.plan.selectors import current_plan
from tasks_app.workflow.models import Milestone
from tasks_app.workflow.services import milestone_create

EXAMPLE_PLAN = "example-city-cbec-2024-2026"


@pytest.fixture
def accounts(suzhou_plan):
    from django.contrib.auth import get_user_model

    plan_import(plan_file_parse(settings.CBEC_EXAMPLE_CITY_PLAN_FILE.read_bytes()))
    seed_demo_accounts(password="cbec-demo-2026", province=True)
    return {user.username: user for user in get_user_model().objects.all()}


def web(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def api(user) -> APIClient:
    client = APIClient()
    client.force_login(user)
    return client


def test_each_city_sees_its_own_plan_at_the_same_urls(accounts):
    page = web(accounts["example-city-supervisor"]).get(reverse("tasks_app:plan_overview"))
    assert page.context["plan"].code == EXAMPLE_PLAN and page.context["district_count"] == 4
    page = web(accounts["supervisor"]).get(reverse("tasks_app:plan_overview"))
    assert page.context["plan"].code == "suzhou-cbec-2024-2026" and page.context["district_count"] == 10
    listed = api(accounts["example-city-liaison-commerce"]).get("/api/v1/tasks/", {"limit": 100}).json()["results"]
    assert [t["number"] for t in listed] == [1, 2, 3, 4, 5]
    assert api(accounts["example-city-liaison-commerce"]).get("/api/v1/tasks/17/").status_code == 404
    assert api(accounts["liaison-commerce"]).get("/api/v1/tasks/", {"limit": 100}).json()["count"] == 17


def test_unit_lists_and_pages_never_mix(accounts):
    example, suzhou = accounts["example-city-supervisor"], accounts["supervisor"]
    names = {d["name"] for d in api(example).get("/api/v1/departments/", {"limit": 100}).json()["results"]}
    assert names == set(Department.objects.filter(government__code="example-city").values_list("name", flat=True))
    assert "市商务局" not in names and len(names) == 6
    assert api(suzhou).get("/api/v1/departments/", {"limit": 100}).json()["count"] == 22
    assert {d["code"] for d in api(example).get("/api/v1/districts/", {"limit": 100}).json()["results"]} == {
        "lakeside",
        "hillview",
        "riverport",
        "newtown",
    }
    # The same code names each city's own department; another city's district is not there at all.
    page = web(example).get(reverse("tasks_app:department_detail", kwargs={"code": "commerce"}))
    assert page.context["department"].name == "示例市商务局"
    assert web(suzhou).get(reverse("tasks_app:department_detail", kwargs={"code": "commerce"})).context[
        "department"
    ].name == ("市商务局")
    assert web(example).get(reverse("tasks_app:district_detail", kwargs={"code": "sip"})).status_code == 404
    assert web(suzhou).get(reverse("tasks_app:district_detail", kwargs={"code": "lakeside"})).status_code == 404
    assert api(example).get("/api/v1/districts/sip/").status_code == 404
    listed = web(example).get(reverse("tasks_app:department_list")).context["rows"]
    assert {row["department"].government.code for row in listed} == {"example-city"}


def test_milestones_of_one_city_are_404_for_the_other(accounts):
    due = timezone.localdate() + timezone.timedelta(days=20)
    example_task = KeyTask.objects.get(plan__code=EXAMPLE_PLAN, number=3)
    example_customs = Department.objects.get(government__code="example-city", code="customs")
    theirs = milestone_create(
        task=example_task, owner=example_customs, title="示例节点", due_date=due, by=accounts["example-city-supervisor"]
    )
    suzhou_task = KeyTask.objects.get(plan__code="suzhou-cbec-2024-2026", number=5)
    ours = milestone_create(
        task=suzhou_task,
        owner=Department.objects.get(government__code="suzhou", code="customs"),
        title="苏州节点",
        due_date=due,
        by=accounts["supervisor"],
    )
    for username, foreign, own in (("supervisor", theirs, ours), ("example-city-supervisor", ours, theirs)):
        user = accounts[username]
        assert web(user).get(reverse("tasks_app:milestone_detail", kwargs={"pk": foreign.pk})).status_code == 404
        assert api(user).get(f"/api/v1/milestones/{foreign.pk}/").status_code == 404
        assert web(user).get(reverse("tasks_app:milestone_detail", kwargs={"pk": own.pk})).status_code == 200
        listed = {m["id"] for m in api(user).get("/api/v1/milestones/", {"limit": 1000}).json()["results"]}
        assert own.pk in listed and foreign.pk not in listed
    # The example city's liaison of "customs" is not Suzhou's customs (same code, other department).
    liaison = accounts["example-city-liaison-customs"]
    assert api(liaison).get(f"/api/v1/milestones/{ours.pk}/").status_code == 404
    assert api(liaison).get(f"/api/v1/milestones/{theirs.pk}/").status_code == 200
    # Creating through the API names units by code within the user's own city.
    body = {"task": 3, "owner": "customs", "title": "新节点", "due_date": str(due)}
    created = api(liaison).post("/api/v1/milestones/", body, format="json")
    assert created.status_code == 201, created.content
    assert Milestone.objects.get(pk=created.json()["id"]).owner == example_customs
    wrong = api(liaison).post("/api/v1/milestones/", {**body, "district": "sip"}, format="json")
    assert wrong.status_code == 400 and "district" in wrong.json()


def test_the_province_leader_reads_every_city_and_changes_nothing(accounts):
    leader = accounts["province-leader"]
    assert user_government_ids(leader) is None
    assert leader.has_perm("tasks_app.view_milestone") and not leader.has_perm("tasks_app.approve_milestone")
    due = timezone.localdate() + timezone.timedelta(days=20)
    theirs = milestone_create(
        task=KeyTask.objects.get(plan__code=EXAMPLE_PLAN, number=3),
        owner=Department.objects.get(government__code="example-city", code="customs"),
        title="示例节点",
        due_date=due,
        by=accounts["example-city-supervisor"],
    )
    ours = milestone_create(
        task=KeyTask.objects.get(plan__code="suzhou-cbec-2024-2026", number=5),
        owner=Department.objects.get(government__code="suzhou", code="customs"),
        title="苏州节点",
        due_date=due,
        by=accounts["supervisor"],
    )
    # Pages by id reach both cities; the API works within the default (Suzhou's) plan until plans
    # are named in the URL (issue 19, item 2).
    for milestone in (theirs, ours):
        assert web(leader).get(reverse("tasks_app:milestone_detail", kwargs={"pk": milestone.pk})).status_code == 200
        edit = web(leader).post(
            reverse("tasks_app:milestone_transition", kwargs={"pk": milestone.pk}), {"action": "start"}
        )
        assert edit.status_code == 403
    assert api(leader).get(f"/api/v1/milestones/{ours.pk}/").status_code == 200
    response = api(leader).post(f"/api/v1/milestones/{ours.pk}/transition/", {"action": "start"}, format="json")
    assert response.status_code == 403


def test_a_users_government_follows_from_their_groups(accounts):
    assert user_government_ids(accounts["district-sip"]) == {
        Plan.objects.get(code="suzhou-cbec-2024-2026").government_id
    }
    lakeside = accounts["example-city-district-lakeside"]
    example = Plan.objects.get(code=EXAMPLE_PLAN)
    assert user_government_ids(lakeside) == {example.government_id}
    assert current_plan(lakeside) == example
    assert current_plan() == Plan.objects.get(code="suzhou-cbec-2024-2026")  # outside a request: the default
    assert District.objects.get(group__user=lakeside).government_id == example.government_id


def test_seed_demo_sample_loads_the_second_city_and_the_province(suzhou_plan, settings):
    settings.DEBUG = True
    suzhou_before = io.StringIO()
    call_command("export_plan", "--plan", "suzhou-cbec-2024-2026", stdout=suzhou_before)
    units = ("departments", "districts", "sections")
    out = io.StringIO()
    call_command("seed_demo", "--sample", stdout=out)
    assert "Example second city (synthetic)" in out.getvalue()
    from django.contrib.auth import get_user_model

    users = get_user_model().objects
    assert users.filter(username="province-leader").exists()
    assert users.filter(username="example-city-liaison-data-bureau").exists()
    assert Milestone.objects.filter(task__plan__code=EXAMPLE_PLAN).exists()
    assert Milestone.objects.filter(task__plan__code="suzhou-cbec-2024-2026").exists()
    suzhou_after = io.StringIO()
    call_command("export_plan", "--plan", "suzhou-cbec-2024-2026", stdout=suzhou_after)
    # The sample adds Suzhou's figures; its units and tasks are as they were.
    after, before = json.loads(suzhou_after.getvalue()), json.loads(suzhou_before.getvalue())
    assert {key: after[key] for key in units} == {key: before[key] for key in units}


def test_another_citys_publication_is_its_own(accounts):
    """The second city's office publishes its 2025 通报: Suzhou's 2025 stays unpublished, Suzhou's
    districts see no figure opened by it, and each office sees only its own versions."""
    from tasks_app.assessment.models import AssessmentPublication
    from tasks_app.assessment.periods import Period
    from tasks_app.assessment.permissions import indicator_reports_visible_to
    from tasks_app.assessment.services import assessment_publish, assessment_withdraw

    example = Plan.objects.get(code=EXAMPLE_PLAN)
    suzhou = Plan.objects.get(code="suzhou-cbec-2024-2026")
    published = assessment_publish(plan=example, period=Period.parse("2025"), by=accounts["example-city-supervisor"])
    assert published.plan == example and published.version == 1
    assert not AssessmentPublication.objects.filter(plan=suzhou).exists()
    # Suzhou publishes its own 2025 as its version 1 (not a correction of the other city's).
    own = assessment_publish(plan=suzhou, period=Period.parse("2025"), by=accounts["supervisor"])
    assert own.version == 1
    page = web(accounts["supervisor"]).get(reverse("tasks_app:assessment", kwargs={"period": "2025"}))
    assert len(page.context["versions"]) == 1  # Suzhou's own version only
    listed = api(accounts["example-city-supervisor"]).get("/api/v1/assessment/2025/publications/").json()
    assert [v["version"] for v in listed["versions"]] == [1] and len(listed["versions"]) == 1
    # Withdrawing the other city's leaves Suzhou's in force.
    office = accounts["example-city-supervisor"]
    assessment_withdraw(plan=example, period=Period.parse("2025"), by=office, reason="有误")
    assert AssessmentPublication.objects.get(plan=suzhou, period="2025").status == "current"
    # A Suzhou district's view of figures is opened by Suzhou's publication only.
    gusu = accounts["district-gusu"]
    visible = indicator_reports_visible_to(gusu)
    assert not visible.filter(indicator__plan=example).exists()
    # Nor does Suzhou's office list another city's figures (its own city-wide ones included).
    assert not indicator_reports_visible_to(accounts["supervisor"]).filter(indicator__plan=example).exists()
    assert indicator_reports_visible_to(accounts["example-city-supervisor"]).filter(indicator__plan=example).exists()
