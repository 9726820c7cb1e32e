"""The pages a liaison or a district officer uses on the move, on a 390 px phone in Chinese: the
header stays compact, nothing scrolls sideways, no table cell is squeezed to a character per line
(tables become cards), screenshots in e2e-artifacts/."""

import pytest

from tests.e2e.conftest import ARTIFACTS

PHONE = {"width": 390, "height": 844}

# The narrowest a cell with text may be before its words break a character per line.
SQUEEZED_PX = 36


@pytest.fixture
def sample(demo_accounts):
    from tests.conftest import load_sample

    load_sample()
    return demo_accounts


def _pages(username):
    from tasks_app.plan.models import Implementation
    from tasks_app.workflow.models import Milestone

    pages = ["/", "/milestones/", "/overdue/", "/notifications/"]
    if username.startswith("liaison-"):
        milestone = Milestone.objects.filter(owner__code=username.removeprefix("liaison-")).order_by("pk").first()
        pages.append(f"/milestones/{milestone.pk}/")
    else:
        implementation = Implementation.objects.filter(district__code=username.removeprefix("district-")).first()
        pages += [f"/implementations/{implementation.pk}/", "/indicators/"]
    return pages


LAYOUT_PROBE = """(squeezed) => {
  const header = document.querySelector('.site-header').getBoundingClientRect().height;
  const sideways = document.documentElement.scrollWidth - window.innerWidth;
  const narrow = [];
  for (const cell of document.querySelectorAll('main td, main th')) {
    const box = cell.getBoundingClientRect();
    const head = cell.closest('thead');
    if (head && head.getBoundingClientRect().height <= 1) continue;  // a card table's hidden header
    const text = cell.textContent.trim();
    const shown = box.width > 1 && box.height > 1 && cell.offsetParent !== null;
    if (shown && text.length > 2 && box.width < squeezed) narrow.push(text.slice(0, 20));
  }
  return {header, sideways, narrow};
}"""


@pytest.mark.parametrize("username", ["liaison-commerce", "district-sip"])
def test_phone_pages_are_compact_and_readable(sample, page_for, live_server, username):
    page = page_for(username, **PHONE)
    for path in _pages(username):
        response = page.goto(f"{live_server.url}{path}")
        assert response.status == 200, path
        layout = page.evaluate(LAYOUT_PROBE, SQUEEZED_PX)
        name = path.strip("/").replace("/", "-") or "home"
        page.screenshot(path=str(ARTIFACTS / f"phone-{username}-{name}.png"), full_page=True)
        assert layout["header"] <= 110, (path, layout["header"])
        assert layout["sideways"] <= 1, (path, layout["sideways"])
        assert layout["narrow"] == [], (path, layout["narrow"])
