from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from departments.models import District


class PublishForm(forms.Form):
    remarks = forms.CharField(label=_("Remarks (备注)"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    reason = forms.CharField(
        label=_("Reason for the correction"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, correction: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.correction = correction
        if correction:
            self.fields["reason"].required = True
        else:
            del self.fields["reason"]


class WithdrawForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for the withdrawal"), max_length=1000, widget=forms.Textarea(attrs={"rows": 2})
    )


class InterimTargetForm(forms.Form):
    """One indicator and one period: a value for the city and for each district, pre-filled with
    the saved target or, where none is saved, the suggested one."""

    note = forms.CharField(label=_("Note (why these targets)"), required=False, max_length=300)

    def __init__(self, *args, districts, **kwargs):
        super().__init__(*args, **kwargs)
        self.scopes = [(None, "city", _("the city (全市)"))] + [(d, f"d_{d.code}", d.name) for d in districts]
        for _district, name, label in self.scopes:
            self.fields[name] = forms.DecimalField(
                label=label, required=False, max_digits=16, decimal_places=2, min_value=0
            )

    def values(self) -> dict:
        return {district: self.cleaned_data.get(name) for district, name, _label in self.scopes}


class RubricForm(forms.Form):
    green_threshold = forms.DecimalField(label=_("green from (points)"), min_value=0, max_value=100, decimal_places=2)
    amber_threshold = forms.DecimalField(label=_("amber from (points)"), min_value=0, max_value=100, decimal_places=2)
    reporting_days = forms.IntegerField(
        label=_("days after the period's end to report figures"), min_value=0, max_value=120
    )
    reason = forms.CharField(label=_("Reason for the change"), required=False, max_length=300)

    def __init__(self, *args, rubric, **kwargs):
        super().__init__(*args, **kwargs)
        self.rubric = rubric
        self.parts = list(rubric.components.all())
        for part in self.parts:
            self.fields[f"weight_{part.pk}"] = forms.DecimalField(
                label=str(part), min_value=0, max_value=100, decimal_places=2, initial=part.weight
            )
            if part.kind == "overdue_penalty":
                self.fields[f"cap_{part.pk}"] = forms.DecimalField(
                    label=_("largest penalty"),
                    required=False,
                    min_value=0,
                    max_value=100,
                    decimal_places=2,
                    initial=part.cap,
                )
        if not self.is_bound:
            for name in ("green_threshold", "amber_threshold", "reporting_days"):
                self.initial.setdefault(name, getattr(rubric, name))

    def clean(self):
        data = super().clean()
        green, amber = data.get("green_threshold"), data.get("amber_threshold")
        if green is not None and amber is not None and amber > green:
            self.add_error("amber_threshold", _("Amber starts below green."))
        return data

    def values(self) -> dict:
        return {name: self.cleaned_data[name] for name in ("green_threshold", "amber_threshold", "reporting_days")}

    def part_values(self) -> dict:
        return {
            part.pk: {"weight": self.cleaned_data[f"weight_{part.pk}"], "cap": self.cleaned_data.get(f"cap_{part.pk}")}
            for part in self.parts
        }

    def part_rows(self):
        return [
            (part, self[f"weight_{part.pk}"], self[f"cap_{part.pk}"] if f"cap_{part.pk}" in self.fields else None)
            for part in self.parts
        ]


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
