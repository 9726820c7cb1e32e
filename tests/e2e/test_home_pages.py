"""Issue 21: each role's home page, in Chinese and in English, on a desk (1366 px) and a phone
(390 px): nothing scrolls sideways, no table cell is squeezed to a character per line, no Latin word
left in the Chinese interface (codes and file formats aside), and no link on the page leads to a 403
or a 404. Screenshots of each home page go to e2e-artifacts/."""

import re

import pytest

from tests.e2e.conftest import ARTIFACTS
from tests.e2e.test_phone import LAYOUT_PROBE, SQUEEZED_PX

pytestmark = pytest.mark.django_db(transaction=True)

ROLES = ["liaison-commerce", "supervisor", "district-sip", "leader"]
WIDTHS = {"desk": (1366, 768), "phone": (390, 844)}

# What may stay Latin in Chinese: file formats, codes and names that are written so in Chinese too
# (钉钉 and 企业微信 aside, government staff write "CSV", "Excel", "API").
ALLOWED_LATIN = {"CSV", "XLSX", "PDF", "Word", "Excel", "API", "iCal", "ics", "RAG", "CBEC"}
# The page's text without what is data or a code: <code>, the language switch (each language names
# itself), values typed by people are Chinese in the sample anyway.
VISIBLE_TEXT = """() => {
  const copy = document.body.cloneNode(true);
  copy.querySelectorAll('script, style, code, .code, #language-select, [lang="en"], .visually-hidden, noscript')
      .forEach(node => node.remove());
  return copy.innerText;
}"""


@pytest.fixture
def sample(demo_accounts):
    from tests.conftest import load_sample

    load_sample()
    return demo_accounts


def _latin_words(text: str) -> set[str]:
    return {word for word in re.findall(r"[A-Za-z][A-Za-z]+", text) if word not in ALLOWED_LATIN}


def _switch_to_english(page):
    page.select_option("#language-select", "en")
    page.click(".lang-form button")
    page.wait_for_load_state()


@pytest.mark.parametrize("username", ROLES)
def test_home_page_in_both_languages_on_desk_and_phone(sample, page_for, live_server, username):
    for size, (width, height) in WIDTHS.items():
        page = page_for(username, width=width, height=height)
        for language in ("zh", "en"):
            if language == "en":
                _switch_to_english(page)
            response = page.goto(f"{live_server.url}/")
            assert response.status == 200
            page.screenshot(path=str(ARTIFACTS / f"home-{username}-{language}-{size}.png"), full_page=True)
            layout = page.evaluate(LAYOUT_PROBE, SQUEEZED_PX)
            assert layout["sideways"] <= 1, (size, language, layout["sideways"])
            assert layout["narrow"] == [], (size, language, layout["narrow"])
            if size == "phone":
                assert layout["header"] <= 110, (language, layout["header"])
            if language == "zh":
                assert _latin_words(page.evaluate(VISIBLE_TEXT)) == set(), size


@pytest.mark.parametrize("username", ROLES)
def test_no_link_on_the_home_page_leads_to_a_refusal(sample, page_for, live_server, username):
    """Every control shown is one the user may use: each link of the page (navigation included)
    answers, none with 403 or 404."""
    page = page_for(username)
    links = page.eval_on_selector_all("a[href]", "nodes => nodes.map(a => a.href)")
    same_site = sorted(
        {
            href.split("#")[0]
            for href in links
            if href.startswith(live_server.url) and "/logout" not in href and "/accounts/login" not in href
        }
    )
    assert len(same_site) > 5
    refused = {}
    for href in same_site:
        status = page.request.get(href, max_redirects=0).status
        if status in (403, 404) or status >= 500:
            refused[href.removeprefix(live_server.url)] = status
    assert refused == {}
