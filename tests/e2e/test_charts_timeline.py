"""The task timeline and the indicator charts in chromium, Chinese, desk and phone: drawn, no
horizontal scroll of the page, screenshots in e2e-artifacts/."""

import pytest

from tests.e2e.conftest import ARTIFACTS


@pytest.fixture
def sample(demo_accounts):
    from tests.conftest import load_sample

    load_sample()
    return demo_accounts


@pytest.mark.parametrize("width", [1366, 390])
def test_task_timeline_is_drawn_and_the_page_does_not_scroll_sideways(sample, page_for, live_server, width):
    page = page_for("supervisor", width=width, height=900)
    page.goto(f"{live_server.url}/tasks/1/")
    timeline = page.locator("svg.timeline")
    assert timeline.count() == 1
    assert page.locator("svg.timeline circle.due").count() >= 1
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    timeline.scroll_into_view_if_needed()
    page.screenshot(path=str(ARTIFACTS / f"task-timeline-{width}.png"), full_page=True)
