"""One plausibility range for every date and period (issue "Hardening", item 1): 1026-11-24, year 1
and 9999-12-31 used to be accepted as due dates, extensions and figures — and one such milestone, once
started, stopped the reminder scan for the whole deployment."""

import datetime as dt
import json

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from departments.models import Department
from tasks_app.plan.models import KeyTask
from tasks_app.plan.plan_file import PlanFileError, plan_file_validate
from tasks_app.workflow.models import Milestone
from tasks_app.workflow.services import milestone_create, milestone_transition

IMPLAUSIBLE = ["1026-11-24", "0001-01-01", "9999-12-31", "1899-12-31"]


def _api(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.mark.parametrize("due", IMPLAUSIBLE)
def test_the_api_refuses_an_implausible_due_date_with_the_field(demo_accounts, due):
    response = _api(demo_accounts["supervisor"]).post(
        "/api/v1/milestones/", {"task": 5, "owner": "customs", "title": "甲", "due_date": due}, format="json"
    )
    assert response.status_code == 400 and "due_date" in response.json()
    assert not Milestone.objects.exists()


@pytest.mark.parametrize("due", IMPLAUSIBLE)
def test_the_page_refuses_an_implausible_due_date_with_the_field(demo_accounts, due):
    client = Client()
    client.force_login(demo_accounts["supervisor"])
    customs = Department.objects.get(code="customs")
    response = client.post(
        reverse("tasks_app:milestone_create", kwargs={"number": 5}),
        {"title": "甲", "owner": customs.pk, "due_date": due, "district": "", "description": ""},
    )
    assert response.status_code == 400
    assert response.context["form"].errors.get("due_date")


@pytest.mark.parametrize("due", ["1026-11-24", "0001-01-01", "9999-12-31"])
def test_the_office_cannot_extend_to_an_implausible_date(demo_accounts, due):
    milestone = milestone_create(
        task=KeyTask.objects.get(number=5),
        owner=Department.objects.get(code="customs"),
        title="甲",
        due_date=timezone.localdate() + dt.timedelta(days=5),
        by=demo_accounts["supervisor"],
    )
    milestone = milestone_transition(milestone=milestone, action="start", by=demo_accounts["liaison-customs"])
    api = _api(demo_accounts["supervisor"])
    response = api.patch(
        f"/api/v1/milestones/{milestone.pk}/",
        {"due_date": due, "reason": "企业申请", "version": milestone.version},
        format="json",
    )
    assert response.status_code == 400 and "due_date" in response.json()
    client = Client()
    client.force_login(demo_accounts["supervisor"])
    page = client.post(
        reverse("tasks_app:milestone_extend", kwargs={"pk": milestone.pk}),
        {"due_date": due, "reason": "企业申请", "version": milestone.version},
    )
    assert page.status_code == 400
    milestone.refresh_from_db()
    assert milestone.due_date == milestone.baseline_due_date


@pytest.mark.parametrize("period", ["1899", "9999", "1899-Q3", "0000"])
def test_figures_for_implausible_periods_are_refused(demo_accounts, period):
    response = _api(demo_accounts["supervisor"]).post(
        "/api/v1/indicator-reports/",
        {"indicator": "cbec_volume", "district": "kunshan", "period": period, "value": "10"},
        format="json",
    )
    assert response.status_code == 400 and "period" in response.json()


def test_a_plan_file_with_an_implausible_year_is_refused_with_its_place(suzhou_plan):
    from tasks_app.plan.plan_io import plan_export
    from tasks_app.plan.selectors import current_plan

    data = json.loads(json.dumps(plan_export(current_plan())))
    data["plan"]["end_year"] = 9999
    data["indicators"][0]["targets"][0]["year"] = 1026
    with pytest.raises(PlanFileError) as refused:
        plan_file_validate(data)
    places = [place for place, _message in refused.value.problems]
    assert "$.plan.end_year" in places
    assert "$.indicators[0].targets[0].year" in places
