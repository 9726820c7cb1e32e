"""Every role's pages in English: no Chinese in the interface (headings, table heads, labels,
buttons, navigation, choices, messages) — only in the data people typed in Chinese — and the
layout fits 1366×768 without a horizontal scroll bar."""

import datetime as dt
import re

import pytest
from django.utils import timezone

from departments.models import Department
from tasks_app.plan.models import KeyTask
from tasks_app.reminders.services import reminders_scan
from tasks_app.workflow.services import milestone_create, milestone_transition

pytestmark = pytest.mark.django_db(transaction=True)

# Interface text lives in these elements; data (milestone titles, notes) lives in table cells,
# links and paragraphs. The language switch names each language in itself (简体中文) on purpose.
INTERFACE = "h1, h2, h3, th, label, button, nav, legend, caption, .messages, select:not(#language-select) option"
CHINESE = r"[\u4e00-\u9fff]"
# Data shown inside a heading (a milestone's title) is marked lang="zh-Hans" and left out.
WITHOUT_DATA = """nodes => nodes.map(node => {
    const copy = node.cloneNode(true);
    copy.querySelectorAll('[lang="zh-Hans"]').forEach(data => data.remove());
    return copy.textContent;
})"""

PAGES = {
    "liaison-customs": ["/", "/plan/", "/tasks/5/", "/milestones/", "/milestones/{milestone}/", "/notifications/"],
    "supervisor": ["/", "/overdue/", "/milestones/{milestone}/", "/assessment/2025/", "/indicators/"],
    "district-sip": ["/", "/districts/sip/", "/assessment/2025/", "/indicators/"],
    "leader": ["/", "/heatmap/", "/assessment/2025/", "/departments/"],
}


@pytest.fixture
def work(demo_accounts):
    today = timezone.localdate()
    milestone = milestone_create(
        task=KeyTask.objects.get(number=5),
        owner=Department.objects.get(code="customs"),
        title="逾期的节点",
        due_date=today - dt.timedelta(days=9),
        by=demo_accounts["liaison-commerce"],
    )
    milestone = milestone_transition(milestone=milestone, action="start", by=demo_accounts["liaison-customs"])
    reminders_scan(as_of=today)
    return milestone


@pytest.mark.parametrize("username", list(PAGES))
def test_every_page_of_the_role_is_english_in_english(username, work, page_for, live_server):
    page = page_for(username)
    page.select_option("#language-select", "en")
    page.click(".lang-form button")
    page.wait_for_load_state()
    untranslated = {}
    for path in PAGES[username]:
        response = page.goto(live_server.url + path.format(milestone=work.pk))
        assert response.status == 200, path
        texts = page.eval_on_selector_all(INTERFACE, WITHOUT_DATA)
        chinese = [t for t in texts if re.search(CHINESE, t)]
        if chinese:
            untranslated[path] = chinese
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 1366, f"{path} is {width}px wide at 1366×768"
    assert untranslated == {}


LABELS_TALLER_THAN_THEIR_CELL = """
[...document.querySelectorAll("table.stackable td[data-label]")]
  .filter(td => parseFloat(getComputedStyle(td, "::before").height) > td.getBoundingClientRect().height)
  .map(td => td.dataset.label)
"""


@pytest.mark.parametrize("language", ["zh-hans", "en"])
@pytest.mark.parametrize("username", list(PAGES))
def test_home_and_pages_fit_a_phone(username, language, work, browser, live_server):
    """On a 390 px phone the page itself never scrolls sideways (wide tables scroll in their box), in
    either language (an English department name made the filter's select wider than the phone)."""
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="zh-CN", is_mobile=True)
    page = context.new_page()
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", "cbec-demo-2026")
    page.click("button[type=submit].button")
    page.wait_for_url(f"{live_server.url}/")
    if language == "en":
        page.select_option("#language-select", "en")
        page.click(".lang-form button")
        page.wait_for_load_state()
    too_wide, overlapping = {}, {}
    for path in PAGES[username]:
        page.goto(live_server.url + path.format(milestone=work.pk))
        width = page.evaluate("document.documentElement.scrollWidth")
        if width > 390:
            too_wide[path] = width
        # A stacked table's cell is as tall as its label: a label that wraps ("Owner department")
        # never runs into the next cell's.
        labels = page.evaluate(LABELS_TALLER_THAN_THEIR_CELL)
        if labels:
            overlapping[path] = labels
    context.close()
    assert too_wide == {}
    assert overlapping == {}
