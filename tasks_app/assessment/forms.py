from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from departments.models import District


class PublishForm(forms.Form):
    remarks = forms.CharField(label=_("Remarks (备注)"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class IndicatorReportForm(forms.Form):
    """A figure: the districts the user may report for, or the city for a data-source department."""

    indicator = forms.ModelChoiceField(label=_("Indicator"), queryset=None)
    district = forms.ModelChoiceField(
        label=_("District (empty: the city)"), queryset=District.objects.none(), required=False
    )
    period = forms.RegexField(label=_("Period"), regex=r"^[0-9]{4}(-Q[1-4])?$", help_text=_("2025 or 2025-Q3"))
    value = forms.DecimalField(label=_("Value"), max_digits=16, decimal_places=2, min_value=0)
    source = forms.CharField(label=_("Source"), required=False, max_length=300)

    def __init__(self, *args, user, plan, **kwargs):
        super().__init__(*args, **kwargs)
        from tasks_app.assessment.models import Indicator
        from tasks_app.assessment.permissions import can_see_all_assessments

        self.fields["indicator"].queryset = Indicator.objects.filter(plan=plan).order_by("position")
        districts = District.objects.order_by("position")
        if not can_see_all_assessments(user):
            districts = districts.filter(group__user=user)
        self.fields["district"].queryset = districts
