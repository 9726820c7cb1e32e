"""Issue 19 item 2: plans side by side. Every page and API call works within one plan — named in
the URL (/plans/<code>/…), the current plan of the user's government by default — the switcher
lists only the plans the user may see, and a plan that has ended is read-only until the supervision
office reopens it with a reason."""

from __future__ import annotations

import datetime as dt

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from departments.demo import seed_demo_accounts
from departments.models import Department
from tasks_app.plan.models import KeyTask, Plan, Section
from tasks_app.plan.plan_file import plan_file_parse
from tasks_app.plan.plan_io import plan_import
from tasks_app.plan.services import PlanReadOnly
from tasks_app.reminders.models import Reminder
from tasks_app.reminders.services import reminders_scan
from tasks_app.workflow.models import Milestone
from tasks_app.workflow.services import milestone_create, milestone_transition, progress_update_create

SUZHOU = "suzhou-cbec-2024-2026"
SUCCESSOR = "suzhou-cbec-2027-2029"
EXAMPLE = "example-city-cbec-2024-2026"


@pytest.fixture
def plans(suzhou_plan):
    """Suzhou's plan, its successor loaded beside it, and a second city's plan."""
    plan_import(plan_file_parse(settings.CBEC_EXAMPLE_CITY_PLAN_FILE.read_bytes()))
    seed_demo_accounts(password="cbec-demo-2026", province=True)
    successor = Plan.objects.create(
        code=SUCCESSOR,
        government=suzhou_plan.government,
        title="苏州跨境电商综试区三年行动计划（2027—2029年）",
        start_year=2027,
        end_year=2029,
    )
    section = Section.objects.create(plan=successor, number=1, title="继任计划的第一部分")
    KeyTask.objects.create(plan=successor, section=section, number=1, title="继任计划的首个任务", text="……")
    users = {user.username: user for user in get_user_model().objects.all()}
    return {"suzhou": suzhou_plan, "successor": successor, "users": users}


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def _end(plan: Plan) -> None:
    """The plan's last year is behind us (the test moves the plan, not the clock)."""
    year = timezone.localdate().year - 1
    plan.end_year = year
    plan.start_year = min(plan.start_year, year)
    plan.save(update_fields=["start_year", "end_year"])


def test_pages_and_api_answer_within_the_plan_in_the_url(plans):
    office = signed_in(plans["users"]["supervisor"])
    default = office.get("/plan/")
    assert default.context["plan"].code == SUZHOU  # the running plan stays the default
    within = office.get(f"/plans/{SUCCESSOR}/plan/")
    assert within.status_code == 200 and within.context["plan"].code == SUCCESSOR
    html = within.content.decode()
    assert "继任计划的首个任务" in html
    # Every link the page makes stays within the plan; static files do not move.
    assert f'href="/plans/{SUCCESSOR}/milestones/"' in html
    assert 'href="/static/' in html or "/static/" in html
    assert f"/plans/{SUCCESSOR}/static/" not in html
    # Outside the request, addresses are the plain ones again.
    assert reverse("tasks_app:plan_overview") == "/plan/"
    # The API too: the successor's one task there, Suzhou's 17 by default.
    assert [t["number"] for t in api(plans["users"]["supervisor"]).get(f"/plans/{SUCCESSOR}/api/v1/tasks/").json()[
        "results"
    ]] == [1]
    assert len(api(plans["users"]["supervisor"]).get("/api/v1/tasks/").json()["results"]) == 17


def test_a_plan_of_another_city_is_not_found(plans):
    liaison = plans["users"]["liaison-commerce"]
    assert signed_in(liaison).get(f"/plans/{EXAMPLE}/plan/").status_code == 404
    assert api(liaison).get(f"/plans/{EXAMPLE}/api/v1/tasks/").status_code == 404
    assert signed_in(liaison).get("/plans/no-such-plan/plan/").status_code == 404
    # The other city's own people reach it; the province reads every city's.
    assert signed_in(plans["users"]["example-city-supervisor"]).get(f"/plans/{EXAMPLE}/plan/").status_code == 200
    assert signed_in(plans["users"]["province-leader"]).get(f"/plans/{SUZHOU}/plan/").status_code == 200
    # Signed out: sent to sign in, and back to the same address afterwards.
    anonymous = Client().get(f"/plans/{SUZHOU}/plan/")
    assert anonymous.status_code == 302 and f"next=/plans/{SUZHOU}/plan/" in anonymous["Location"]


