"""Form widgets written in Python. Django renders a ``<select>`` through a template per option; the
list pages' filter forms carry a few dozen options (departments, districts, statuses) on every
request, and that rendering was a fifth of the overdue board's template time. The HTML is the
same as Django's own (tests/workflow/test_lean_filter_form.py holds them to it)."""

from __future__ import annotations

from django import forms
from django.forms.models import ModelChoiceIterator
from django.forms.utils import flatatt
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe


class LeanSelect(forms.Select):
    """A single ``<select>`` whose options are written in one pass (no option groups: those go to
    Django's own rendering)."""

    def _choice_list(self) -> list:
        choices = self.choices
        if isinstance(choices, ModelChoiceIterator):
            # The model's rows in one plain fetch: Django's iterator opens a server-side cursor for
            # them (three more round trips for two dozen departments).
            empty = [("", choices.field.empty_label)] if choices.field.empty_label is not None else []
            return empty + [choices.choice(obj) for obj in list(choices.queryset)]
        return list(choices)

    def render(self, name, value, attrs=None, renderer=None):
        choices = self._choice_list()
        if self.allow_multiple_selected or any(isinstance(label, (list, tuple)) for _value, label in choices):
            return super().render(name, value, attrs, renderer)
        final_attrs = self.build_attrs(self.attrs, attrs)
        final_attrs["name"] = name
        chosen = set(self.format_value(value))
        parts = [f"<select{flatatt(final_attrs)}>"]
        for option_value, label in choices:
            text = "" if option_value is None else str(option_value)
            selected = " selected" if text in chosen else ""
            parts.append(f'<option value="{conditional_escape(text)}"{selected}>{conditional_escape(label)}</option>')
        parts.append("</select>")
        return mark_safe("\n".join(parts))  # noqa: S308 - every value and label escaped above
