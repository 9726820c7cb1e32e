"""The 通报 in a real browser: the office publishes after confirming, corrects and withdraws; a district
reads the frozen notice; the targets and rubric pages; in Chinese, at 1366 and 390 px wide."""

import datetime as dt
import re
from importlib import import_module

import pytest
from django.apps import apps
from playwright.sync_api import expect

from departments.models import Department
from tasks_app.assessment.models import AssessmentPublication
from tasks_app.plan.models import KeyTask
from tasks_app.workflow.models import Milestone
from tasks_app.workflow.services import milestone_create

from .conftest import ARTIFACTS

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def rubrics(demo_accounts):
    """The default rubrics (a data migration's rows: a transactional test's flush removes them)."""
    import_module("tasks_app.migrations.0005_default_rubrics").create(apps, None)


@pytest.fixture
def overdue_2024(demo_accounts):
    milestone = milestone_create(
        task=KeyTask.objects.get(number=6),
        owner=Department.objects.get(code="customs"),
        title="2024年逾期节点",
        due_date=dt.date(2024, 4, 1),
        by=demo_accounts["supervisor"],
    )
    Milestone.objects.filter(pk=milestone.pk).update(created_at=dt.datetime(2024, 1, 5, 9, tzinfo=dt.UTC))
    return milestone


def _fits(page):
    """Nothing wider than the window (tables scroll inside their own box)."""
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


@pytest.mark.parametrize("width", [1366, 390])
def test_the_office_publishes_corrects_and_withdraws_and_a_district_reads_the_notice(
    overdue_2024, page_for, live_server, width
):
    page = page_for("supervisor", width=width, height=900)
    page.goto(f"{live_server.url}/assessment/2024/")
    assert "考核" in page.inner_text("h1")
    page.click("#publish-panel summary")
    assert "逾期" in page.inner_text("#will-freeze")
    page.fill("#id_remarks", "请各板块对照整改")
    page.once("dialog", lambda dialog: dialog.dismiss())  # asked first; "no" publishes nothing
    page.click("#publish-panel button[type=submit]")
    assert AssessmentPublication.objects.count() == 0
    page.once("dialog", lambda dialog: dialog.accept())
    page.click("#publish-panel button[type=submit]")
    page.wait_for_selector(".messages")
    assert "第1版" in page.inner_text("#assessment-status")
    assert _fits(page)
    page.screenshot(path=str(ARTIFACTS / f"assessment-published-{width}.png"), full_page=True)

    page.click("#publish-panel summary")
    page.fill("#id_reason", "昆山市数据更正")
    page.once("dialog", lambda dialog: dialog.accept())
    page.click("#publish-panel button[type=submit]")
    page.wait_for_selector(".messages")
    assert "第2版" in page.inner_text("#assessment-status")
    assert "昆山市数据更正" in page.inner_text("#version-list")

    district = page_for("district-gusu", width=width, height=900)
    district.goto(f"{live_server.url}/assessment/2024/notice/")
    notice = district.inner_text("#notice")
    assert "2024年度" in notice and "重点任务推进情况的通报" in notice and "2024年逾期节点" in notice
    assert re.search(r"苏州市人民政府\s+\d{4}年\d{1,2}月\d{1,2}日", notice)  # issuing body, Chinese date
    assert _fits(district)
    district.screenshot(path=str(ARTIFACTS / f"assessment-notice-{width}.png"), full_page=True)
    with district.expect_download() as download:
        district.click("a[href*='format=pdf']")
    assert download.value.suggested_filename.startswith("通报_2024年度_第2版_")

    page.click("#withdraw-panel summary")
    page.fill("#withdraw-panel textarea", "发布有误")
    page.once("dialog", lambda dialog: dialog.accept())
    page.click("#withdraw-panel button[type=submit]")
    page.wait_for_selector(".messages")
    assert "发布有误" in page.inner_text("#version-list")
    assert AssessmentPublication.objects.filter(status="current").count() == 0


@pytest.mark.parametrize("width", [1366, 390])
def test_the_office_sets_targets_and_edits_the_rubric(demo_accounts, page_for, live_server, width):
    page = page_for("supervisor", width=width, height=900)
    page.goto(f"{live_server.url}/assessment/targets/?indicator=cbec_volume&period=2025")
    assert "目标" in page.inner_text("h1")
    assert page.input_value("#id_city")  # pre-filled with the suggestion
    page.fill("#id_city", "480")
    page.fill("#id_note", "年度目标")
    page.click("#targets-form button[type=submit]")
    page.wait_for_selector(".messages")
    assert "年度目标" in page.inner_text("#target-history")
    assert _fits(page)
    page.goto(f"{live_server.url}/assessment/rubric/")
    assert "15" in page.inner_text("#reporting-rule")
    page.click("#rubric-form button[name=preview]")
    expect(page.locator("#preview-table tbody tr")).to_have_count(10)
    page.fill("#id_reporting_days", "20")
    page.fill("#id_reason", "延长填报期")
    page.click("#rubric-form button[name=save]")
    page.wait_for_selector(".messages")
    assert "20" in page.inner_text("#reporting-rule") and "延长填报期" in page.inner_text("#rubric-history")
    page.screenshot(path=str(ARTIFACTS / f"assessment-rubric-{width}.png"), full_page=True)
    leader = page_for("leader", width=width)
    response = leader.goto(f"{live_server.url}/assessment/rubric/")
    assert response.status == 403
