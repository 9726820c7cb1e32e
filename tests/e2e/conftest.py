"""End-to-end tests: Playwright driving Debian's chromium (/usr/bin/chromium; `.ci/run` installs
it) against the live test server. Screenshots of each role's home page go to e2e-artifacts/."""

import os
import shutil
from pathlib import Path

import pytest

CHROMIUM = os.environ.get("CBEC_CHROMIUM", "/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parents[2] / "e2e-artifacts"
# As the machine's own probe starts it: no sandbox as root, and no background connections (there is
# no network beyond this machine, and nothing may leave it).
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    executable = shutil.which(CHROMIUM) or CHROMIUM
    if not Path(executable).exists():
        message = f"the browser tests need Debian's chromium at {CHROMIUM} (apt-get install chromium)"
        if os.environ.get("CI"):
            pytest.fail(message)  # CI installs it: its absence there is an error, not a reason to skip
        pytest.skip(message)
    ARTIFACTS.mkdir(exist_ok=True)
    # Playwright's sync API runs an event loop in this thread; the tests' ORM calls stay synchronous.
    # Only while the browser tests run: nothing else (a subprocess, the deploy check) may inherit it.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            instance = playwright.chromium.launch(executable_path=executable, args=ARGS)
            yield instance
            instance.close()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture
def page_for(browser, live_server):
    """A fresh page signed in as the given demo account; asserts that no request leaves the machine."""
    pages, outside = [], []

    def open_as(username, password="cbec-demo-2026", *, width=1366, height=768):
        context = browser.new_context(viewport={"width": width, "height": height}, locale="zh-CN")
        page = context.new_page()
        page.on("request", lambda r: outside.append(r.url) if not r.url.startswith(live_server.url) else None)
        page.goto(f"{live_server.url}/accounts/login/")
        page.fill("#id_username", username)
        page.fill("#id_password", password)
        page.click("button[type=submit].button")
        page.wait_for_url(f"{live_server.url}/")
        pages.append(context)
        return page

    yield open_as
    for context in pages:
        context.close()
    assert outside == [], f"requests left the machine: {outside}"
