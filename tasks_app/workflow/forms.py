from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from departments.models import Department, District
from tasks_app.core.forms import DateInput
from tasks_app.core.validators import date_plausible
from tasks_app.workflow.models import Milestone
from workdays import calendar as workcal


class DayOffWarning(forms.Form):
    """A due date on a day off (a weekend, a holiday of the working-day calendar) is accepted, after
    a warning that names the day and the next working day: the form comes back once with the date
    kept, and sending it again as it is keeps the date."""

    day_off_ok = forms.CharField(required=False, widget=forms.HiddenInput)

    def _warn_about_day_off(self, cleaned_data):
        due = cleaned_data.get("due_date")
        if getattr(self, "instance", None) is not None and self.instance.pk and "due_date" not in self.changed_data:
            return  # an edit that keeps the date: it was accepted when it was set
        if not due or workcal.is_working_day(due) or cleaned_data.get("day_off_ok") == due.isoformat():
            return
        name = workcal.holiday_name(due)
        facts = {"date": due.isoformat(), "next": workcal.next_working_day(due).isoformat()}
        if name:
            facts["name"] = name
            message = _(
                "%(date)s is a day off (%(name)s); the next working day is %(next)s. "
                "Send again to keep %(date)s, or change the date."
            )
        else:
            message = _(
                "%(date)s is not a working day; the next working day is %(next)s. "
                "Send again to keep %(date)s, or change the date."
            )
        self.data = self.data.copy()
        self.data[self.add_prefix("day_off_ok")] = due.isoformat()
        self.add_error("due_date", message % facts)


class MilestoneForm(DayOffWarning, forms.ModelForm):
    """Create or edit a milestone; the owner is one of the task's responsible departments."""

    class Meta:
        model = Milestone
        fields = ["title", "owner", "district", "due_date", "description"]
        widgets = {"due_date": DateInput(), "description": forms.Textarea(attrs={"rows": 3})}

    reason = forms.CharField(
        label=_("Reason for a due date in the past (supervision office only)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 1}),
    )

    def __init__(self, *args, task, owner_choices=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = owner_choices if owner_choices is not None else task.departments.all()
        self.fields["district"].queryset = District.objects.filter(government__plans=task.plan_id).order_by("position")
        self.fields["district"].required = False

    def clean(self):
        cleaned_data = super().clean()
        self._warn_about_day_off(cleaned_data)
        return cleaned_data


class MilestoneEditForm(MilestoneForm):
    version = forms.IntegerField(widget=forms.HiddenInput)


class ExtensionForm(DayOffWarning, forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    due_date = forms.DateField(label=_("New due date"), widget=DateInput(), validators=[date_plausible])
    # Not required here: the service names a missing reason, for the page and the API alike.
    reason = forms.CharField(
        label=_("Reason for the extension (延期)"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def clean(self):
        cleaned_data = super().clean()
        self._warn_about_day_off(cleaned_data)
        return cleaned_data


class TransitionForm(forms.Form):
    action = forms.ChoiceField(choices=[(a, a) for a in ("start", "submit", "approve", "return")])
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    evidence = forms.FileField(label=_("Evidence (optional)"), required=False)


class ExtensionRequestForm(forms.Form):
    """延期申请 by the owner department."""

    due_date = forms.DateField(label=_("New due date"), widget=DateInput(), validators=[date_plausible])
    reason = forms.CharField(label=_("Reason for the extension (延期)"), widget=forms.Textarea(attrs={"rows": 2}))


class ExtensionDecisionForm(forms.Form):
    decision = forms.ChoiceField(choices=[("grant", _("Grant")), ("refuse", _("Refuse"))])
    reason = forms.CharField(
        label=_("Reason (required to refuse)"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class CommentForm(forms.Form):
    text = forms.CharField(
        label=_("Comment"),
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Write @ and a department's name (e.g. @苏州海关) to notify its liaisons."),
    )


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


class TaskReportForm(forms.Form):
    """月度报送 on a task: for one of the user's departments responsible for it, for a month."""

    department = forms.ModelChoiceField(label=_("Department"), queryset=Department.objects.none())
    month = forms.CharField(
        label=_("Month"), widget=forms.TextInput(attrs={"type": "month", "placeholder": "2026-11"}), max_length=7
    )
    # Not required here: the service names a missing summary after saying who may report at all.
    summary = forms.CharField(
        label=_("What was done this month"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, task, own_departments, **kwargs):
        super().__init__(*args, **kwargs)
        # Any responsible department is a valid answer (the service says who may report for it);
        # the list offers the user's own.
        self.fields["department"].queryset = task.departments.all()
        self.fields["department"].choices = [(d.pk, str(d)) for d in own_departments]
        if not self.is_bound:
            self.initial.setdefault("month", timezone.localdate().strftime("%Y-%m"))
            if len(own_departments) == 1:
                self.initial.setdefault("department", own_departments[0].pk)
