"""The permission matrix: role × object × action → expected answer, over the web pages and the API.

One table drives both channels. On task 5 (强化跨境电商品牌化发展) the plan names 市商务局 (lead),
市市场监管局 and 苏州海关 (co-responsible). The world below puts milestones of 苏州海关 in every state
on it, and two district implementations. "ok" means success: 200/201 from the API, 200 or a
redirect (302) from a page; 404 means "you may not see it"; 403 "you see it but may not do this";
409 "not in this state"; 400 "bad input".
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from departments.models import Department, District
from tasks_app.plan.models import Implementation, KeyTask
from tasks_app.workflow.models import Milestone
from tasks_app.workflow.services import (
    implementation_confirm,
    milestone_create,
    milestone_transition,
    progress_update_create,
    task_lead_change,
)

OK = "ok"
ROLES = [
    "supervisor",
    "leader",
    "liaison-commerce",  # lead of task 5
    "liaison-customs",  # co-responsible, owner of the customs milestones
    "liaison-amr",  # co-responsible, owns nothing here
    "liaison-qiaolian",  # not responsible for task 5
    "district-sip",  # the district of one milestone and of one implementation
    "district-gusu",  # the district of the other implementation
]
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@dataclass
class World:
    task: KeyTask
    planned_commerce: Milestone
    planned_customs_sip: Milestone
    started_customs: Milestone
    submitted_customs: Milestone
    completed_customs: Milestone
    pending_sip: Implementation
    confirmed_gusu: Implementation
    update_id: int


@pytest.fixture
def world(demo_accounts, settings, tmp_path) -> World:
    settings.MEDIA_ROOT = tmp_path
    users = demo_accounts
    task = KeyTask.objects.get(number=5)
    commerce, customs = Department.objects.get(code="commerce"), Department.objects.get(code="customs")
    sip, gusu = District.objects.get(code="sip"), District.objects.get(code="gusu")
    due = timezone.localdate() + dt.timedelta(days=30)

    def new(owner, title, district=None):
        return milestone_create(
            task=task, owner=owner, district=district, title=title, due_date=due, by=users["supervisor"]
        )

    def move(milestone, *actions):
        for action in actions:
            actor = users["supervisor"] if action in ("approve", "return") else users["liaison-customs"]
            milestone = milestone_transition(milestone=milestone, action=action, by=actor, note="ok")
        return milestone

    started = move(new(customs, "海关:进行中"), "start")
    update = progress_update_create(
        milestone=started,
        by=users["liaison-customs"],
        percent=40,
        summary="初稿",
        attachment=SimpleUploadedFile("plan.pdf", PDF, content_type="application/pdf"),
    )
    confirmed_gusu = implementation_confirm(
        implementation=Implementation.objects.get(task=task, district=gusu), by=users["district-gusu"], note="已落实"
    )
    return World(
        task=task,
        planned_commerce=new(commerce, "商务:计划"),
        planned_customs_sip=new(customs, "海关:园区计划", district=sip),
        started_customs=started,
        submitted_customs=move(new(customs, "海关:已报"), "start", "submit"),
        completed_customs=move(new(customs, "海关:办结"), "start", "submit", "approve"),
        pending_sip=Implementation.objects.get(task=task, district=sip),
        confirmed_gusu=confirmed_gusu,
        update_id=update.pk,
    )


# --- the actions, each once for the web and once for the API ------------------------------------


def _milestone(world, name):
    milestone = getattr(world, name)
    milestone.refresh_from_db()
    return milestone


def view_milestone(name):
    def web(client, world):
        return client.get(reverse("tasks_app:milestone_detail", kwargs={"pk": getattr(world, name).pk}))

    def api(client, world):
        return client.get(f"/api/v1/milestones/{getattr(world, name).pk}/")

    return web, api


def edit_title(name, stale=False):
    """Change the title; ``stale``: with a version that is not the current one (409 for an editor)."""

    def version(m):
        return m.version + 1 if stale else m.version  # any version but the current one

    def web(client, world):
        m = _milestone(world, name)
        data = {
            "title": "新标题",
            "owner": m.owner_id,
            "district": m.district_id or "",
            "due_date": m.due_date.isoformat(),
            "description": "",
            "version": version(m),
        }
        return client.post(reverse("tasks_app:milestone_edit", kwargs={"pk": m.pk}), data)

    def api(client, world):
        m = _milestone(world, name)
        return client.patch(f"/api/v1/milestones/{m.pk}/", {"title": "新标题", "version": version(m)}, format="json")

    return web, api


def extend(name, reason="企业申请延期"):
    def web(client, world):
        m = _milestone(world, name)
        new_due = (m.due_date + dt.timedelta(days=14)).isoformat()
        return client.post(
            reverse("tasks_app:milestone_extend", kwargs={"pk": m.pk}),
            {"due_date": new_due, "reason": reason, "version": m.version},
        )

    def api(client, world):
        m = _milestone(world, name)
        new_due = (m.due_date + dt.timedelta(days=14)).isoformat()
        return client.patch(
            f"/api/v1/milestones/{m.pk}/", {"due_date": new_due, "reason": reason, "version": m.version}, format="json"
        )

    return web, api


def transition(name, action, note="说明"):
    def web(client, world):
        url = reverse("tasks_app:milestone_transition", kwargs={"pk": getattr(world, name).pk})
        return client.post(url, {"action": action, "note": note})

    def api(client, world):
        url = f"/api/v1/milestones/{getattr(world, name).pk}/transition/"
        return client.post(url, {"action": action, "note": note}, format="json")

    return web, api


def create_milestone(owner_code):
    def web(client, world):
        owner = Department.objects.get(code=owner_code)
        due = (timezone.localdate() + dt.timedelta(days=20)).isoformat()
        url = reverse("tasks_app:milestone_create", kwargs={"number": world.task.number})
        return client.post(
            url, {"title": "新节点", "owner": owner.pk, "due_date": due, "district": "", "description": ""}
        )

    def api(client, world):
        due = (timezone.localdate() + dt.timedelta(days=20)).isoformat()
        body = {"task": world.task.number, "owner": owner_code, "title": "新节点", "due_date": due}
        return client.post("/api/v1/milestones/", body, format="json")

    return web, api


def post_update(name):
    def web(client, world):
        url = reverse("tasks_app:progress_update_create", kwargs={"pk": getattr(world, name).pk})
        return client.post(url, {"percent": 50, "summary": "过半"})

    def api(client, world):
        body = {"milestone": getattr(world, name).pk, "percent": 50, "summary": "过半"}
        return client.post("/api/v1/progress-updates/", body, format="json")

    return web, api


def download_attachment():
    def web(client, world):
        return client.get(reverse("tasks_app:progress_update_attachment", kwargs={"pk": world.update_id}))

    def api(client, world):
        return client.get(f"/api/v1/progress-updates/{world.update_id}/attachment/")

    return web, api


def view_implementation(name):
    def web(client, world):
        return client.get(reverse("tasks_app:implementation_detail", kwargs={"pk": getattr(world, name).pk}))

    def api(client, world):
        return client.get(f"/api/v1/implementations/{getattr(world, name).pk}/")

    return web, api


def confirm(name):
    def web(client, world):
        url = reverse("tasks_app:implementation_confirm", kwargs={"pk": getattr(world, name).pk})
        return client.post(url, {"note": "已制定实施方案"})

    def api(client, world):
        return client.post(f"/api/v1/implementations/{getattr(world, name).pk}/confirm/", {"note": "已制定实施方案"})

    return web, api


def reject(name):
    def web(client, world):
        url = reverse("tasks_app:implementation_reject", kwargs={"pk": getattr(world, name).pk})
        return client.post(url, {"reason": "材料不全"})

    def api(client, world):
        return client.post(f"/api/v1/implementations/{getattr(world, name).pk}/reject/", {"reason": "材料不全"})

    return web, api


def change_lead(department_code):
    def web(client, world):
        department = Department.objects.get(code=department_code)
        url = reverse("tasks_app:task_lead_change", kwargs={"number": world.task.number})
        return client.post(url, {"department": department.pk, "reason": "工作调整"})

    def api(client, world):
        body = {"department": department_code, "reason": "工作调整"}
        return client.post(f"/api/v1/tasks/{world.task.number}/lead/", body, format="json")

    return web, api


def row(*expected):
    """Expected answers in the order of ROLES."""
    assert len(expected) == len(ROLES)
    return dict(zip(ROLES, expected, strict=True))


#                                       supervisor leader commerce customs amr  qiaolian sip  gusu
MATRIX = {
    "view planned milestone of SIP": (view_milestone("planned_customs_sip"), row(OK, OK, OK, OK, OK, 404, OK, 404)),
    "view milestone without district": (view_milestone("planned_commerce"), row(OK, OK, OK, OK, OK, 404, 404, 404)),
    "create milestone for customs": (create_milestone("customs"), row(OK, 403, OK, OK, 403, 403, 403, 403)),
    "create milestone for commerce": (create_milestone("commerce"), row(OK, 403, OK, 403, 403, 403, 403, 403)),
    "edit planned customs milestone": (edit_title("planned_customs_sip"), row(OK, 403, OK, OK, 403, 404, 403, 404)),
    "edit planned commerce milestone": (edit_title("planned_commerce"), row(OK, 403, OK, 403, 403, 404, 404, 404)),
    # Authorisation before the version: the read-only leader hears 403, not "someone else changed it".
    "edit with a stale version": (
        edit_title("started_customs", stale=True),
        row(403, 403, 403, 403, 403, 404, 404, 404),
    ),
    "edit planned milestone with a stale version": (
        edit_title("planned_customs_sip", stale=True),
        row(409, 403, 409, 409, 403, 404, 403, 404),
    ),
    "edit started milestone's title": (edit_title("started_customs"), row(403, 403, 403, 403, 403, 404, 404, 404)),
    "edit completed milestone": (edit_title("completed_customs"), row(409, 403, 409, 409, 403, 404, 404, 404)),
    "extend started milestone": (extend("started_customs"), row(OK, 403, 403, 403, 403, 404, 404, 404)),
    "extend without a reason": (extend("started_customs", reason=""), row(400, 403, 403, 403, 403, 404, 404, 404)),
    "start planned milestone": (transition("planned_customs_sip", "start"), row(403, 403, 403, OK, 403, 404, 403, 404)),
    "start started milestone": (transition("started_customs", "start"), row(403, 403, 403, 409, 403, 404, 404, 404)),
    "submit started milestone": (transition("started_customs", "submit"), row(403, 403, 403, OK, 403, 404, 404, 404)),
    "approve submitted milestone": (
        transition("submitted_customs", "approve"),
        row(OK, 403, 403, 403, 403, 404, 404, 404),
    ),
    "approve started milestone": (
        transition("started_customs", "approve"),
        row(409, 403, 403, 403, 403, 404, 404, 404),
    ),
    "return with a reason": (transition("submitted_customs", "return"), row(OK, 403, 403, 403, 403, 404, 404, 404)),
    "return without a reason": (
        transition("submitted_customs", "return", note=""),
        row(400, 403, 403, 403, 403, 404, 404, 404),
    ),
    "unknown action": (transition("started_customs", "finish"), row(400, 400, 400, 400, 400, 404, 404, 404)),
    "post progress update": (post_update("started_customs"), row(403, 403, 403, OK, 403, 404, 404, 404)),
    "post update on completed": (post_update("completed_customs"), row(403, 403, 403, 409, 403, 404, 404, 404)),
    # Progress is reported while the work is under way: not before it starts, not once handed in.
    "post update on submitted": (post_update("submitted_customs"), row(403, 403, 403, 409, 403, 404, 404, 404)),
    "post update on planned": (post_update("planned_customs_sip"), row(403, 403, 403, 409, 403, 404, 403, 404)),
    "download update attachment": (download_attachment(), row(OK, OK, OK, OK, OK, 404, 404, 404)),
    "view SIP implementation": (view_implementation("pending_sip"), row(OK, OK, OK, OK, OK, 404, OK, 404)),
    "confirm SIP implementation": (confirm("pending_sip"), row(403, 403, 403, 403, 403, 404, OK, 404)),
    "confirm an already confirmed one": (confirm("confirmed_gusu"), row(403, 403, 403, 403, 403, 404, 404, 409)),
    "reject a confirmation": (reject("confirmed_gusu"), row(OK, 403, 403, 403, 403, 404, 404, 403)),
    "reject an unconfirmed one": (reject("pending_sip"), row(409, 403, 403, 403, 403, 404, 403, 404)),
    "change lead to customs": (change_lead("customs"), row(OK, 403, 403, 403, 403, 403, 403, 403)),
    "change lead to a department not on the task": (
        change_lead("qiaolian"),
        row(400, 403, 403, 403, 403, 403, 403, 403),
    ),
}

CASES = [(action, role) for action in MATRIX for role in ROLES]


def _client(channel, user):
    client = APIClient() if channel == "api" else Client()
    client.force_login(user)
    return client


def _answer(channel, response) -> str | int:
    code = response.status_code
    if channel == "api":
        return OK if code in (200, 201) else code
    return OK if code in (200, 302) else code


@pytest.mark.parametrize("channel", ["web", "api"])
@pytest.mark.parametrize(("action", "role"), CASES, ids=[f"{a} | {r}" for a, r in CASES])
def test_permission_matrix(world, demo_accounts, channel, action, role):
    (web, api), expected = MATRIX[action]
    call = web if channel == "web" else api
    response = call(_client(channel, demo_accounts[role]), world)
    assert _answer(channel, response) == expected[role], getattr(response, "content", b"")[:300]


# --- what the matrix implies for lists: no row leaks --------------------------------------------

VISIBLE_MILESTONES = {
    "supervisor": {
        "planned_commerce",
        "planned_customs_sip",
        "started_customs",
        "submitted_customs",
        "completed_customs",
    },
    "leader": {"planned_commerce", "planned_customs_sip", "started_customs", "submitted_customs", "completed_customs"},
    "liaison-commerce": {
        "planned_commerce",
        "planned_customs_sip",
        "started_customs",
        "submitted_customs",
        "completed_customs",
    },
    "liaison-customs": {
        "planned_commerce",
        "planned_customs_sip",
        "started_customs",
        "submitted_customs",
        "completed_customs",
    },
    "liaison-amr": {
        "planned_commerce",
        "planned_customs_sip",
        "started_customs",
        "submitted_customs",
        "completed_customs",
    },
    "liaison-qiaolian": set(),
    "district-sip": {"planned_customs_sip"},
    "district-gusu": set(),
}


def _ids(world, names):
    return {getattr(world, name).pk for name in names}


@pytest.mark.parametrize("role", ROLES)
def test_milestone_lists_show_exactly_the_visible_rows(world, demo_accounts, role):
    expected = _ids(world, VISIBLE_MILESTONES[role])
    web = _client("web", demo_accounts[role]).get(reverse("tasks_app:milestone_list"))
    assert {m.pk for m in web.context["table"].data} == expected
    api = _client("api", demo_accounts[role]).get("/api/v1/milestones/", {"limit": 1000})
    assert {m["id"] for m in api.json()["results"]} == expected
    task_page = _client("web", demo_accounts[role]).get(reverse("tasks_app:task_detail", kwargs={"number": 5}))
    assert {m.pk for m in task_page.context["milestones"]} == expected


VISIBLE_TASK5_IMPLEMENTATIONS = {
    "supervisor": 10,
    "leader": 10,
    "liaison-commerce": 10,
    "liaison-customs": 10,
    "liaison-amr": 10,
    "liaison-qiaolian": 0,
    "district-sip": 1,
    "district-gusu": 1,
}


@pytest.mark.parametrize("role", ROLES)
def test_implementation_list_shows_exactly_the_visible_rows(world, demo_accounts, role):
    response = _client("api", demo_accounts[role]).get("/api/v1/implementations/", {"task": 5, "limit": 1000})
    rows = response.json()["results"]
    assert len(rows) == VISIBLE_TASK5_IMPLEMENTATIONS[role]
    if role.startswith("district-"):
        assert {r["district"] for r in rows} == {role.removeprefix("district-")}


@pytest.mark.parametrize("role", ["liaison-qiaolian", "district-gusu", "district-sip"])
def test_progress_updates_do_not_leak(world, demo_accounts, role):
    response = _client("api", demo_accounts[role]).get("/api/v1/progress-updates/", {"limit": 1000})
    assert response.json()["results"] == []
    assert _client("api", demo_accounts[role]).get(f"/api/v1/progress-updates/{world.update_id}/").status_code == 404


# --- access follows responsibilities at once ----------------------------------------------------


@pytest.mark.parametrize("channel", ["web", "api"])
def test_lead_change_moves_the_lead_rights_at_once(world, demo_accounts, channel):
    task_lead_change(
        task=world.task,
        department=Department.objects.get(code="customs"),
        by=demo_accounts["supervisor"],
        reason="工作调整",
    )
    web_create, api_create = create_milestone("amr")
    call = web_create if channel == "web" else api_create
    # The new lead may now create milestones for another department; the former lead may not.
    assert _answer(channel, call(_client(channel, demo_accounts["liaison-customs"]), world)) == OK
    assert _answer(channel, call(_client(channel, demo_accounts["liaison-commerce"]), world)) == 403
    # And the former lead edits only its own planned milestones now.
    web_edit, api_edit = edit_title("planned_customs_sip")
    call = web_edit if channel == "web" else api_edit
    assert _answer(channel, call(_client(channel, demo_accounts["liaison-commerce"]), world)) == 403


def test_lead_change_is_recorded_with_its_reason(world, demo_accounts):
    task_lead_change(
        task=world.task,
        department=Department.objects.get(code="amr"),
        by=demo_accounts["supervisor"],
        reason="市场监管牵头更合适",
    )
    response = _client("web", demo_accounts["leader"]).get(reverse("tasks_app:task_detail", kwargs={"number": 5}))
    history = response.context["lead_history"]
    assert history[0]["department"].code == "amr"
    assert history[0]["reason"].endswith("市场监管牵头更合适")
    assert history[0]["user"].username == "supervisor"
    assert response.context["lead"].code == "amr"


@pytest.mark.parametrize("channel", ["web", "api"])
def test_removing_a_department_from_a_task_revokes_its_access_at_once(world, demo_accounts, channel):
    from tasks_app.plan.permissions import task_permissions_sync

    world.task.responsibilities.filter(department__code="customs").delete()
    task_permissions_sync(world.task)
    customs = _client(channel, demo_accounts["liaison-customs"])
    view_web, view_api = view_milestone("started_customs")
    assert (view_web if channel == "web" else view_api)(customs, world).status_code == 404
    start_web, start_api = transition("planned_customs_sip", "start")
    assert (start_web if channel == "web" else start_api)(customs, world).status_code == 404
    # The others involved still see it.
    assert (view_web if channel == "web" else view_api)(
        _client(channel, demo_accounts["liaison-amr"]), world
    ).status_code == 200


# --- the admin path: responsibilities changed in the Django admin move access like the services ------


def _admin_client(demo_accounts):
    client = Client()
    client.force_login(demo_accounts["admin"])
    return client


@pytest.mark.parametrize("channel", ["web", "api"])
def test_a_responsibility_added_or_removed_in_the_admin_moves_access_at_once(world, demo_accounts, channel):
    """The admin adds 市侨办 to task 5 and then removes it again: the liaison's answers follow the
    matrix of a responsible department (create for itself, see the records), then of an outsider."""
    qiaolian_department = Department.objects.get(code="qiaolian")
    admin = _admin_client(demo_accounts)
    qiaolian = _client(channel, demo_accounts["liaison-qiaolian"])
    view_web, view_api = view_milestone("planned_commerce")
    view = view_web if channel == "web" else view_api
    create_web, create_api = create_milestone("qiaolian")
    create = create_web if channel == "web" else create_api
    assert view(qiaolian, world).status_code == 404

    added = admin.post(
        "/admin/tasks_app/taskresponsibility/add/",
        {"task": world.task.pk, "department": qiaolian_department.pk, "role": "co", "position": 99},
    )
    assert added.status_code == 302, added.content[:500]
    assert _answer(channel, view(qiaolian, world)) == OK
    assert _answer(channel, create(qiaolian, world)) == OK

    responsibility = world.task.responsibilities.get(department=qiaolian_department)
    removed = admin.post(f"/admin/tasks_app/taskresponsibility/{responsibility.pk}/delete/", {"post": "yes"})
    assert removed.status_code == 302
    assert view(qiaolian, world).status_code == 404
    # no longer responsible: refused (the API names the field: 400 "not responsible for task 5")
    assert _answer(channel, create(qiaolian, world)) in (400, 403, 404)


def test_a_lead_made_in_the_admin_inline_gets_the_lead_rights(world, demo_accounts):
    """Changing roles in the task's admin page (the inline) is a lead change like any other."""
    task = world.task
    admin = _admin_client(demo_accounts)
    page = admin.get(f"/admin/tasks_app/keytask/{task.pk}/change/")
    assert page.status_code == 200
    form = page.context["adminform"].form
    data = {name: form.initial.get(name, "") for name in form.fields}
    data["plan"], data["section"] = task.plan_id, task.section_id
    formset = page.context["inline_admin_formsets"][0].formset
    prefix = formset.prefix
    rows = list(task.responsibilities.order_by("position"))
    data.update(
        {
            f"{prefix}-TOTAL_FORMS": len(rows),
            f"{prefix}-INITIAL_FORMS": len(rows),
            f"{prefix}-MIN_NUM_FORMS": 0,
            f"{prefix}-MAX_NUM_FORMS": 1000,
        }
    )
    for index, responsibility in enumerate(rows):
        role = "lead" if responsibility.department.code == "customs" else "co"
        data.update(
            {
                f"{prefix}-{index}-id": responsibility.pk,
                f"{prefix}-{index}-task": task.pk,
                f"{prefix}-{index}-department": responsibility.department_id,
                f"{prefix}-{index}-role": role,
                f"{prefix}-{index}-position": responsibility.position,
            }
        )
    saved = admin.post(f"/admin/tasks_app/keytask/{task.pk}/change/", data)
    assert saved.status_code == 302, saved.context and saved.context.get("errors")
    customs = _client("web", demo_accounts["liaison-customs"])
    commerce = _client("web", demo_accounts["liaison-commerce"])
    create_web, _create_api = create_milestone("amr")
    assert _answer("web", create_web(customs, world)) == OK  # the new lead creates for another department
    assert create_web(commerce, world).status_code == 403  # the former lead no longer does


