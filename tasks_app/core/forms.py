from __future__ import annotations

from django import forms


class DateInput(forms.DateInput):
    input_type = "date"
