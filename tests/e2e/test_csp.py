"""The Content-Security-Policy (default-src 'self', no inline script or style) holds on every main
page: chromium, signed in as each role, reports no violation — neither in the console nor as a
``securitypolicyviolation`` event — and the page's own script still works (the print button)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from departments.models import Department
from tasks_app.plan.models import KeyTask
from tasks_app.workflow.services import milestone_create, milestone_transition

pytestmark = pytest.mark.django_db(transaction=True)

PAGES = [
    "/",
    "/plan/",
    "/tasks/5/",
    "/milestones/",
    "/overdue/",
    "/notifications/",
    "/assessment/",
    "/assessment/2025/",
    "/assessment/2025/notice/",
    "/indicators/",
    "/heatmap/",
    "/search/?q=跨境",
    "/departments/",
    "/districts/",
    "/exports/",
    "/feeds/",
    "/calendar/",
    "/accounts/",
    "/accounts/password/",
    "/accounts/security/",
    "/does-not-exist/",
]
ROLES = ["supervisor", "leader", "liaison-customs", "district-sip"]

# Runs before any page script, outside the page's policy (Playwright injects it through DevTools).
RECORD_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", function (event) {
  window.__cspViolations.push(event.violatedDirective + " " + (event.blockedURI || "inline") + " " +
                              (event.sourceFile || "") + ":" + (event.lineNumber || ""));
});
"""


def _watch(page, seen: list[str]):
    page.context.add_init_script(RECORD_VIOLATIONS)
    page.on(
        "console",
        lambda message: (
            seen.append(f"console: {message.text}")
            if "Content Security Policy" in message.text or "Content-Security-Policy" in message.text
            else None
        ),
    )


def _visit(page, url: str, seen: list[str]) -> None:
    response = page.goto(url)
    page.wait_for_load_state("load")
    assert response is not None and response.status < 500, url
    assert "default-src 'self'" in (response.headers.get("content-security-policy") or ""), url
    for violation in page.evaluate("window.__cspViolations || []"):
        seen.append(f"{url}: {violation}")


@pytest.fixture
def milestone(demo_accounts):
    created = milestone_create(
        task=KeyTask.objects.get(number=5),
        owner=Department.objects.get(code="customs"),
        title="CSP 检查用节点",
        due_date=timezone.localdate() - dt.timedelta(days=3),
        by=demo_accounts["liaison-commerce"],
    )
    return milestone_transition(milestone=created, action="start", by=demo_accounts["liaison-customs"])


@pytest.mark.parametrize("username", ROLES)
def test_no_page_violates_the_policy(demo_accounts, milestone, page_for, live_server, username):
    page = page_for(username)
    seen: list[str] = []
    _watch(page, seen)
    for path in [*PAGES, f"/milestones/{milestone.pk}/"]:
        _visit(page, f"{live_server.url}{path}", seen)
    assert seen == []


def test_the_sign_in_page_passes_and_the_scripts_still_run(demo_accounts, browser, live_server, page_for):
    context = browser.new_context(locale="zh-CN")
    page = context.new_page()
    seen: list[str] = []
    _watch(page, seen)
    _visit(page, f"{live_server.url}/accounts/login/", seen)
    context.close()
    assert seen == []

    # The print button of the assessment notice is wired by static/js/tracker.js, not an onclick.
    page = page_for("supervisor")
    _watch(page, seen)
    _visit(page, f"{live_server.url}/assessment/2025/notice/", seen)
    page.evaluate("() => { window.__printed = 0; window.print = () => { window.__printed += 1; }; }")
    page.click("[data-print]")
    assert page.evaluate("window.__printed") == 1
    # Tables still become labelled cards on a phone (static/js/tables.js runs under the policy).
    phone = page_for("supervisor", width=390, height=844)
    _watch(phone, seen)
    _visit(phone, f"{live_server.url}/milestones/", seen)
    assert seen == []


def test_an_inline_script_would_be_reported(demo_accounts, page_for, live_server):
    """The watch itself works: a script injected into the page is refused and reported."""
    page = page_for("supervisor")
    seen: list[str] = []
    _watch(page, seen)
    _visit(page, f"{live_server.url}/plan/", seen)
    page.evaluate(
        "() => { const s = document.createElement('script'); s.textContent = 'window.__ran = 1';"
        " document.body.appendChild(s); }"
    )
    page.wait_for_timeout(200)
    assert page.evaluate("window.__ran === undefined")
    violations = page.evaluate("window.__cspViolations")
    assert any("script-src" in violation for violation in violations) or any("Content Security" in s for s in seen)
