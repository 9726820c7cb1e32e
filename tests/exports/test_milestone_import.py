"""Milestones come in from Excel (issue 18 item 1): template → edit in the sheet → upload → preview
of every row and every problem → confirm, all or nothing, through the workflow's services."""

import datetime as dt
import io

import openpyxl
import pytest
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from departments.models import Department
from tasks_app.exports.models import ImportJob, ImportStatus
from tasks_app.plan.models import KeyTask
from tasks_app.workflow.models import Milestone
from tasks_app.workflow.services import milestone_create, milestone_transition, milestone_update

DUE = dt.date(2026, 6, 30)


@pytest.fixture
def task2(suzhou_plan, demo_accounts):
    task = KeyTask.objects.get(number=2)
    for index, owner in enumerate(["drc", "finance", "finance", "commerce"]):
        milestone_create(
            task=task,
            owner=Department.objects.get(code=owner),
            title=f"节点{index}",
            due_date=DUE + dt.timedelta(days=index),
            by=demo_accounts["supervisor"],
        )
    return task


def api_for(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


def client_for(user):
    client = Client()
    client.force_login(user)
    return client


def body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def template_of(user, task_number):
    response = api_for(user).get("/api/v1/milestones/import/template/", {"task": task_number})
    assert response.status_code == 200
    return openpyxl.load_workbook(io.BytesIO(body(response)))


def upload(workbook, name="节点.xlsx"):
    data = io.BytesIO()
    workbook.save(data)
    data.seek(0)
    data.name = name
    return data


def column(sheet, header):
    return [cell.value for cell in sheet[2]].index(header) + 1


def post(user, workbook, dry_run):
    return api_for(user).post(
        "/api/v1/milestones/import/", {"file": upload(workbook), "dry_run": dry_run}, format="multipart"
    )


def test_the_template_round_trips_three_edits_and_two_new_rows(task2, demo_accounts):
    supervisor = demo_accounts["supervisor"]
    workbook = template_of(supervisor, 2)
    sheet = workbook.worksheets[0]
    assert [ws.title for ws in workbook.worksheets] == ["任务2的节点", "可选值", "填写说明"]
    assert sheet.data_validations.dataValidation  # drop-downs for task, department, district
    assert sheet.max_row == 2 + 4
    title, due, owner, task = (column(sheet, h) for h in ("任务节点", "完成时限", "责任部门", "重点任务"))
    sheet.cell(3, title).value = "节点0（改）"
    sheet.cell(4, due).value = dt.datetime(2026, 9, 1)
    sheet.cell(5, owner).value = "市发改委"
    for offset, name in enumerate(["新节点甲", "新节点乙"]):
        row = 7 + offset
        sheet.cell(row, task).value = 2
        sheet.cell(row, title).value = name
        sheet.cell(row, owner).value = "市财政局"
        sheet.cell(row, due).value = "2026/12/31"

    preview = post(supervisor, workbook, dry_run=True)
    assert preview.status_code == 200, preview.json()
    assert {k: preview.json()[k] for k in ("created", "updated", "unchanged", "errors")} == {
        "created": 2,
        "updated": 3,
        "unchanged": 1,
        "errors": [],
    }
    assert Milestone.objects.filter(task=task2).count() == 4  # a dry run writes nothing

    applied = post(supervisor, workbook, dry_run=False)
    assert applied.status_code == 200 and applied.json()["created"] == 2
    milestones = {m.title: m for m in Milestone.objects.filter(task=task2)}
    assert set(milestones) == {"节点0（改）", "节点1", "节点2", "节点3", "新节点甲", "新节点乙"}
    assert milestones["节点1"].due_date == dt.date(2026, 9, 1) and milestones["节点1"].version == 2
    assert milestones["节点2"].owner.code == "drc"
    assert milestones["新节点甲"].due_date == dt.date(2026, 12, 31)
    # Through the services: history says who and why.
    latest = milestones["节点1"].history.first()
    assert latest.history_user == supervisor and "Excel" in (latest.history_change_reason or "")

    # The same sheet again changes nothing (new rows are found by task and title).
    again = post(supervisor, workbook, dry_run=False)
    assert again.status_code == 200
    assert {k: again.json()[k] for k in ("created", "updated", "unchanged", "errors")} == {
        "created": 0,
        "updated": 0,
        "unchanged": 6,
        "errors": [],
    }
    assert Milestone.objects.filter(task=task2).count() == 6


def test_every_kind_of_error_has_its_row_and_column_and_nothing_is_written(task2, demo_accounts):
    supervisor = demo_accounts["supervisor"]
    workbook = template_of(supervisor, 2)
    sheet = workbook.worksheets[0]
    cols = {h: column(sheet, h) for h in ("节点编号", "重点任务", "任务节点", "责任部门", "板块", "完成时限", "版本")}
    sheet.cell(3, cols["责任部门"]).value = "不存在局"
    sheet.cell(4, cols["完成时限"]).value = "下个月"
    sheet.cell(5, cols["责任部门"]).value = "市交通局"  # not responsible for task 2
    sheet.cell(6, cols["版本"]).value = 99  # stale
    sheet.cell(6, cols["任务节点"]).value = "节点3（改）"
    sheet.cell(7, cols["重点任务"]).value = 999
    sheet.cell(7, cols["任务节点"]).value = "无此任务"
    sheet.cell(7, cols["责任部门"]).value = "市财政局"
    sheet.cell(7, cols["完成时限"]).value = dt.datetime(2026, 1, 1)
    sheet.cell(8, cols["重点任务"]).value = 2
    sheet.cell(8, cols["任务节点"]).value = "年份写错"
    sheet.cell(8, cols["责任部门"]).value = "市财政局"
    sheet.cell(8, cols["板块"]).value = "火星区"
    sheet.cell(8, cols["完成时限"]).value = "1026-11-24"
    before = list(Milestone.objects.order_by("pk").values_list("pk", "title", "version"))

    response = post(supervisor, workbook, dry_run=False)
    assert response.status_code == 400
    errors = {(e["row"], e["column"]): e["message"] for e in response.json()["errors"]}
    assert "不存在局" in errors[(3, "责任部门")]
    assert "不是日期" in errors[(4, "完成时限")]
    assert "不是第2项任务的责任部门" in errors[(5, "责任部门")]
    assert "重新导出" in errors[(6, "版本")]
    assert "999" in errors[(7, "重点任务")]
    assert "火星区" in errors[(8, "板块")]
    assert (8, "完成时限") in errors
    assert list(Milestone.objects.order_by("pk").values_list("pk", "title", "version")) == before


def test_a_liaisons_sheet_touching_another_department_is_refused_row_by_row(task2, demo_accounts):
    liaison = demo_accounts["liaison-finance"]
    workbook = template_of(demo_accounts["supervisor"], 2)
    sheet = workbook.worksheets[0]
    cols = {h: column(sheet, h) for h in ("节点编号", "任务节点", "责任部门", "完成时限", "重点任务")}
    finance_rows = [r for r in range(3, 7) if sheet.cell(r, cols["责任部门"]).value == "市财政局"]
    other_rows = [r for r in range(3, 7) if sheet.cell(r, cols["责任部门"]).value != "市财政局"]
    for row in range(3, 7):
        sheet.cell(row, cols["完成时限"]).value = dt.datetime(2026, 10, 1)
    sheet.cell(7, cols["重点任务"]).value = 2
    sheet.cell(7, cols["任务节点"]).value = "替发改委新建"
    sheet.cell(7, cols["责任部门"]).value = "市发改委"
    sheet.cell(7, cols["完成时限"]).value = dt.datetime(2026, 10, 1)

    response = post(liaison, workbook, dry_run=True)
    rows_with_errors = {e["row"] for e in response.json()["errors"]}
    assert set(other_rows) | {7} <= rows_with_errors
    assert not rows_with_errors & set(finance_rows)
    assert response.json()["updated"] == len(finance_rows)
    assert post(liaison, workbook, dry_run=False).status_code == 400
    assert not Milestone.objects.filter(due_date=dt.date(2026, 10, 1)).exists()


def test_the_pages_upload_preview_confirm(task2, demo_accounts):
    supervisor = demo_accounts["supervisor"]
    client = client_for(supervisor)
    page = client.get(reverse("tasks_app:milestone_import"))
    assert page.status_code == 200 and "下载模板" in page.content.decode()
    template = client.get(reverse("tasks_app:import_template", args=["milestones"]), {"task": 2})
    workbook = openpyxl.load_workbook(io.BytesIO(body(template)))
    sheet = workbook.worksheets[0]
    sheet.cell(3, column(sheet, "任务节点")).value = "从页面改的"
    response = client.post(reverse("tasks_app:milestone_import"), {"file": upload(workbook)})
    job = ImportJob.objects.get()
    assert response.status_code == 302 and response.url == reverse("tasks_app:import_preview", args=[job.pk])
    preview = client.get(response.url).content.decode()
    assert "修改" in preview and "从页面改的" in preview and "确认导入" in preview
    assert not Milestone.objects.filter(title="从页面改的").exists()
    confirmed = client.post(reverse("tasks_app:import_confirm", args=[job.pk]))
    assert confirmed.status_code == 302
    job.refresh_from_db()
    assert job.status == ImportStatus.DONE and job.result["updated"] == 1
    assert Milestone.objects.filter(title="从页面改的").exists()
    assert client.post(reverse("tasks_app:import_confirm", args=[job.pk])).status_code == 409
    # Someone else's import is not there at all.
    assert client_for(demo_accounts["liaison-finance"]).get(response.url).status_code == 404


def test_a_file_that_is_not_a_sheet_is_a_field_error(task2, demo_accounts):
    client = client_for(demo_accounts["supervisor"])
    bad = io.BytesIO(b"not a zip")
    bad.name = "x.xlsx"
    response = client.post(reverse("tasks_app:milestone_import"), {"file": bad})
    assert response.status_code == 400 and "不是Excel工作簿" in response.content.decode()
    bad.seek(0)
    api = api_for(demo_accounts["supervisor"]).post("/api/v1/milestones/import/", {"file": bad}, format="multipart")
    assert api.status_code == 400 and "file" in api.json()


def test_who_may_import(task2, demo_accounts):
    assert client_for(demo_accounts["leader"]).get(reverse("tasks_app:milestone_import")).status_code == 403
    assert client_for(demo_accounts["district-gusu"]).get(reverse("tasks_app:milestone_import")).status_code == 403
    workbook = template_of(demo_accounts["supervisor"], 2)
    assert post(demo_accounts["leader"], workbook, dry_run=True).status_code == 403
    assert client_for(demo_accounts["liaison-finance"]).get(reverse("tasks_app:milestone_import")).status_code == 200


def test_a_started_milestone_changes_only_its_due_date_by_the_office(task2, demo_accounts):
    milestone = Milestone.objects.get(title="节点1")
    milestone_transition(milestone=milestone, action="start", by=demo_accounts["liaison-finance"])
    workbook = template_of(demo_accounts["supervisor"], 2)
    sheet = workbook.worksheets[0]
    row = next(r for r in range(3, 7) if sheet.cell(r, column(sheet, "任务节点")).value == "节点1")
    sheet.cell(row, column(sheet, "完成时限")).value = dt.datetime(2026, 12, 1)
    assert post(demo_accounts["supervisor"], workbook, dry_run=False).status_code == 200
    milestone.refresh_from_db()
    assert milestone.due_date == dt.date(2026, 12, 1) and milestone.baseline_due_date == DUE + dt.timedelta(days=1)
    sheet.cell(row, column(sheet, "任务节点")).value = "节点1改名"
    sheet.cell(row, column(sheet, "版本")).value = milestone.version
    response = post(demo_accounts["supervisor"], workbook, dry_run=True)
    assert [e["row"] for e in response.json()["errors"]] == [row]


def test_a_stale_row_is_refused_but_an_unchanged_stale_row_is_fine(task2, demo_accounts):
    supervisor = demo_accounts["supervisor"]
    workbook = template_of(supervisor, 2)
    milestone = Milestone.objects.get(title="节点0")
    milestone_update(milestone=milestone, by=supervisor, version=milestone.version, changes={"title": "别人改了"})
    response = post(supervisor, workbook, dry_run=True)
    # The sheet still says 节点0 with the old version: a change against a newer milestone.
    assert [e["column"] for e in response.json()["errors"]] == ["版本"]
