from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from departments.models import Department, District
from tasks_app.core.forms import DateInput
from tasks_app.core.validators import date_plausible
from tasks_app.workflow.models import Milestone


class MilestoneForm(forms.ModelForm):
    """Create or edit a milestone; the owner is one of the task's responsible departments."""

    class Meta:
        model = Milestone
        fields = ["title", "owner", "district", "due_date", "description"]
        widgets = {"due_date": DateInput(), "description": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, task, owner_choices=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = owner_choices if owner_choices is not None else task.departments.all()
        self.fields["district"].queryset = District.objects.filter(government__plans=task.plan_id).order_by("position")
        self.fields["district"].required = False


class MilestoneEditForm(MilestoneForm):
    version = forms.IntegerField(widget=forms.HiddenInput)


class ExtensionForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    due_date = forms.DateField(label=_("New due date"), widget=DateInput(), validators=[date_plausible])
    # Not required here: the service names a missing reason, for the page and the API alike.
    reason = forms.CharField(
        label=_("Reason for the extension (延期)"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class TransitionForm(forms.Form):
    action = forms.ChoiceField(choices=[(a, a) for a in ("start", "submit", "approve", "return")])
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class ProgressUpdateForm(forms.Form):
    percent = forms.IntegerField(label=_("Percent complete"), min_value=0, max_value=100)
    summary = forms.CharField(label=_("Progress"), widget=forms.Textarea(attrs={"rows": 3}))
    attachment = forms.FileField(label=_("Attachment (optional)"), required=False)


class ConfirmForm(forms.Form):
    note = forms.CharField(label=_("How the task is implemented"), widget=forms.Textarea(attrs={"rows": 3}))
    evidence = forms.FileField(label=_("Evidence file (optional)"), required=False)


class RejectForm(forms.Form):
    reason = forms.CharField(label=_("Reason for rejection"), widget=forms.Textarea(attrs={"rows": 2}))


class LeadChangeForm(forms.Form):
    department = forms.ModelChoiceField(label=_("New lead department"), queryset=Department.objects.none())
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, task, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = task.departments.order_by("position")
