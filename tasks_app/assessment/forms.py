from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from departments.models import District


class PublishForm(forms.Form):
    remarks = forms.CharField(label=_("Remarks (备注)"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class IndicatorReportForm(forms.Form):
    """A figure: for a district officer their own district (chosen for them), for a data-source
    department the city's, for the office any district or the city."""

    indicator = forms.ModelChoiceField(label=_("Indicator"), queryset=None)
    district = forms.ModelChoiceField(label=_("District"), queryset=District.objects.none(), required=False)
    period = forms.RegexField(label=_("Period"), regex=r"^[0-9]{4}(-Q[1-4])?$", help_text=_("2025 or 2025-Q3"))
    value = forms.DecimalField(label=_("Value"), max_digits=16, decimal_places=2, min_value=0)
    source = forms.CharField(label=_("Source"), required=False, max_length=300)

    def __init__(self, *args, user, plan, **kwargs):
        super().__init__(*args, **kwargs)
        from tasks_app.assessment.models import Indicator
        from tasks_app.assessment.permissions import indicator_report_scope

        self.fields["indicator"].queryset = Indicator.objects.filter(plan=plan).order_by("position")
        districts, city = indicator_report_scope(user)
        field = self.fields["district"]
        field.queryset = districts
        self.may_report = city or districts.exists()
        if city:
            field.empty_label = _("the city (全市)")
            field.label = _("District (or the city)")
        else:
            # A district officer reports for their district: no "city" choice to pick by mistake.
            field.required = True
            field.empty_label = None
            own = districts.first()
            if own is not None and not self.is_bound:
                self.initial.setdefault("district", own.pk)
