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
from workdays.calendar import next_working_day

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


def _department(code):
    """Suzhou's department of this code (every city has a 商务局 "commerce")."""
    from django.conf import settings

    return Department.objects.get(code=code, government__code=settings.CBEC_DEFAULT_GOVERNMENT)


def _make_world(users) -> World:
    task = KeyTask.objects.get(number=5)
    commerce, customs = _department("commerce"), _department("customs")
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


@pytest.fixture(scope="module")
def _kept_world(django_db_setup, django_db_blocker, tmp_path_factory):
    """The world made once for the module's tests (in each process), in a transaction held open
    around them: each test runs in a savepoint inside it and is rolled back to the world. Made
    through the services for every one of the matrix's 1,300 tests, it was a quarter of the suite's
    time. Yields the world's ids and the folder of its uploaded file."""
    from django.contrib.auth import get_user_model
    from django.db import transaction
    from django.test import override_settings

    from tasks_app.plan.selectors import current_plan
    from tests.conftest import _load_plan_and_accounts, _restore_or

    media = tmp_path_factory.mktemp("matrix-media")
    with django_db_blocker.unblock():
        held = transaction.atomic()
        held.__enter__()
        try:
            if current_plan() is None:  # a transactional test emptied the database before
                _restore_or("plan", _load_plan_and_accounts)
            users = {user.username: user for user in get_user_model().objects.all()}
            with override_settings(MEDIA_ROOT=media):
                made = _make_world(users)
            ids = {name: getattr(value, "pk", value) for name, value in vars(made).items()}
            yield ids, media
        finally:
            transaction.set_rollback(True)
            held.__exit__(None, None, None)


MILESTONES = ("planned_commerce", "planned_customs_sip", "started_customs", "submitted_customs", "completed_customs")