def test_the_switcher_lists_only_the_plans_the_user_may_see(plans):
    bar = signed_in(plans["users"]["liaison-commerce"]).get("/").context["plan_bar"]
    assert [c["plan"].code for c in bar["choices"]] == [SUCCESSOR, SUZHOU]  # newest first
    assert [c["plan"].code for c in bar["choices"] if c["current"]] == [SUZHOU]
    assert all(c["url"] == f"/plans/{c['plan'].code}/" for c in bar["choices"])
    # The other city's supervisor has one plan: no switcher.
    assert signed_in(plans["users"]["example-city-supervisor"]).get("/").context["plan_bar"]["choices"] == []
    province = signed_in(plans["users"]["province-leader"]).get("/").context["plan_bar"]
    assert {c["plan"].code for c in province["choices"]} == {SUZHOU, SUCCESSOR, EXAMPLE}


def test_an_ended_plan_is_read_only_until_the_office_reopens_it(plans):
    users = plans["users"]
    suzhou = plans["suzhou"]
    task = KeyTask.objects.get(plan=suzhou, number=5)
    customs = Department.objects.get(code="customs", government=suzhou.government)
    milestone = milestone_create(
        task=task,
        owner=customs,
        title="结束前创建的节点",
        due_date=timezone.localdate() + dt.timedelta(days=10),
        by=users["supervisor"],
    )
    _end(suzhou)
    with pytest.raises(PlanReadOnly):
        milestone_create(
            task=task, owner=customs, title="结束后", due_date=timezone.localdate() + dt.timedelta(days=10),
            by=users["supervisor"],
        )
    # A page answers 409 with the reason; the API too; a reader who may not act hears 403 first.
    page = signed_in(users["liaison-customs"]).post(
        f"/milestones/{milestone.pk}/transition/", {"action": "start"}
    )
    assert page.status_code == 409
    assert "只读" in page.content.decode() or "read-only" in page.content.decode()
    assert api(users["liaison-customs"]).post(
        f"/api/v1/milestones/{milestone.pk}/transition/", {"action": "start"}, format="json"
    ).status_code == 409
    assert api(users["liaison-qiaolian"]).post(
        f"/api/v1/milestones/{milestone.pk}/transition/", {"action": "start"}, format="json"
    ).status_code in (403, 404)
    assert Milestone.objects.get(pk=milestone.pk).status == "planned"
    # Its record stays: pages read it, with a banner.
    overview = signed_in(users["liaison-customs"]).get("/plan/")
    assert overview.status_code == 200 and overview.context["plan_bar"]["read_only"]
    # The scan leaves its milestones alone.
    Milestone.objects.filter(pk=milestone.pk).update(due_date=timezone.localdate() - dt.timedelta(days=30))
    reminders_scan(as_of=timezone.localdate())
    assert not Reminder.objects.filter(milestone=milestone).exists()

    # Only the office reopens it, and only with a reason.
    assert signed_in(users["liaison-customs"]).post("/plan/reopen/", {"reason": "补录"}).status_code == 403
    province = signed_in(users["province-leader"])
    assert province.post(f"/plans/{SUZHOU}/plan/reopen/", {"reason": "补录"}).status_code == 403
    office = signed_in(users["supervisor"])
    assert office.post("/plan/reopen/", {"reason": " "}).status_code == 400
    assert office.post("/plan/reopen/", {"reason": "发布2026年度考核通报"}).status_code == 302
    suzhou.refresh_from_db()
    assert suzhou.reopen_reason == "发布2026年度考核通报" and suzhou.reopened_by == users["supervisor"]
    assert office.post("/plan/reopen/", {"reason": "again"}).status_code == 409
    started = milestone_transition(milestone=milestone, action="start", by=users["liaison-customs"])
    progress_update_create(milestone=started, by=users["liaison-customs"], percent=50, summary="补录进展")
    # Closed again: read-only again.
    assert office.post("/plan/close/").status_code == 302
    with pytest.raises(PlanReadOnly):
        progress_update_create(milestone=started, by=users["liaison-customs"], percent=60, summary="关闭后")


def test_the_successor_is_not_read_only_and_does_not_disturb_the_old_plans_publications(plans):
    from tasks_app.assessment.models import AssessmentPublication
    from tasks_app.assessment.services import assessment_publish

    users = plans["users"]
    suzhou = plans["suzhou"]
    published = assessment_publish(plan=suzhou, period="2025", by=users["supervisor"], remarks="2025年度")
    before = AssessmentPublication.objects.filter(plan=suzhou).values_list("pk", "period", "version", "snapshot")
    before = list(before)
    _end(suzhou)
    office = signed_in(users["supervisor"])
    # The old plan's published assessment still reads, within its plan; a new publication waits for
    # the plan to be reopened.
    assert office.get(f"/plans/{SUZHOU}/assessment/2025/").status_code == 200
    with pytest.raises(PlanReadOnly):
        assessment_publish(plan=suzhou, period="2025", by=users["supervisor"], remarks="更正", reason="更正")
    assert list(
        AssessmentPublication.objects.filter(plan=suzhou).values_list("pk", "period", "version", "snapshot")
    ) == before
    assert published.pk == before[0][0]
    # The successor takes new work.
    successor_task = KeyTask.objects.get(plan=plans["successor"], number=1)
    assert office.get(f"/plans/{SUCCESSOR}/tasks/1/").status_code == 200
    assert successor_task.plan.is_read_only(timezone.localdate()) is False


