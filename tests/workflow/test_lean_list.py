"""Issue 23: the milestone list's rows are written once per row (tasks_app/core/lean_tables.py) and
say exactly what django-tables2's cell-by-cell rendering says, in both languages."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import RequestFactory
from django.utils import timezone, translation
from django_tables2 import RequestConfig

from departments.models import Department
from tasks_app.plan.models import KeyTask
from tasks_app.workflow.permissions import milestones_visible_to
from tasks_app.workflow.services import milestone_create
from tasks_app.workflow.tables import MilestoneTable
from tests.reminders.test_lean_board import _parsed


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_the_lean_list_says_what_the_cell_by_cell_rendering_says(demo_accounts, language):
    task = KeyTask.objects.get(number=5)
    today = timezone.localdate()
    for days, owner in ((-5, "customs"), (12, "amr"), (90, "commerce")):
        milestone_create(
            task=task,
            owner=Department.objects.get(code=owner),
            title=f"清单 {days} & <i>",
            due_date=today + dt.timedelta(days=days),
            by=demo_accounts["supervisor"],
        )
    request = RequestFactory().get("/milestones/")
    request.user = demo_accounts["supervisor"]
    rows = milestones_visible_to(demo_accounts["supervisor"]).select_related("task", "owner", "district")
    with translation.override(language):
        lean = MilestoneTable(rows)
        RequestConfig(request, paginate={"per_page": 50}).configure(lean)
        standard = MilestoneTable(rows, template_name="django_tables2/bootstrap5.html")
        RequestConfig(request, paginate={"per_page": 50}).configure(standard)
        lean_html, standard_html = lean.as_html(request), standard.as_html(request)
    lean, standard = _parsed(lean_html), _parsed(standard_html)
    assert len(lean.rows) == 3
    assert lean.rows == standard.rows
    assert (lean.header, lean.links) == (standard.header, standard.links)
    assert len(lean_html) < len(standard_html)
