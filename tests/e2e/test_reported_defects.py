"""Items 1, 5 and 6 of the reported defects walked in the browser, in Chinese (the default), at a desk
(1366 px) and on a phone (390 px): the date survives an edit, no control leads to a refusal, and a
district officer's figure goes to their own district."""

import datetime as dt

import pytest
from django.utils import timezone

from departments.models import Department, District
from tasks_app.assessment.models import Indicator, IndicatorReport
from tasks_app.plan.models import KeyTask
from tasks_app.workflow.models import Milestone
from tasks_app.workflow.services import milestone_create, milestone_transition

from .conftest import ARTIFACTS

pytestmark = pytest.mark.django_db(transaction=True)
WIDTHS = {"desk": (1366, 768), "phone": (390, 844)}


def _milestone(users, *, actions=()):
    milestone = milestone_create(
        task=KeyTask.objects.get(number=5),
        owner=Department.objects.get(code="customs"),
        title="跨境品牌名单",
        due_date=timezone.localdate() + dt.timedelta(days=45),
        by=users["supervisor"],
    )
    for action in actions:
        milestone = milestone_transition(milestone=milestone, action=action, by=users["liaison-customs"])
    return milestone


@pytest.mark.parametrize("width", WIDTHS)
def test_editing_a_title_in_chinese_keeps_the_due_date(demo_accounts, page_for, live_server, width):
    milestone = _milestone(demo_accounts)
    page = page_for("liaison-commerce", width=WIDTHS[width][0], height=WIDTHS[width][1])
    page.goto(f"{live_server.url}/milestones/{milestone.pk}/")
    page.click("form[action$='/edit/'] >> xpath=.. >> summary")
    due = page.locator("form[action$='/edit/'] input[name=due_date]")
    assert due.input_value() == milestone.due_date.isoformat()  # the browser shows the date, not blank
    page.fill("form[action$='/edit/'] input[name=title]", "跨境品牌名单(修订)")
    page.click("form[action$='/edit/'] button[type=submit]")
    page.wait_for_url(f"{live_server.url}/milestones/{milestone.pk}/")
    assert "该字段是必填项" not in page.inner_text("main")
    page.screenshot(path=str(ARTIFACTS / f"defect-edit-{width}.png"), full_page=True)
    saved = Milestone.objects.get(pk=milestone.pk)
    assert saved.title == "跨境品牌名单(修订)" and saved.due_date == milestone.due_date


@pytest.mark.parametrize("width", WIDTHS)
def test_no_control_leads_to_a_refusal(demo_accounts, page_for, live_server, width):
    submitted = _milestone(demo_accounts, actions=("start", "submit"))
    leader = page_for("leader", width=WIDTHS[width][0], height=WIDTHS[width][1])
    leader.goto(f"{live_server.url}/indicators/")
    assert leader.locator("form[action$='/indicators/report/']").count() == 0
    district = page_for("district-kunshan", width=WIDTHS[width][0], height=WIDTHS[width][1])
    district.goto(f"{live_server.url}/assessment/2026/")
    assert district.locator("a[href$='/assessment/2026/notice/']").count() == 0
    for link in district.locator("main a").all():
        href = link.get_attribute("href") or ""
        if href.startswith("/") and "_export" not in href:
            assert district.request.get(f"{live_server.url}{href}").status < 400, href
    liaison = page_for("liaison-customs", width=WIDTHS[width][0], height=WIDTHS[width][1])
    liaison.goto(f"{live_server.url}/milestones/{submitted.pk}/")
    assert liaison.locator("form[action$='/updates/']").count() == 0
    liaison.screenshot(path=str(ARTIFACTS / f"defect-submitted-{width}.png"), full_page=True)


@pytest.mark.parametrize("width", WIDTHS)
def test_a_district_officers_figure_goes_to_their_own_district(demo_accounts, page_for, live_server, width):
    page = page_for("district-kunshan", width=WIDTHS[width][0], height=WIDTHS[width][1])
    page.goto(f"{live_server.url}/indicators/")
    page.click("form[action$='/indicators/report/'] >> xpath=.. >> summary")
    form = page.locator("form[action$='/indicators/report/']")
    assert form.locator("select[name=district] option").all_inner_texts() == ["昆山市"]
    volume = Indicator.objects.get(code="cbec_volume")
    form.locator("select[name=indicator]").select_option(value=str(volume.pk))
    form.locator("input[name=period]").fill("2026年")  # a mistake: comes back with what was typed
    form.locator("input[name=value]").fill("188.5")
    form.locator("input[name=source]").fill("昆山市商务局")
    form.locator("button[type=submit]").click()
    again = page.locator("form[action$='/indicators/report/']")
    assert again.locator("input[name=source]").input_value() == "昆山市商务局"
    assert again.locator("input[name=value]").input_value() == "188.5"
    assert "权限" not in page.inner_text("h1")
    again.locator("input[name=period]").fill("2026")
    page.locator("form[action$='/indicators/report/'] button[type=submit]").click()
    page.wait_for_url(f"{live_server.url}/indicators/")
    page.screenshot(path=str(ARTIFACTS / f"defect-figure-{width}.png"), full_page=True)
    report = IndicatorReport.objects.get(indicator__code="cbec_volume", period="2026", value="188.50")
    assert report.district == District.objects.get(code="kunshan")
