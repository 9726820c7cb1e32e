"""Issue 23: the overdue board's rows are written once per row (tasks_app/core/lean_tables.py), and
they say exactly what django-tables2's own cell-by-cell rendering says."""

from __future__ import annotations

import datetime as dt
from html.parser import HTMLParser

import pytest
from django.test import RequestFactory
from django.utils import timezone
from django_tables2 import RequestConfig

from departments.models import Department
from tasks_app.plan.models import KeyTask
from tasks_app.reminders.overdue_board import overdue_table
from tasks_app.workflow.services import milestone_create, milestone_transition

pytestmark = pytest.mark.usefixtures("without_workflow_events")


class Cells(HTMLParser):
    """The body's cells: each one's text, and the links and check boxes in it; the header's cells and
    every link outside the body (sorting, pager). A cell ends at its end tag or, where that is left
    out (the lean rows: optional end tags), at the next cell, row or the body's end."""

    def __init__(self):
        super().__init__()
        self.rows, self.in_body, self.cell = [], False, None
        self.header, self.links = [], []

    def _close_cell(self):
        if self.cell is not None:
            self.cell["text"] = " ".join(self.cell["text"].split())
            self.rows[-1].append(self.cell)
            self.cell = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "tbody":
            self.in_body = True
        elif self.in_body and tag == "tr":
            self._close_cell()
            self.rows.append([])
        elif self.in_body and tag == "td":
            self._close_cell()
            self.cell = {"text": "", "class": attrs.get("class") or "", "href": None, "value": None}
        elif self.cell is not None and tag == "a":
            self.cell["href"] = attrs.get("href")
        elif self.cell is not None and tag == "input":
            self.cell["value"] = (attrs.get("name"), attrs.get("value"), attrs.get("form"))
        elif tag == "th":
            self.header.append((attrs.get("class") or "", attrs.get("scope")))
        elif tag == "a":
            self.links.append((attrs.get("href"), attrs.get("class")))

    def handle_endtag(self, tag):
        if tag == "td":
            self._close_cell()
        elif tag == "tbody":
            self._close_cell()
            self.in_body = False

    def handle_data(self, data):
        if self.cell is not None:
            self.cell["text"] += data
        elif not self.in_body and data.strip():
            self.links.append(" ".join(data.split()))


def _both_renderings(user, query: dict, *, per_page: int) -> tuple[str, str]:
    """The board's table for ``query`` as the lean template writes it and as django-tables2's own."""
    request = RequestFactory().get("/overdue/", query)
    request.user = user
    rendered = []
    for template in (None, "django_tables2/bootstrap5.html"):
        table = overdue_table(user, {}, timezone.localdate())
        if template:
            table.template_name = template
        RequestConfig(request, paginate={"per_page": per_page}).configure(table)
        rendered.append(table.as_html(request))
    return rendered[0], rendered[1]


def _parsed(html: str) -> Cells:
    parser = Cells()
    parser.feed(html)
    parser.close()
    return parser


def test_the_lean_rows_say_what_the_cell_by_cell_rendering_says(demo_accounts):
    today = timezone.localdate()
    task = KeyTask.objects.get(number=5)
    for days, owner, district in ((3, "customs", None), (40, "amr", "sip"), (400, "customs", "kunshan")):
        created = milestone_create(
            task=task,
            owner=Department.objects.get(code=owner),
            title=f"逾期{days}天 <b>不是标记</b>",
            due_date=today - dt.timedelta(days=days),
            by=demo_accounts["supervisor"],
            district=None if district is None else task.implementations.get(district__code=district).district,
        )
        milestone_transition(milestone=created, action="start", by=demo_accounts[f"liaison-{owner}"])
    lean_html, standard_html = _both_renderings(demo_accounts["supervisor"], {}, per_page=50)

    lean, standard = _parsed(lean_html), _parsed(standard_html)
    assert len(lean.rows) == 3
    assert lean.rows == standard.rows
    assert "&lt;b&gt;不是标记&lt;/b&gt;" in lean_html  # a title is text, never markup
    # The same header (classes, sort links, texts) as django-tables2's own template, in fewer bytes.
    assert lean.header == standard.header and len(lean.header) == 11
    assert lean.links == standard.links
    assert len(lean_html) < len(standard_html) * 0.6


def test_the_lean_pager_is_django_tables2s(demo_accounts):
    """Three pages of one row: the pager's links and texts as django-tables2's template writes them."""
    today = timezone.localdate()
    task = KeyTask.objects.get(number=5)
    for days in (3, 4, 5):
        created = milestone_create(
            task=task,
            owner=Department.objects.get(code="customs"),
            title=f"逾期{days}天",
            due_date=today - dt.timedelta(days=days),
            by=demo_accounts["supervisor"],
        )
        milestone_transition(milestone=created, action="start", by=demo_accounts["liaison-customs"])
    lean_html, standard_html = _both_renderings(
        demo_accounts["supervisor"], {"page": "2", "owner": "customs"}, per_page=1
    )
    lean_links, standard_links = _parsed(lean_html).links, _parsed(standard_html).links
    assert lean_links == standard_links
    assert ("?page=1&owner=customs", "page-link") in lean_links and ("?page=3&owner=customs", "page-link") in lean_links
