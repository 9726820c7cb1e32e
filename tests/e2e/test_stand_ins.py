"""In the browser, in Chinese, at 1366 and 390 px: the supervision office adds a colleague to 苏州海关,
the liaison names them stand-in, the stand-in starts the liaison's milestone and the milestone's
history says "王五（代 苏州海关联络员）"; the office removes a liaison and the history lists it."""

import datetime as dt

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from departments.models import Department
from tasks_app.plan.models import KeyTask
from tasks_app.workflow.services import milestone_create

from .conftest import ARTIFACTS
from .test_phone import LAYOUT_PROBE, PHONE, SQUEEZED_PX

pytestmark = pytest.mark.django_db(transaction=True)
PASSWORD = "cbec-demo-2026"


def _fits_a_phone(page, path):
    layout = page.evaluate(LAYOUT_PROBE, SQUEEZED_PX)
    assert layout["sideways"] <= 1, (path, layout)
    assert layout["narrow"] == [], (path, layout)


def test_office_adds_a_colleague_liaison_names_a_stand_in_who_acts_for_them(demo_accounts, page_for, live_server):
    deputy = get_user_model().objects.create_user("customs-deputy", password=PASSWORD, first_name="王五")
    milestone = milestone_create(
        task=KeyTask.objects.get(number=5),
        owner=Department.objects.get(code="customs"),
        title="报送海关监管方案",
        due_date=timezone.localdate() + dt.timedelta(days=20),
        by=demo_accounts["supervisor"],
    )

    # The office adds 王五 to 苏州海关 as a colleague (no access; may stand in).
    office = page_for("supervisor")
    office.goto(f"{live_server.url}/accounts/members/")
    office.click("#units >> text=苏州海关")
    office.select_option("#id_user", label="王五")
    office.select_option("#id_kind", value="colleague")
    office.click("#add-member button[type=submit]")
    assert "已将王五加入苏州海关" in office.inner_text("main")
    assert "王五" in office.inner_text("#colleagues")
    assert "添加为同事" in office.inner_text("#membership-history")
    office.screenshot(path=str(ARTIFACTS / "members-customs.png"), full_page=True)

    # The liaison names 王五 for today and the next two days.
    liaison = page_for("liaison-customs", width=PHONE["width"], height=PHONE["height"])
    liaison.goto(f"{live_server.url}/accounts/stand-ins/")
    _fits_a_phone(liaison, "/accounts/stand-ins/")
    today = timezone.localdate()
    liaison.select_option("#id_stand_in", label="王五")
    liaison.fill("#id_start", today.isoformat())
    liaison.fill("#id_end", (today + dt.timedelta(days=2)).isoformat())
    liaison.fill("#id_note", "出差")
    liaison.click("#name-stand-in button[type=submit]")
    assert "王五（苏州海关）将于" in liaison.inner_text("main")
    assert "生效中" in liaison.inner_text("#my-stand-ins")
    _fits_a_phone(liaison, "/accounts/stand-ins/")
    liaison.screenshot(path=str(ARTIFACTS / "phone-stand-ins.png"), full_page=True)

    # 王五 signs in, sees whom they stand in for, and starts the liaison's milestone.
    stand_in = page_for("customs-deputy")
    stand_in.goto(f"{live_server.url}/accounts/stand-ins/")
    assert "苏州海关联络员" in stand_in.inner_text("#standing-in")
    stand_in.goto(f"{live_server.url}/milestones/{milestone.pk}/")
    stand_in.click("button[value=start]")
    history = stand_in.inner_text("table.history")
    assert "王五（苏州海关）（代 苏州海关联络员）" in history
    stand_in.screenshot(path=str(ARTIFACTS / "stand-in-history.png"), full_page=True)

    # The liaison ends it early: 王五 no longer sees the milestone.
    liaison.goto(f"{live_server.url}/accounts/stand-ins/")
    liaison.click("#my-stand-ins button[type=submit]")
    assert "代理已结束" in liaison.inner_text("main")
    response = stand_in.goto(f"{live_server.url}/milestones/{milestone.pk}/")
    assert response.status == 404
    assert deputy.groups.count() == 0


def test_the_office_removes_a_liaison_on_a_phone(demo_accounts, page_for, live_server):
    office = page_for("supervisor", width=PHONE["width"], height=PHONE["height"])
    office.goto(f"{live_server.url}/accounts/members/department/amr/")
    _fits_a_phone(office, "/accounts/members/department/amr/")
    office.click("#members button:has-text('移出单位')")
    amr = Department.objects.get(code="amr")
    assert f"移出{amr.name}" in office.inner_text("main")
    assert "移出单位" in office.inner_text("#membership-history")
    assert not demo_accounts["liaison-amr"].groups.exists()
    office.screenshot(path=str(ARTIFACTS / "phone-members-amr.png"), full_page=True)
