from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST
from django.views.generic import TemplateView

from departments.models import District
from tasks_app.core.errors import InvalidState, NotAllowed
from tasks_app.plan.selectors import current_plan, tasks_with_responsibilities
from tasks_app.plan.services import can_reopen_plan, plan_close, plan_reopen


class PlanReopenForm(forms.Form):
    reason = forms.CharField(label=gettext_lazy("Reason for reopening"), widget=forms.Textarea(attrs={"rows": 2}))


class PlanContextMixin:
    """Puts the current plan in the context; a site with no plan loaded answers 404 with a hint."""

    def get_plan(self):
        plan = current_plan()
        if plan is None:
            raise Http404("No plan is loaded: run `manage.py import_plan`.")
        return plan

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["plan"] = self.plan
        return context

    def dispatch(self, request, *args, **kwargs):
        self.plan = self.get_plan()
        return super().dispatch(request, *args, **kwargs)


class PlanOverviewView(PlanContextMixin, TemplateView):
    template_name = "plan/plan_overview.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        tasks = list(tasks_with_responsibilities(self.plan))
        sections = list(self.plan.sections.order_by("number"))
        for section in sections:
            section.task_list = [task for task in tasks if task.section_id == section.pk]
        context.update(
            sections=sections,
            task_count=len(tasks),
            department_count=len({r.department_id for task in tasks for r in task.responsibilities.all()}),
            district_count=District.objects.filter(government_id=self.plan.government_id).count(),
            plan_ended=self.plan.has_ended(timezone.localdate()),
            may_reopen=can_reopen_plan(self.request.user, self.plan),
            reopen_form=kwargs.get("reopen_form") or PlanReopenForm(),
        )
        return context


@require_POST
def plan_state_change(request, action: str):
    """The supervision office reopens the current plan once it has ended (with a reason), or closes
    it again: 403 to anyone else, 409 when the step does not apply now, 400 without a reason."""
    plan = current_plan()
    if plan is None:
        raise Http404
    form = PlanReopenForm(request.POST)
    try:
        if action == "reopen":
            plan_reopen(plan=plan, by=request.user, reason=request.POST.get("reason", ""))
            messages.success(request, _("The plan is reopened."))
        else:
            plan_close(plan=plan, by=request.user)
            messages.success(request, _("The plan is read-only again."))
    except NotAllowed as error:
        raise PermissionDenied(str(error)) from None
    except InvalidState as error:
        messages.error(request, str(error))
        return _overview(request, plan, form, status=409)
    except ValidationError as error:
        form.is_valid()
        for field, problems in error.message_dict.items():
            form.add_error(field if field in form.fields else None, problems)
        return _overview(request, plan, form, status=400)
    return redirect("tasks_app:plan_overview")


def _overview(request, plan, reopen_form, *, status: int):
    view = PlanOverviewView()
    view.setup(request)
    view.plan = plan
    return render(request, view.template_name, view.get_context_data(reopen_form=reopen_form), status=status)
