"""Issue 19: the plan switcher (for someone who sees several plans) and an ended plan's banner and
reopening form, in Chinese and English, on a desk and a phone: nothing scrolls sideways, the
switcher's links open each plan, screenshots in e2e-artifacts/."""

import pytest
from django.conf import settings
from django.utils import timezone

from tests.e2e.conftest import ARTIFACTS
from tests.e2e.test_home_pages import _switch_to_english

pytestmark = pytest.mark.django_db(transaction=True)
SIZES = {"desk": (1366, 768), "phone": (390, 844)}


@pytest.fixture
def two_cities(demo_accounts):
    from departments.demo import seed_demo_accounts
    from tasks_app.plan.plan_file import plan_file_parse
    from tasks_app.plan.plan_io import plan_import

    plan_import(plan_file_parse(settings.CBEC_EXAMPLE_CITY_PLAN_FILE.read_bytes()))
    seed_demo_accounts(password="cbec-demo-2026", province=True)


@pytest.mark.parametrize("size", list(SIZES))
def test_the_province_switches_between_the_cities_plans(two_cities, page_for, live_server, size):
    width, height = SIZES[size]
    page = page_for("province-leader", width=width, height=height)
    for language in ("zh", "en"):
        if language == "en":
            _switch_to_english(page)
        page.goto(f"{live_server.url}/")
        links = page.locator(".plan-bar a")
        assert links.count() == 2
        page.screenshot(path=str(ARTIFACTS / f"plan-switcher-{language}-{size}.png"))
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    page.click(".plan-bar a:not(.plan-current)")
    page.wait_for_load_state("load")
    assert "/plans/example-city-cbec-2024-2026/" in page.url
    assert page.locator(".plan-bar .plan-current").count() == 1
    page.goto(page.url.rsplit("/plans/", 1)[0] + "/plans/example-city-cbec-2024-2026/plan/")
    assert "示例" in page.inner_text("h1") or "Example" in page.inner_text("h1")


@pytest.mark.parametrize("size", list(SIZES))
def test_an_ended_plan_shows_its_banner_and_the_office_reopens_it(demo_accounts, page_for, live_server, size):
    from tasks_app.plan.models import Plan

    plan = Plan.objects.get(code="suzhou-cbec-2024-2026")
    Plan.objects.filter(pk=plan.pk).update(end_year=timezone.localdate().year - 1)
    width, height = SIZES[size]
    page = page_for("supervisor", width=width, height=height)
    page.on("dialog", lambda dialog: dialog.accept())
    page.goto(f"{live_server.url}/plan/")
    assert "只读" in page.inner_text(".plan-read-only")
    page.screenshot(path=str(ARTIFACTS / f"plan-ended-zh-{size}.png"))
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    page.fill("#plan-state textarea[name=reason]", "发布2026年度考核通报")
    page.click("#plan-state button[type=submit]")
    page.wait_for_load_state("load")
    assert "计划已重新开放" in page.inner_text(".messages")
    assert page.locator(".plan-read-only").count() == 0
    _switch_to_english(page)
    page.goto(f"{live_server.url}/plan/")
    assert "reopened" in page.inner_text("#plan-state")
    page.screenshot(path=str(ARTIFACTS / f"plan-reopened-en-{size}.png"))
    # A liaison sees the banner-free page and no reopening control.
    Plan.objects.filter(pk=plan.pk).update(reopened_at=None)
    liaison = page_for("liaison-customs", width=width, height=height)
    liaison.goto(f"{live_server.url}/plan/")
    assert liaison.locator(".plan-read-only").count() == 1
    assert liaison.locator("#plan-state form").count() == 0
