"""The lean select (tasks_app/core/lean_widgets.py) writes the same HTML as Django's own, option by
option, in the list pages' filter form."""

from __future__ import annotations

import pytest
from django import forms
from django.test.html import parse_html

from departments.models import Department
from tasks_app.core.lean_widgets import LeanSelect
from tasks_app.workflow.filters import MilestoneFilter

CHOICES = [("", "---------"), ("a", "甲"), ("b&c", 'B & "C" <i>'), (3, "三")]


@pytest.mark.parametrize("value", [None, "", "a", "b&c", 3, "missing"])
def test_a_select_renders_as_djangos(value):
    attrs = {"id": "id_pick", "class": "narrow"}
    lean = LeanSelect(choices=CHOICES).render("pick", value, attrs)
    django = forms.Select(choices=CHOICES).render("pick", value, attrs)
    assert parse_html(lean) == parse_html(django)


def test_the_filter_forms_selects_render_as_djangos(suzhou_plan):
    """Departments by code (a model choice), the status list, with a value chosen."""
    form = MilestoneFilter({"owner": "customs", "status": "open"}, queryset=None).form
    customs = Department.objects.get(code="customs")
    for name in ("owner", "district", "status"):
        field = form[name]
        assert isinstance(field.field.widget, LeanSelect)
        lean = field.as_widget()
        plain = forms.Select(choices=field.field.choices).render(field.html_name, field.value(), {"id": field.auto_id})
        assert parse_html(lean) == parse_html(plain), name
    assert f'<option value="customs" selected>{customs.name}</option>' in str(form["owner"])
