"""Form pieces every concern uses."""

from __future__ import annotations

from django import forms

ISO_DATE = "%Y-%m-%d"


class DateInput(forms.DateInput):
    """``<input type="date">`` always carries an ISO date (the HTML standard's only format): the
    localized format of the Chinese screen ("2026/12/31") would leave the field empty, and a save
    would then fail as if the date were missing."""

    input_type = "date"

    def __init__(self, attrs=None, format=None):
        super().__init__(attrs=attrs, format=format or ISO_DATE)
