"""A liaison filters the overdue board, saves the filter, and finds it again as a chip, in chromium,
on a desk and on a phone."""

import pytest

from tests.e2e.conftest import ARTIFACTS


@pytest.mark.parametrize("width", [1366, 390])
def test_save_and_reuse_a_filter(demo_accounts, page_for, live_server, width):
    from tests.conftest import load_sample

    load_sample()
    page = page_for("liaison-commerce", width=width, height=900)
    page.goto(f"{live_server.url}/milestones/?status=in_progress")
    page.fill("input[name=name]", "推进中的")
    page.click(".save-filter-form button")
    chip = page.locator(".saved-filter-current a")
    assert chip.inner_text() == "推进中的"
    page.goto(f"{live_server.url}/milestones/")
    page.click(".saved-filter a")
    # The click starts a navigation: wait until the new page has loaded before reading its DOM
    # (reading it mid-navigation found no document element on CI).
    page.wait_for_url("**/milestones/?status=in_progress")
    page.wait_for_load_state("load")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    page.screenshot(path=str(ARTIFACTS / f"saved-filter-{width}.png"))