@pytest.fixture
def world(_kept_world, demo_accounts, settings) -> World:
    """The kept world, read again for this test (a test's changes to its objects in memory stay
    with that test)."""
    ids, media = _kept_world
    settings.MEDIA_ROOT = media
    milestones = Milestone.objects.in_bulk([ids[name] for name in MILESTONES])
    implementations = Implementation.objects.in_bulk([ids["pending_sip"], ids["confirmed_gusu"]])
    return World(
        task=KeyTask.objects.get(pk=ids["task"]),
        planned_commerce=milestones[ids["planned_commerce"]],
        planned_customs_sip=milestones[ids["planned_customs_sip"]],
        started_customs=milestones[ids["started_customs"]],
        submitted_customs=milestones[ids["submitted_customs"]],
        completed_customs=milestones[ids["completed_customs"]],
        pending_sip=implementations[ids["pending_sip"]],
        confirmed_gusu=implementations[ids["confirmed_gusu"]],
        update_id=ids["update_id"],
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
        owner = _department(owner_code)
        # A working day: a day off would first be answered with a warning (workflow/forms.py).
        due = next_working_day(timezone.localdate() + dt.timedelta(days=20)).isoformat()
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
        department = _department(department_code)
        url = reverse("tasks_app:task_lead_change", kwargs={"number": world.task.number})
        return client.post(url, {"department": department.pk, "reason": "工作调整"})

    def api(client, world):
        body = {"department": department_code, "reason": "工作调整"}
        return client.post(f"/api/v1/tasks/{world.task.number}/lead/", body, format="json")

    return web, api


def publish_assessment(reason=""):
    def web(client, world):
        return client.post(reverse("tasks_app:assessment_publish", kwargs={"period": "2025"}), {"reason": reason})

    def api(client, world):
        return client.post("/api/v1/assessment/2025/publish/", {"reason": reason}, format="json")

    return web, api


def import_sheet(make_row):
    """An Excel sheet of milestones (one row, from ``make_row(world)``): uploaded and confirmed on
    the pages, posted to ``/api/v1/milestones/import/`` in the API. A row the user may not create or
    change is a row error: 400 and nothing written."""

    def xlsx(world):
        import io

        import openpyxl

        workbook = openpyxl.Workbook()
        sheet = workbook.active
        sheet.append(["节点编号", "重点任务", "任务节点", "责任部门", "板块", "完成时限", "版本"])
        sheet.append(make_row(world))
        data = io.BytesIO()
        workbook.save(data)
        data.seek(0)
        data.name = "节点.xlsx"
        return data

    def web(client, world):
        uploaded = client.post(reverse("tasks_app:milestone_import"), {"file": xlsx(world)})
        if uploaded.status_code != 302:
            return uploaded
        job_id = int(uploaded.url.rstrip("/").split("/")[-1])
        return client.post(reverse("tasks_app:import_confirm", kwargs={"pk": job_id}))

    def api(client, world):
        return client.post("/api/v1/milestones/import/", {"file": xlsx(world), "dry_run": "false"}, format="multipart")

    return web, api


# --- issue 16: notices, extension requests, comments, completion reports -----------------------


def _user(username):
    from django.contrib.auth import get_user_model

    return get_user_model().objects.get(username=username)


def _notice(world, state="open"):
    """A 督办 notice to 苏州海关 on its started milestone, in ``state``."""
    from tasks_app.reminders.services import notice_acknowledge, notice_close, supervision_notice_issue

    reminder = supervision_notice_issue(
        milestone=world.started_customs, by=_user("supervisor"), message="请说明进展"
    )
    notice = reminder.notice
    if state in ("acknowledged", "closed"):
        notice = notice_acknowledge(notice=notice, by=_user("liaison-customs"))
    if state == "closed":
        notice = notice_close(notice=notice, by=_user("supervisor"))
    return notice


def notice_action(what, state="open", body=None):
    """``what``: view / acknowledge / reply / close, on a fresh notice in ``state``."""

    def web(client, world):
        notice = _notice(world, state)
        if what == "view":
            return client.get(reverse("tasks_app:notice_detail", kwargs={"pk": notice.pk}))
        return client.post(reverse(f"tasks_app:notice_{what}", kwargs={"pk": notice.pk}), body or {})

    def api(client, world):
        notice = _notice(world, state)
        if what == "view":
            return client.get(f"/api/v1/notices/{notice.pk}/")
        return client.post(f"/api/v1/notices/{notice.pk}/{what}/", body or {}, format="json")

    return web, api


def withdraw_assessment():
    def web(client, world):
        return client.post(reverse("tasks_app:assessment_withdraw", kwargs={"period": "2025"}), {"reason": "有误"})

    def api(client, world):
        return client.post("/api/v1/assessment/2025/withdraw/", {"reason": "有误"}, format="json")

    return web, api


def ask_extension(name, days=14, reason="等待批复"):
    def body(world):
        m = _milestone(world, name)
        return {"due_date": (m.due_date + dt.timedelta(days=days)).isoformat(), "reason": reason}

    def web(client, world):
        url = reverse("tasks_app:extension_request_create", kwargs={"pk": getattr(world, name).pk})
        return client.post(url, body(world))

    def api(client, world):
        url = f"/api/v1/milestones/{getattr(world, name).pk}/extension-requests/"
        return client.post(url, body(world), format="json")

    return web, api


def decide_extension(decided=False, decision="grant", reason="同意"):
    def pending(world):
        from tasks_app.workflow.models import ExtensionRequest, ExtensionStatus
        from tasks_app.workflow.services import extension_request_create, extension_request_decide

        m = _milestone(world, "started_customs")
        # One pending request at a time: a walk through several rows in one world reuses it.
        request = ExtensionRequest.objects.filter(milestone=m, status=ExtensionStatus.PENDING).first()
        request = request or extension_request_create(
            milestone=m, by=_user("liaison-customs"), due_date=m.due_date + dt.timedelta(days=10), reason="人手不足"
        )
        if decided:
            extension_request_decide(request=request, by=_user("supervisor"), decision="refuse", reason="不同意")
        return request

    def web(client, world):
        url = reverse("tasks_app:extension_request_decide", kwargs={"pk": pending(world).pk})
        return client.post(url, {"decision": decision, "reason": reason})

    def api(client, world):
        url = f"/api/v1/extension-requests/{pending(world).pk}/decide/"
        return client.post(url, {"decision": decision, "reason": reason}, format="json")

    return web, api


def comment(name, text="请 @市市场监管局 提供数据"):
    def web(client, world):
        url = reverse("tasks_app:milestone_comment_create", kwargs={"pk": getattr(world, name).pk})
        return client.post(url, {"text": text})

    def api(client, world):
        return client.post(f"/api/v1/milestones/{getattr(world, name).pk}/comments/", {"text": text}, format="json")

    return web, api



def _sheet_rename(name):
    def make(world):
        m = _milestone(world, name)
        district = str(m.district) if m.district_id else ""
        return [m.pk, m.task.number, "表格改名", str(m.owner), district, m.due_date, m.version]

    return make


def _sheet_new(owner_code):
    def make(world):
        owner = _department(owner_code)
        return ["", world.task.number, "表格新节点", owner.name, "", timezone.localdate() + dt.timedelta(days=20), ""]

    return make


def file_task_report(department_code, summary="本月完成调研", month=None):
    """月度报送 on the world's task (5) for ``department_code``, this month unless ``month``."""

    def body(world):
        return {
            "task": world.task.number,
            "department": department_code,
            "month": month or timezone.localdate().strftime("%Y-%m"),
            "summary": summary,
        }

    def web(client, world):
        data = body(world) | {"department": _department(department_code).pk}
        return client.post(reverse("tasks_app:task_report_create", kwargs={"number": world.task.number}), data)

    def api(client, world):
        return client.post("/api/v1/task-reports/", body(world), format="json")

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
    # Milestones from Excel: the same rules as the pages, row by row (a refused row is a 400).
    "import a sheet renaming the planned customs milestone": (
        import_sheet(_sheet_rename("planned_customs_sip")),
        row(OK, 403, OK, OK, 400, 400, 403, 403),
    ),
    "import a sheet adding a customs milestone": (
        import_sheet(_sheet_new("customs")),
        row(OK, 403, OK, OK, 400, 400, 403, 403),
    ),
    "import a sheet renaming a started milestone": (
        import_sheet(_sheet_rename("started_customs")),
        row(400, 403, 400, 400, 400, 400, 403, 403),
    ),
    "change lead to customs": (change_lead("customs"), row(OK, 403, 403, 403, 403, 403, 403, 403)),
    "change lead to a department not on the task": (
        change_lead("qiaolian"),
        row(400, 403, 403, 403, 403, 403, 403, 403),
    ),
    # The 通报: the supervision office publishes and withdraws; nothing published yet → 409 (API).
    "publish an assessment": (publish_assessment(), row(OK, 403, 403, 403, 403, 403, 403, 403)),
    "withdraw when nothing is published": (withdraw_assessment(), row(409, 403, 403, 403, 403, 403, 403, 403)),
    # issue 16 — the conversation.          supervisor leader commerce customs amr  qiaolian sip  gusu
    "submit without a completion report": (
        transition("started_customs", "submit", note=""),
        row(403, 403, 403, 400, 403, 404, 404, 404),
    ),
    "view a notice": (notice_action("view"), row(OK, OK, OK, OK, OK, 404, 404, 404)),
    "sign for a notice": (notice_action("acknowledge"), row(403, 403, 403, OK, 403, 404, 404, 404)),
    "sign for a signed notice": (
        notice_action("acknowledge", state="acknowledged"),
        row(403, 403, 403, 409, 403, 404, 404, 404),
    ),
    "reply to a notice": (
        notice_action("reply", body={"text": "已整改"}),
        row(403, 403, 403, OK, 403, 404, 404, 404),
    ),
    "reply without text": (
        notice_action("reply", body={"text": ""}),
        row(403, 403, 403, 400, 403, 404, 404, 404),
    ),
    "reply to a closed notice": (
        notice_action("reply", state="closed", body={"text": "补充"}),
        row(403, 403, 403, 409, 403, 404, 404, 404),
    ),
    "close a notice": (notice_action("close"), row(OK, 403, 403, 403, 403, 404, 404, 404)),
    "close a closed notice": (notice_action("close", state="closed"), row(409, 403, 403, 403, 403, 404, 404, 404)),
    "ask for an extension": (ask_extension("started_customs"), row(403, 403, 403, OK, 403, 404, 404, 404)),
    "ask for an extension without a reason": (
        ask_extension("started_customs", reason=""),
        row(403, 403, 403, 400, 403, 404, 404, 404),
    ),
    "ask for an extension of a planned milestone": (
        ask_extension("planned_customs_sip"),
        row(403, 403, 403, 409, 403, 404, 403, 404),
    ),
    "grant an extension": (decide_extension(), row(OK, 403, 403, 403, 403, 404, 404, 404)),
    "refuse an extension without a reason": (
        decide_extension(decision="refuse", reason=""),
        row(400, 403, 403, 403, 403, 404, 404, 404),
    ),
    "decide a decided extension": (decide_extension(decided=True), row(409, 403, 403, 403, 403, 404, 404, 404)),
    "comment on a milestone": (comment("started_customs"), row(OK, OK, OK, OK, OK, 404, 404, 404)),
    "comment without text": (comment("started_customs", text=""), row(400, 400, 400, 400, 400, 404, 404, 404)),
    # 月度报送: only a responsible department's own people, for their own department.
    "file a monthly task report for customs": (
        file_task_report("customs"),
        row(403, 403, 403, OK, 403, 403, 403, 403),
    ),
    "file a monthly task report without a summary": (
        file_task_report("customs", summary=""),
        row(403, 403, 403, 400, 403, 403, 403, 403),
    ),
    "file a monthly task report for next year": (
        file_task_report("customs", month=f"{timezone.localdate().year + 1}-01"),
        row(403, 403, 403, 400, 403, 403, 403, 403),
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
        department=_department("customs"),
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
        department=_department("amr"),
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
    qiaolian_department = _department("qiaolian")
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


# --- the units' people (the supervision office's pages) and stand-ins (accounts) -----------------
# Access belongs to a unit's group: the office adds and removes people on /accounts/members/…, a
# liaison names a colleague of the unit as stand-in on /accounts/stand-ins/. Pages only (no API).

DEPUTY = "customs-deputy"  # a colleague of 苏州海关 without access of their own


@pytest.fixture
def people_world(world, demo_accounts):
    from django.contrib.auth import get_user_model

    from accounts import services as accounts_services

    deputy = get_user_model().objects.create_user(DEPUTY, password="cbec-demo-2026", first_name="海关副联络员")
    customs = _department("customs")
    accounts_services.colleague_add(group=customs.group, user=deputy, by=demo_accounts["supervisor"])
    later = timezone.localdate() + dt.timedelta(days=10)
    upcoming = accounts_services.stand_in_name(
        person=demo_accounts["liaison-customs"], stand_in=deputy, start=later, end=later, by=deputy
    )
    world.upcoming_stand_in_id = upcoming.pk
    return world


def _user(username):
    from django.contrib.auth import get_user_model

    return get_user_model().objects.get(username=username)


def see_people(kind, code):
    def web(client, world):
        return client.get(reverse("accounts:members_unit", kwargs={"kind": kind, "code": code}))

    return web


def add_person(kind, code, username, as_="member"):
    def web(client, world):
        url = reverse("accounts:members_unit", kwargs={"kind": kind, "code": code})
        return client.post(url, {"user": _user(username).pk, "kind": as_})

    return web


def remove_person(kind, code, username):
    def web(client, world):
        kwargs = {"kind": kind, "code": code, "user_id": _user(username).pk}
        return client.post(reverse("accounts:members_remove", kwargs=kwargs))

    return web


def deactivate(username):
    def web(client, world):
        return client.post(reverse("accounts:account_deactivate", kwargs={"user_id": _user(username).pk}))

    return web


def name_stand_in(username):
    def web(client, world):
        today = timezone.localdate()
        end = today + dt.timedelta(days=2)
        body = {"stand_in": _user(username).pk, "start": today.isoformat(), "end": end.isoformat()}
        return client.post(reverse("accounts:stand_ins"), body)

    return web


def end_stand_in():
    def web(client, world):
        return client.post(reverse("accounts:stand_in_cancel", kwargs={"pk": world.upcoming_stand_in_id}))

    return web


#                                       supervisor leader commerce customs amr  qiaolian sip  gusu
PEOPLE_MATRIX = {
    "see the people of customs": (see_people("department", "customs"), row(OK, 403, 403, 403, 403, 403, 403, 403)),
    "see the people of an unknown unit": (see_people("department", "nowhere"), row(404, *[403] * 7)),
    "add a liaison to customs": (add_person("department", "customs", DEPUTY), row(OK, *[403] * 7)),
    "add a colleague to amr": (add_person("department", "amr", DEPUTY, "colleague"), row(OK, *[403] * 7)),
    "add a liaison twice": (add_person("department", "customs", "liaison-customs"), row(400, *[403] * 7)),
    "remove the liaison of customs": (remove_person("department", "customs", "liaison-customs"), row(OK, *[403] * 7)),
    "remove someone not of the unit": (remove_person("department", "customs", "liaison-amr"), row(404, *[403] * 7)),
    "add an officer to SIP": (add_person("district", "sip", DEPUTY), row(OK, *[403] * 7)),
    "remove the officer of SIP": (remove_person("district", "sip", "district-sip"), row(OK, *[403] * 7)),
    "deactivate the customs liaison": (deactivate("liaison-customs"), row(OK, *[403] * 7)),
    "deactivate the office's own account": (deactivate("supervisor"), row(403, *[403] * 7)),
    "deactivate the leader's account": (deactivate("leader"), row(403, *[403] * 7)),
    # A stand-in is a colleague of one's own unit: only 苏州海关 may name its colleague.
    "name customs' colleague as stand-in": (name_stand_in(DEPUTY), row(403, 403, 400, OK, 400, 400, 400, 400)),
    "name a liaison of another unit": (name_stand_in("liaison-amr"), row(403, 403, 400, 400, 400, 400, 400, 400)),
    # The person, the stand-in and the office may end it; nobody else sees it.
    "end customs' upcoming stand-in": (end_stand_in(), row(OK, 404, 404, OK, 404, 404, 404, 404)),
}
PEOPLE_CASES = [(action, role) for action in PEOPLE_MATRIX for role in ROLES]


@pytest.mark.parametrize(("action", "role"), PEOPLE_CASES, ids=[f"{a} | {r}" for a, r in PEOPLE_CASES])
def test_people_matrix(people_world, demo_accounts, action, role):
    web, expected = PEOPLE_MATRIX[action]
    response = web(_client("web", demo_accounts[role]), people_world)
    assert _answer("web", response) == expected[role], getattr(response, "content", b"")[:300]


@pytest.mark.parametrize("channel", ["web", "api"])
def test_a_person_removed_by_the_office_page_loses_the_units_access_at_once(world, demo_accounts, channel):
    """No stale rows: the next request of the removed liaison answers as an outsider's (市侨办's)."""
    office = _client("web", demo_accounts["supervisor"])
    customs = _client(channel, demo_accounts["liaison-customs"])
    checks = ["view planned milestone of SIP", "create milestone for customs", "start planned milestone"]
    (web, api), expected = MATRIX[checks[0]]
    assert _answer(channel, (web if channel == "web" else api)(customs, world)) == expected["liaison-customs"] == OK
    remove = remove_person("department", "customs", "liaison-customs")
    assert remove(office, world).status_code == 302
    for name in checks:
        (web, api), expected = MATRIX[name]
        call = web if channel == "web" else api
        assert _answer(channel, call(customs, world)) == expected["liaison-qiaolian"], name


# The stand-in (苏州海关's colleague, no access of its own) for the liaison of 苏州海关: during the
# stand-in it answers every row of the matrix as 苏州海关 does; before it starts, after it ends and
# once it is ended early it answers as an outsider to task 5 (市侨办) does.
STAND_IN_STATES = {
    "during": (0, 2, False),  # (first day from today, days, ended early)
    "after it ended": (0, 0, False),  # today only; the request comes the next day
    "before it starts": (1, 2, False),
    "ended early": (0, 2, True),
}
STAND_IN_CASES = [
    (action, state, channel)
    for action in MATRIX
    for state in ("during", "after it ended")
    for channel in ("web", "api")
]
STAND_IN_CASES += [
    (action, state, "web")
    for action in ("view planned milestone of SIP", "start planned milestone", "create milestone for customs")
    for state in ("before it starts", "ended early")
]


@pytest.mark.parametrize(
    ("action", "state", "channel"), STAND_IN_CASES, ids=[f"{a} | {s} | {c}" for a, s, c in STAND_IN_CASES]
)
def test_stand_in_matrix(people_world, demo_accounts, monkeypatch, action, state, channel):
    from django.apps import apps

    from accounts import selectors as accounts_selectors
    from accounts import services as accounts_services
    from accounts.models import ActingRecord, StandIn

    StandIn.objects.all().delete()  # the upcoming one of the fixture: not needed here
    liaison, deputy = demo_accounts["liaison-customs"], _user(DEPUTY)
    first_day, days, ended_early = STAND_IN_STATES[state]
    start = timezone.localdate() + dt.timedelta(days=first_day)
    stand_in = accounts_services.stand_in_name(
        person=liaison, stand_in=deputy, start=start, end=start + dt.timedelta(days=days), by=liaison
    )
    if ended_early:
        accounts_services.stand_in_cancel(stand_in=stand_in, by=liaison)
    if state == "after it ended":
        tomorrow = timezone.localdate() + dt.timedelta(days=1)
        monkeypatch.setattr(accounts_selectors, "today", lambda: tomorrow)
        if channel == "api":
            accounts_services.reconcile_stand_ins()  # the nightly command: the API has no session
    (web, api), expected = MATRIX[action]
    call = web if channel == "web" else api
    response = call(_client(channel, deputy), people_world)
    as_whom = "liaison-customs" if state == "during" else "liaison-qiaolian"
    answer = expected[as_whom]
    if state != "during" and action.startswith("import a sheet"):
        # A liaison of another unit may import and has the row refused (400); the colleague without
        # any unit of their own may not import at all.
        answer = 403
    assert _answer(channel, response) == answer, getattr(response, "content", b"")[:300]
    # Everything the stand-in changed is recorded "by the stand-in for the liaison".
    written = sum(
        model.objects.filter(history_user=deputy).count()
        for model in apps.get_models()
        if model.__name__.startswith("Historical") and hasattr(model, "history_user")
    )
    assert ActingRecord.objects.filter(stand_in=deputy, person=liaison).count() == written
    if state != "during":
        assert written == 0


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
    "file a monthly task report for customs",
    "file a monthly task report without a summary",
    "file a monthly task report for next year",
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
        if role == "province-leader":
            wanted = expected["leader"]
        elif action in OWN_PLAN:
            wanted = _own_plan_answer(action, role)
        else:
            wanted = 404
        answer = _answer(channel, (web if channel == "web" else api)(client, world))
        if answer != wanted:
            wrong[action] = (answer, wanted)
    assert wrong == {}
    # Nothing of Suzhou's was changed by another city's sheet.
    assert not Milestone.objects.filter(title__in=["表格改名", "表格新节点"], task__plan=world.task.plan).exists()


# These act on the user's own plan (a sheet, a period): another city's office publishes its own 通报,
# and a Suzhou milestone named in its sheet is a row error (400) with nothing written.
OWN_PLAN = {
    "import a sheet renaming the planned customs milestone",
    "import a sheet adding a customs milestone",
    "import a sheet renaming a started milestone",
    "publish an assessment",
    "withdraw when nothing is published",
}
MAY_IMPORT = {"example-city-supervisor", "example-city-liaison-commerce", "example-city-liaison-customs"}


def _own_plan_answer(action, role):
    if action.startswith("import a sheet"):
        return 400 if role in MAY_IMPORT else 403
    return OK if role == "example-city-supervisor" else 403


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