# --- across cities: a second city's accounts reach nothing of Suzhou's ---------------------------
# The synthetic second city (fixtures/example_city_plan_2024_2026.json) is loaded beside Suzhou with
# its demo accounts and the example province's leadership account. Every action above that names a
# Suzhou object by id is 404 for each of the second city's roles — its office, leadership, liaisons of
# departments with the same codes as Suzhou's (commerce, customs), a district; the province's leader
# reads every city as Suzhou's leader does and changes nothing.

OTHER_CITY_ROLES = [
    "example-city-supervisor",
    "example-city-leader",
    "example-city-liaison-commerce",
    "example-city-liaison-customs",
    "example-city-district-lakeside",
]
# These name the task by number in the user's own plan (the second city's task 5 is its own): they
# are not about Suzhou's objects.
BY_NUMBER = {
    "create milestone for customs",
    "create milestone for commerce",
    "change lead to customs",
    "change lead to a department not on the task",
}


@pytest.fixture
def two_cities(world, demo_accounts):
    from django.conf import settings
    from django.contrib.auth import get_user_model

    from departments.demo import seed_demo_accounts
    from tasks_app.plan.plan_file import plan_file_parse
    from tasks_app.plan.plan_io import plan_import

    plan_import(plan_file_parse(settings.CBEC_EXAMPLE_CITY_PLAN_FILE.read_bytes()))
    seed_demo_accounts(password="cbec-demo-2026", province=True)
    return {user.username: user for user in get_user_model().objects.all()}


