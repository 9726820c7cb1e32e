"""The supervision office ticks every overdue row on the board's page, confirms, and each gets a 督办
notice — in chromium, Chinese, desk and phone."""

import pytest

from tests.e2e.conftest import ARTIFACTS


@pytest.mark.parametrize("width", [1366, 390])
def test_bulk_notice_from_the_overdue_board(demo_accounts, page_for, live_server, width):
    from tasks_app.reminders.models import Reminder, ReminderKind
    from tests.conftest import load_sample

    load_sample()
    page = page_for("supervisor", width=width, height=900)
    page.goto(f"{live_server.url}/overdue/?owner=commerce")
    rows = page.locator("tbody input[name=pk]").count()
    assert rows >= 2
    # The counts (calendar days, working days, escalation level) are aligned right by their position
    # in the row (the stylesheet), the rest not; on a phone each row is a card read left to right.
    aligned = page.eval_on_selector_all(
        "tbody tr:first-child td", "cells => cells.map(cell => getComputedStyle(cell).textAlign)"
    )
    right = [index for index, align in enumerate(aligned) if align == "right"]
    assert right == ([6, 7, 8] if width > 640 else []), aligned
    page.check(".bulk-form input.select-all")
    assert page.locator("tbody input[name=pk]:checked").count() == rows
    page.fill("#bulk-message", "请本周内报送进展")
    questions = []
    page.on("dialog", lambda dialog: (questions.append(dialog.message), dialog.accept()))
    page.click("button[value=notice]")
    page.wait_for_selector(".messages")
    assert questions and "督办" in questions[0]
    assert page.url.endswith("/overdue/?owner=commerce")
    assert Reminder.objects.filter(kind=ReminderKind.MANUAL, message="请本周内报送进展").count() == rows
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    page.screenshot(path=str(ARTIFACTS / f"overdue-bulk-{width}.png"), full_page=True)
