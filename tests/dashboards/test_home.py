"""Each role's home page answers "what do I need to do today" — from the sample scenario."""

import datetime as dt
import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tasks_app.dashboards.home import HOME_LIST
from tasks_app.plan.models import Implementation
from tasks_app.workflow.models import Milestone, MilestoneStatus

SUZHOU = Milestone.objects.filter(task__plan__code="suzhou-cbec-2024-2026")


@pytest.fixture
def scenario(demo_accounts, settings):
    settings.DEBUG = True
    call_command("seed_demo", "--sample", stdout=io.StringIO())
    # seed_demo set the passwords again: fresh user objects, or their sessions would be refused.
    # The sample also loads a second, synthetic city: Suzhou's accounts see Suzhou's plan only.
    return {user.username: user for user in get_user_model().objects.all()}


def home_of(user):
    client = Client()
    client.force_login(user)
    response = client.get(reverse("tasks_app:home"))
    assert response.status_code == 200
    return response


def test_liaison_home_lists_its_own_work(scenario):
    response = home_of(scenario["liaison-commerce"])
    liaison = response.context["liaison"]
    today = timezone.localdate()
    expected_overdue = set(
        SUZHOU.filter(owner__code="commerce", due_date__lt=today)
        .exclude(status=MilestoneStatus.COMPLETED)
        .values_list("pk", flat=True)
    )
    assert liaison["overdue"]["count"] == len(expected_overdue)
    shown = [m.pk for m in liaison["overdue"]["items"]]
    assert len(shown) == min(len(expected_overdue), HOME_LIST) and set(shown) <= expected_overdue
    due_dates = [m.due_date for m in liaison["overdue"]["items"]]
    assert due_dates == sorted(due_dates)  # the longest overdue first
    assert all(m.owner.code == "commerce" for m in liaison["due_soon"]["items"] + liaison["returned"]["items"])
    assert all(today <= m.due_date <= today + dt.timedelta(days=7) for m in liaison["due_soon"]["items"])
    assert (
        liaison["awaiting_sign_off"]["count"]
        == SUZHOU.filter(owner__code="commerce", status=MilestoneStatus.SUBMITTED).count()
    )
    assert [t.number for t in liaison["lead_tasks"]] == list(range(1, 18))
    assert "supervision" not in response.context and "district_home" not in response.context


def test_supervision_home_has_the_board_the_queue_and_rejections(scenario):
    context = home_of(scenario["supervisor"]).context
    assert context["supervision"]["overdue_count"] > 0
    queue = context["supervision"]["sign_off_queue"]
    assert queue["count"] == SUZHOU.filter(status=MilestoneStatus.SUBMITTED).count() > 0
    assert all(m.status == MilestoneStatus.SUBMITTED for m in queue["items"])
    assert len(context["supervision"]["rejected"]) == 2
    assert "liaison" not in context


def test_district_home_is_its_own_checklist(scenario):
    context = home_of(scenario["district-sip"]).context["district_home"]
    assert context["district"].code == "sip"
    assert len(context["implementations"]) == 17
    assert {i.district.code for i in context["implementations"]} == {"sip"}
    assert context["confirmed"] == Implementation.objects.filter(district__code="sip", status="confirmed").count()


def test_leadership_home_has_plan_wide_progress(scenario):
    context = home_of(scenario["leader"]).context["leadership"]
    assert context["totals"]["total"] == SUZHOU.count()
    assert sum(row["total"] for row in context["by_section"]) == SUZHOU.count()
    assert context["implementations"] == 170