@pytest.mark.parametrize("channel", ["web", "api"])
@pytest.mark.parametrize("role", [*OTHER_CITY_ROLES, "province-leader"])
def test_permission_matrix_across_cities(world, two_cities, channel, role):
    """Every row of the matrix for one account of the other city (or the province): loading the
    second city is the slow part, so one test walks all the actions (none of them changes anything:
    each is refused, or a read)."""
    client = _client(channel, two_cities[role])
    wrong = {}
    for action, ((web, api), expected) in MATRIX.items():
        if action in BY_NUMBER:
            continue
        wanted = expected["leader"] if role == "province-leader" else 404
        answer = _answer(channel, (web if channel == "web" else api)(client, world))
        if answer != wanted:
            wrong[action] = (answer, wanted)
    assert wrong == {}


@pytest.mark.parametrize("role", OTHER_CITY_ROLES)
def test_lists_of_another_city_never_show_suzhou_rows(world, two_cities, role):
    client_web, client_api = _client("web", two_cities[role]), _client("api", two_cities[role])
    suzhou = {getattr(world, name).pk for name in VISIBLE_MILESTONES["supervisor"]}
    web = client_web.get(reverse("tasks_app:milestone_list"))
    assert not {m.pk for m in web.context["table"].data} & suzhou
    api = client_api.get("/api/v1/milestones/", {"limit": 1000})
    assert not {m["id"] for m in api.json()["results"]} & suzhou
    implementations = client_api.get("/api/v1/implementations/", {"limit": 1000}).json()["results"]
    assert world.pending_sip.pk not in {r["id"] for r in implementations}
    assert client_api.get("/api/v1/progress-updates/", {"limit": 1000}).json()["results"] == []
    # Task 5 by number is the second city's own task 5, not Suzhou's.
    page = client_web.get(reverse("tasks_app:task_detail", kwargs={"number": 5}))
    assert page.status_code == 200 and page.context["task"].plan.government.code == "example-city"
    assert not {m.pk for m in page.context["milestones"]} & suzhou