def test_a_bulk_notice_on_an_ended_plans_milestone_is_refused_with_a_message_not_an_error(plans):
    users = plans["users"]
    suzhou = plans["suzhou"]
    late = milestone_create(
        task=KeyTask.objects.get(plan=suzhou, number=5),
        owner=Department.objects.get(code="customs", government=suzhou.government),
        title="结束前已逾期",
        due_date=timezone.localdate() - dt.timedelta(days=20),
        by=users["supervisor"],
    )
    _end(suzhou)
    office = signed_in(users["supervisor"])
    answer = office.post("/overdue/bulk/", {"action": "notice", "pk": [late.pk], "message": "请说明"}, follow=True)
    assert answer.status_code == 200
    assert "只读" in answer.content.decode()
    assert not Reminder.objects.filter(milestone=late, kind="manual").exists()


def test_an_ended_plans_pages_show_no_control_its_services_would_refuse(plans):
    """Every writing form and button is gone while the plan is read-only (the banner says why), and
    back once the office reopens it — for the department, the district and the office alike."""
    from tasks_app.plan.models import Implementation
    from tasks_app.reminders.services import supervision_notice_issue

    users = plans["users"]
    suzhou = plans["suzhou"]
    task = KeyTask.objects.get(plan=suzhou, number=5)
    customs = Department.objects.get(code="customs", government=suzhou.government)
    planned = milestone_create(
        task=task, owner=customs, title="尚未开始", due_date=timezone.localdate() + dt.timedelta(days=10),
        by=users["supervisor"],
    )
    under_way = milestone_transition(
        milestone=milestone_create(
            task=task, owner=customs, title="进行中", due_date=timezone.localdate() - dt.timedelta(days=3),
            by=users["supervisor"],
        ),
        action="start",
        by=users["liaison-customs"],
    )
    notice = supervision_notice_issue(milestone=under_way, by=users["supervisor"], message="请说明进度").notice
    implementation = Implementation.objects.filter(task=task).select_related("district").first()
    district = users[f"district-{implementation.district.code}"]
    liaison, office = signed_in(users["liaison-customs"]), signed_in(users["supervisor"])

    def controls() -> dict[str, bool]:
        """Which controls the pages offer (True: shown)."""
        planned_page = liaison.get(f"/milestones/{planned.pk}/")
        working_page = liaison.get(f"/milestones/{under_way.pk}/")
        office_page = office.get(f"/milestones/{under_way.pk}/")
        task_page = office.get(f"/tasks/{task.number}/")
        pages = [planned_page, working_page, office_page, task_page]
        board = office.get("/overdue/")
        assessment = office.get("/assessment/2025/")
        targets = office.get("/assessment/targets/")
        notice_page = liaison.get(f"/notices/{notice.pk}/")
        confirmation = signed_in(district).get(f"/implementations/{implementation.pk}/")
        pages += [board, assessment, targets, notice_page, confirmation]
        assert all(page.status_code == 200 for page in pages)
        return {
            "start": 'value="start"' in planned_page.content.decode(),
            "edit planned": planned_page.context["edit_form"] is not None,
            "progress update": working_page.context["update_form"] is not None,
            "extension request": working_page.context["extension_request_form"] is not None,
            "comment": working_page.context["comment_form"] is not None,
            "督办 notice": f'/milestones/{under_way.pk}/notices/"' in office_page.content.decode(),
            "extend": office_page.context["extension_form"] is not None,
            "new milestone": task_page.context["can_create_milestone"],
            "lead change": task_page.context["lead_form"] is not None,
            "bulk 督办": board.context["may_issue_notices"],
            "publish": assessment.context["publish_form"] is not None,
            "save targets": targets.context["writable"],
            "sign for the notice": notice_page.context["may_acknowledge"],
            "reply to the notice": notice_page.context["reply_form"] is not None,
            "confirm": confirmation.context["confirm_form"] is not None,
        }

    assert all(controls().values())
    _end(suzhou)
    shown = controls()
    assert not any(shown.values()), [name for name, on in shown.items() if on]
    # An old link to the milestone form says why instead of offering a form the service refuses.
    answer = office.get(f"/tasks/{task.number}/milestones/new/", follow=True)
    assert answer.redirect_chain and "只读" in answer.content.decode()
    # Reopened: everything is back.
    assert office.post("/plan/reopen/", {"reason": "补录年终数据"}).status_code == 302
    assert all(controls().values())
