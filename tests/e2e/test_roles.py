"""Each role does its core job through the browser, and the screen shows the result."""

import datetime as dt

import pytest
from django.utils import timezone

from departments.models import Department, District
from tasks_app.plan.models import Implementation, KeyTask
from tasks_app.workflow.models import Milestone
from tasks_app.workflow.services import milestone_create, milestone_transition

from .conftest import ARTIFACTS

pytestmark = pytest.mark.django_db(transaction=True)
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _milestone(users, title, owner="customs", status="in_progress"):
    milestone = milestone_create(
        task=KeyTask.objects.get(number=5),
        owner=Department.objects.get(code=owner),
        title=title,
        due_date=timezone.localdate() + dt.timedelta(days=5),
        by=users["liaison-commerce"],
    )
    steps = {"planned": [], "in_progress": ["start"], "submitted": ["start", "submit"]}[status]
    for action in steps:
        milestone = milestone_transition(milestone=milestone, action=action, by=users[f"liaison-{owner}"])
    return milestone


def test_liaison_posts_an_update_and_submits(demo_accounts, page_for, live_server):
    milestone = _milestone(demo_accounts, "报送品牌培育名单")
    page = page_for("liaison-customs")
    page.screenshot(path=str(ARTIFACTS / "home-liaison.png"), full_page=True)
    assert "报送品牌培育名单" in page.inner_text("#liaison-home")
    page.click("text=报送品牌培育名单")
    page.fill("#id_percent", "80")
    page.fill("#id_summary", "名单初稿已完成,正在征求意见。")
    page.click("form[action$='/updates/'] button[type=submit]")
    assert "进展已报送" in page.inner_text(".messages")
    assert "名单初稿已完成" in page.inner_text("main")
    page.fill("#id_note", "名单已报送市商务局,附件为正式文本。")  # the completion report (issue 16)
    page.click("button[value=submit]")
    assert "已申请办结" in page.inner_text(".grid-facts")
    assert Milestone.objects.get(pk=milestone.pk).status == "submitted"


def test_supervisor_returns_one_approves_another_and_publishes(demo_accounts, page_for, live_server):
    first = _milestone(demo_accounts, "甲:待退回", status="submitted")
    second = _milestone(demo_accounts, "乙:待销号", status="submitted")
    page = page_for("supervisor")
    page.on("dialog", lambda dialog: dialog.accept())  # 退回, 销号 and 发布 ask first (static/js/confirm.js)
    page.screenshot(path=str(ARTIFACTS / "home-supervisor.png"), full_page=True)
    assert "甲:待退回" in page.inner_text("#supervision-home")

    page.goto(f"{live_server.url}/milestones/{first.pk}/")
    page.click("button[value=return]")  # no reason: refused next to the field
    assert "请填写退回理由" in page.inner_text("form[action$='/transition/']")
    page.fill("#id_note", "请补充佐证材料。")
    page.click("button[value=return]")
    assert "推进中" in page.inner_text(".grid-facts") and "请补充佐证材料" in page.inner_text(".grid-facts")

    page.goto(f"{live_server.url}/milestones/{second.pk}/")
    page.click("button[value=approve]")
    assert "已销号" in page.inner_text(".grid-facts")

    year = timezone.localdate().year
    page.goto(f"{live_server.url}/assessment/{year}/")
    page.click("text=发布本期通报")
    page.fill("#id_remarks", "第一期通报")
    page.click("form[action$='/publish/'] button[type=submit]")
    assert "已发布" in page.inner_text(".messages")
    assert Milestone.objects.get(pk=first.pk).status == "in_progress"
    assert Milestone.objects.get(pk=second.pk).status == "completed"


def test_district_confirms_with_an_uploaded_file(demo_accounts, page_for, live_server, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path
    evidence = tmp_path / "落实方案.pdf"
    evidence.write_bytes(PDF)
    implementation = Implementation.objects.get(task__number=3, district=District.objects.get(code="sip"))
    page = page_for("district-sip")
    page.screenshot(path=str(ARTIFACTS / "home-district.png"), full_page=True)
    assert page.locator("#district-home tbody tr").count() == 17
    page.goto(f"{live_server.url}/implementations/{implementation.pk}/")
    page.fill("#id_note", "已出台园区招引头部平台工作方案。")
    page.set_input_files("#id_evidence", str(evidence))
    page.click("form[action$='/confirm/'] button[type=submit]")
    assert "已确认落实" in page.inner_text(".messages")
    assert "落实方案.pdf" in page.inner_text("main")
    implementation.refresh_from_db()
    assert implementation.status == "confirmed" and implementation.evidence_name == "落实方案.pdf"


def test_leader_reads_the_dashboard_in_chinese_and_english(demo_accounts, page_for, live_server):
    _milestone(demo_accounts, "领导查看的节点")
    page = page_for("leader")
    page.screenshot(path=str(ARTIFACTS / "home-leader.png"), full_page=True)
    assert "计划进展" in page.inner_text("#leadership-home")
    page.goto(f"{live_server.url}/heatmap/")
    assert page.locator("table.heatmap tbody tr").count() == 17
    page.select_option("#language-select", "en")
    page.click(".lang-form button")
    page.wait_for_load_state()
    assert "Task × district heat map" in page.inner_text("h1")
    page.goto(f"{live_server.url}/")
    assert "How the plan is doing" in page.inner_text("#leadership-home")


def test_supervisor_gets_a_large_export_made_in_the_background(
    demo_accounts, page_for, live_server, tmp_path, settings
):
    """Beyond the inline limit the board's export goes to "My exports": progress, then the file."""
    from tasks_app.exports.models import ExportJob
    from tasks_app.exports.services import export_job_run

    settings.MEDIA_ROOT = tmp_path
    settings.CBEC_EXPORT_INLINE_ROWS = 1
    for title in ("逾期一", "逾期二"):
        milestone = _milestone(demo_accounts, title)
        Milestone.objects.filter(pk=milestone.pk).update(due_date=timezone.localdate() - dt.timedelta(days=8))
    page = page_for("supervisor")
    page.goto(f"{live_server.url}/overdue/")
    page.click("text=XLSX")
    page.wait_for_url(f"{live_server.url}/exports/")
    assert "后台生成" in page.inner_text(".messages")
    assert "排队中" in page.inner_text("#exports")
    export_job_run(ExportJob.objects.get().pk)  # what the worker does (tests/test_celery_worker.py runs one)
    page.reload()
    assert "已生成" in page.inner_text("#exports")
    with page.expect_download() as download:
        page.click("#exports >> text=下载")
    assert download.value.suggested_filename.endswith(".xlsx")
    page.goto(f"{live_server.url}/notifications/")
    assert "已生成" in page.inner_text("main")
