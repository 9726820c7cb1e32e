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


def test_a_milestone_assigned_far_ahead_shows_on_the_owners_home_from_the_day_it_is_made(demo_accounts):
    """Issue 21: everything open, not only what falls due within seven days."""
    from departments.models import Department
    from tasks_app.plan.models import KeyTask
    from tasks_app.workflow.services import milestone_create

    far = milestone_create(
        task=KeyTask.objects.get(number=5),
        owner=Department.objects.get(code="customs"),
        title="明年一季度的通关便利化清单",
        due_date=timezone.localdate() + dt.timedelta(days=120),
        by=demo_accounts["supervisor"],
    )
    liaison = home_of(demo_accounts["liaison-customs"]).context["liaison"]
    assert far.pk in [m.pk for m in liaison["open"]["items"]]
    assert liaison["open"]["count"] == Milestone.objects.filter(
        owner__code="customs", status__in=["planned", "in_progress", "submitted"]
    ).count()
    assert far.pk not in [m.pk for m in liaison["due_soon"]["items"]]
    # Another department's liaison does not get it.
    assert far.pk not in [m.pk for m in home_of(demo_accounts["liaison-commerce"]).context["liaison"]["open"]["items"]]
    # The box's "all" link lists the open ones.
    client = Client()
    client.force_login(demo_accounts["liaison-customs"])
    listed = client.get(reverse("tasks_app:milestone_list"), {"owner": "customs", "status": "open"})
    assert "明年一季度的通关便利化清单" in listed.content.decode()


def test_the_notices_box_has_date_department_reply_date_and_read_state(demo_accounts):
    from departments.models import Department
    from tasks_app.plan.models import KeyTask
    from tasks_app.reminders.services import supervision_notice_issue
    from tasks_app.workflow.services import milestone_create

    late = milestone_create(
        task=KeyTask.objects.get(number=5),
        owner=Department.objects.get(code="customs"),
        title="跨境电商通关数据月报",
        due_date=timezone.localdate() + dt.timedelta(days=3),
        by=demo_accounts["supervisor"],
    )
    reply_due = timezone.localdate() + dt.timedelta(days=6)
    supervision_notice_issue(milestone=late, by=demo_accounts["supervisor"], message="请说明进度", reply_due=reply_due)
    page = home_of(demo_accounts["liaison-customs"])
    box = page.context["liaison"]["notices"]
    (told,) = box["items"]
    assert told.read_at is None
    html = page.content.decode()
    section = html[html.index('id="home-notices"') :]
    section = section[: section.index("</table>")]
    assert "跨境电商通关数据月报" in section
    assert "苏州海关" in section  # the department the notice is about
    assert reply_due.isoformat() in section
    assert timezone.localtime(told.created_at).date().isoformat() in section
    assert "未读" in section and "待签收" in section
    client = Client()
    client.force_login(demo_accounts["liaison-customs"])
    client.post(reverse("tasks_app:notification_read", args=[told.pk]))
    page = home_of(demo_accounts["liaison-customs"])
    assert page.context["liaison"]["notices"]["items"][0].read_at is not None
    html = page.content.decode()
    section = html[html.index('id="home-notices"') :]
    assert "已读" in section[: section.index("</table>")]
    # The lead department (市商务局, lead of every task) is told too; a department outside the task is not.
    assert len(home_of(demo_accounts["liaison-commerce"]).context["liaison"]["notices"]["items"]) == 1
    assert home_of(demo_accounts["liaison-qiaolian"]).context["liaison"]["notices"]["items"] == []


def test_the_district_home_lists_every_open_milestone_of_the_district(demo_accounts):
    from departments.models import Department, District
    from tasks_app.plan.models import KeyTask
    from tasks_app.workflow.services import milestone_create

    far = milestone_create(
        task=KeyTask.objects.get(number=5),
        owner=Department.objects.get(code="customs"),
        district=District.objects.get(code="sip"),
        title="园区海外仓备案",
        due_date=timezone.localdate() + dt.timedelta(days=200),
        by=demo_accounts["supervisor"],
    )
    district = home_of(demo_accounts["district-sip"]).context["district_home"]
    assert far.pk in [m.pk for m in district["milestones"]["items"]]
    assert district["milestones"]["count"] == Milestone.objects.filter(
        district__code="sip", status__in=["planned", "in_progress", "submitted"]
    ).count()


def test_the_liaisons_boxes_are_kept_until_the_data_changes(demo_accounts, django_capture_on_commit_callbacks):
    """The milestone boxes' HTML is kept under the change counter: a second visit reads no milestone
    box; a committed change shows at once; the other language gets its own."""
    from django.conf import settings
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from departments.models import Department
    from tasks_app.plan.models import KeyTask
    from tasks_app.workflow.services import milestone_create

    liaison = demo_accounts["liaison-customs"]
    client = Client()
    client.force_login(liaison)

    def visit(language="zh-hans"):
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
        with CaptureQueriesContext(connection) as queries:
            response = client.get(reverse("tasks_app:home"))
        boxes = [q["sql"] for q in queries if 'FROM "tasks_app_milestone"' in q["sql"]]
        return response.content.decode(), boxes

    first, box_queries = visit()
    assert box_queries  # drawn: the five boxes read their rows
    again, box_queries = visit()
    assert again.count("home-open") == first.count("home-open") == 1 and not box_queries
    with django_capture_on_commit_callbacks(execute=True):  # the change counter moves on commit
        milestone_create(
            task=KeyTask.objects.get(number=5),
            owner=Department.objects.get(code="customs"),
            title="缓存之后新建的节点",
            due_date=timezone.localdate() + dt.timedelta(days=3),
            by=demo_accounts["supervisor"],
        )
    changed, box_queries = visit()
    assert "缓存之后新建的节点" in changed and box_queries
    english, _ = visit("en")
    assert "Open, all due dates" in english and "Open, all due dates" not in changed
