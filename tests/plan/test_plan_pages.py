"""The read-only plan pages: login required, every role reads the plan, content matches the plan."""

import pytest
from django.test import Client
from django.urls import reverse

from tasks_app.plan.models import KeyTask, ResponsibilityRole

PAGES = [
    ("tasks_app:home", {}),
    ("tasks_app:plan_overview", {}),
    ("tasks_app:task_detail", {"number": 6}),
    ("tasks_app:department_list", {}),
    ("tasks_app:department_detail", {"code": "customs"}),
    ("tasks_app:district_list", {}),
    ("tasks_app:district_detail", {"code": "changshu"}),
]
ROLES = ["supervisor", "leader", "admin", "liaison-commerce", "liaison-qiaolian", "district-sip", "district-gusu"]


@pytest.mark.parametrize(("name", "kwargs"), PAGES)
def test_anonymous_visitor_is_sent_to_login(suzhou_plan, client, name, kwargs):
    url = reverse(name, kwargs=kwargs)
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('login')}?next={url}"


@pytest.mark.parametrize("username", ROLES)
@pytest.mark.parametrize(("name", "kwargs"), PAGES)
def test_every_role_reads_the_plan(demo_accounts, username, name, kwargs):
    client = Client()
    client.force_login(demo_accounts[username])
    response = client.get(reverse(name, kwargs=kwargs))
    assert response.status_code == 200


def test_overview_lists_every_task_with_its_lead_marked(demo_accounts, client):
    client.force_login(demo_accounts["leader"])
    response = client.get(reverse("tasks_app:plan_overview"))
    html = response.content.decode()
    assert "中国(苏州)跨境电子商务综合试验区高质量发展三年行动计划(2024~2026年)" in html
    for task in KeyTask.objects.all():
        assert reverse("tasks_app:task_detail", kwargs={"number": task.number}) in html
        assert task.title in html
    # One lead badge per task, every one on 市商务局.
    assert html.count('class="chip chip-lead"') == 17
    assert html.count('<span class="badge">牵头</span>') == 17


def test_task_page_shows_text_lead_co_departments_and_ten_districts(demo_accounts, client):
    client.force_login(demo_accounts["district-sip"])
    response = client.get(reverse("tasks_app:task_detail", kwargs={"number": 13}))
    context = response.context
    assert context["lead"].code == "commerce"
    assert [d.code for d in context["co_departments"]] == [
        "finance",
        "local-finreg",
        "tax",
        "pboc",
        "nfra",
        "sinosure",
    ]
    assert len(context["implementations"]) == 10
    html = response.content.decode()
    assert "中信保苏州办事处" in html
    assert "推广“海贸贷”等创新做法" in html


def test_department_page_separates_lead_and_co_tasks(demo_accounts, client):
    client.force_login(demo_accounts["liaison-customs"])
    response = client.get(reverse("tasks_app:department_detail", kwargs={"code": "customs"}))
    assert response.context["lead_tasks"] == []
    assert [t.number for t in response.context["co_tasks"]] == [1, 5, 6, 9, 10, 11, 17]

    response = client.get(reverse("tasks_app:department_detail", kwargs={"code": "commerce"}))
    assert [t.number for t in response.context["lead_tasks"]] == list(range(1, 18))


def test_district_page_shows_its_own_belt_target_over_the_general_one(demo_accounts, client):
    client.force_login(demo_accounts["district-kunshan"])
    response = client.get(reverse("tasks_app:district_detail", kwargs={"code": "kunshan"}))
    by_code = {(t.indicator.code, t.year): t for t in response.context["targets"]}
    assert by_code[("belt_export", 2026)].wording == "> 70 亿元"
    assert by_code[("cbec_parks", 2026)].wording == "≥ 2 个"
    assert by_code[("featured_belts", 2026)].wording == "1–2 个"
    assert len(response.context["implementations"]) == 17


@pytest.mark.parametrize(
    ("name", "kwargs"),
    [
        ("tasks_app:task_detail", {"number": 18}),
        ("tasks_app:department_detail", {"code": "no-such-department"}),
        ("tasks_app:district_detail", {"code": "shanghai"}),
    ],
)
def test_unknown_objects_are_404(demo_accounts, client, name, kwargs):
    client.force_login(demo_accounts["supervisor"])
    assert client.get(reverse(name, kwargs=kwargs)).status_code == 404


# Leadership's home is three GROUP BY breakdowns (section, department, district), the confirmations,
# the most overdue and the latest publication: more queries than the other pages, still a fixed number.
# The leader's home reads three breakdowns; the task page also its monthly reports (月度报送) and the
# departments the reader reports for.
QUERY_BUDGET = {"tasks_app:home": 18, "tasks_app:task_detail": 17}


def test_pages_run_a_fixed_number_of_queries(demo_accounts, client, django_assert_max_num_queries):
    client.force_login(demo_accounts["leader"])
    for name, kwargs in PAGES:
        with django_assert_max_num_queries(QUERY_BUDGET.get(name, 15)):
            client.get(reverse(name, kwargs=kwargs))


def test_chinese_by_default_and_english_on_request(demo_accounts, client):
    client.force_login(demo_accounts["leader"])
    html = client.get(reverse("tasks_app:plan_overview")).content.decode()
    assert '<html lang="zh-hans">' in html
    assert "责任部门(标注牵头)" in html

    response = client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert response.status_code == 302
    html = client.get(reverse("tasks_app:plan_overview")).content.decode()
    assert '<html lang="en">' in html
    assert "Responsible departments (lead marked)" in html


def test_login_page_and_stylesheet_are_served_locally(suzhou_plan, client):
    html = client.get(reverse("login")).content.decode()
    assert "/static/css/tracker.css" in html
    assert "http://" not in html.replace("http://www.w3.org", "") and "https://" not in html


def test_repeated_failed_logins_lock_the_account(demo_accounts, client, settings):
    settings.AXES_FAILURE_LIMIT = 3
    for _ in range(3):
        response = client.post(reverse("login"), {"username": "supervisor", "password": "wrong-password"})
    assert response.status_code == 429
    assert "登录失败次数过多" in response.content.decode()
    # Even the right password is refused while the lock lasts.
    response = client.post(reverse("login"), {"username": "supervisor", "password": "cbec-demo-2026"})
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


def test_successful_login_lands_on_the_plan(demo_accounts, client):
    response = client.post(reverse("login"), {"username": "liaison-commerce", "password": "cbec-demo-2026"})
    assert response.status_code == 302
    assert response["Location"] == reverse("tasks_app:home")


def test_every_task_has_exactly_one_lead(suzhou_plan):
    for task in KeyTask.objects.prefetch_related("responsibilities"):
        assert [r.role for r in task.responsibilities.all()].count(ResponsibilityRole.LEAD) == 1


def test_the_admin_lists_every_model_in_chinese(demo_accounts, client):
    from django.apps import apps
    from django.contrib import admin

    for model in [*apps.get_app_config("tasks_app").get_models(), *apps.get_app_config("departments").get_models()]:
        if model.__name__.startswith("Historical"):
            continue
        assert admin.site.is_registered(model), model
    client.force_login(demo_accounts["admin"])
    html = client.get("/admin/").content.decode()
    for name in ("任务节点", "考核细则", "提醒", "部门", "重点任务", "板块落实"):
        assert name in html
    for url in ("/admin/tasks_app/milestone/", "/admin/tasks_app/reminder/", "/admin/tasks_app/rubric/"):
        assert client.get(url).status_code == 200
