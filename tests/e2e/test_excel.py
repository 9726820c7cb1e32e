"""Excel in and out in chromium, Chinese, desk and phone: download the template from the milestone
import page, change a row with openpyxl, upload it, read the preview, confirm; the milestone list
offers its exports. No sideways scroll; screenshots in e2e-artifacts/."""

import io
from pathlib import Path

import openpyxl
import pytest

from tests.e2e.conftest import ARTIFACTS


@pytest.fixture
def sample(demo_accounts):
    from tests.conftest import load_sample

    load_sample()
    return demo_accounts


@pytest.mark.parametrize("width", [1366, 390])
def test_a_milestone_sheet_round_trips_through_the_import_pages(sample, page_for, live_server, width, tmp_path):
    from tasks_app.workflow.models import Milestone

    page = page_for("supervisor", width=width, height=900)
    page.goto(f"{live_server.url}/milestones/")
    assert page.locator("a", has_text="从Excel导入").count() == 1
    assert page.locator(".export-links a", has_text="XLSX").count() == 1
    page.click("text=从Excel导入")
    page.wait_for_url("**/milestones/import/")
    assert page.locator("h1").inner_text().startswith("从Excel导入")
    with page.expect_download() as download_info:
        page.click("text=下载模板")
    download = download_info.value
    assert download.suggested_filename.endswith(".xlsx") and "节点" in download.suggested_filename
    path = tmp_path / "template.xlsx"
    download.save_as(path)
    workbook = openpyxl.load_workbook(path)
    sheet = workbook.worksheets[0]
    headers = [cell.value for cell in sheet[2]]
    row = next(r for r in range(3, sheet.max_row + 1) if sheet.cell(r, headers.index("状态") + 1).value == "未启动")
    milestone_id = sheet.cell(row, headers.index("节点编号") + 1).value
    sheet.cell(row, headers.index("任务节点") + 1).value = f"浏览器改名{width}"
    changed = tmp_path / "changed.xlsx"
    workbook.save(changed)

    page.set_input_files("input[type=file]", str(changed))
    page.click("#import-upload button[type=submit]")
    page.wait_for_url("**/imports/job/**")
    assert "修改: 1" in page.locator("#import-counts").inner_text().replace("：", ": ")
    assert page.locator("#import-errors").count() == 0
    assert f"浏览器改名{width}" in page.locator("#import-rows").inner_text()
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    page.screenshot(path=str(ARTIFACTS / f"excel-import-preview-{width}.png"), full_page=True)
    page.click("#import-confirm button[type=submit]")
    page.wait_for_load_state()
    assert page.locator("#import-status").inner_text() == "已导入"
    assert Milestone.objects.get(pk=milestone_id).title == f"浏览器改名{width}"


def test_an_export_downloads_with_a_chinese_name(sample, page_for, live_server):
    page = page_for("supervisor")
    page.goto(f"{live_server.url}/overdue/")
    with page.expect_download() as download_info:
        page.click("text=XLSX")
    download = download_info.value
    assert download.suggested_filename.startswith("逾期节点_")
    sheet = openpyxl.load_workbook(io.BytesIO(Path(download.path()).read_bytes())).active
    assert sheet["A2"].value == "序号"
