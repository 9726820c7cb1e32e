from __future__ import annotations

from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.views.generic import TemplateView

from tasks_app.plan.models import ResponsibilityRole
from tasks_app.plan.permissions import (
    can_add_own_milestone,
    can_change_lead,
    can_manage_task_milestones,
    can_see_task_records,
    implementations_visible_to,
)
from tasks_app.plan.selectors import plan_writable, task_lead_history, tasks_with_responsibilities
from tasks_app.plan.views import PlanContextMixin
from tasks_app.workflow.forms import LeadChangeForm, TaskReportForm
from tasks_app.workflow.permissions import milestones_visible_to, task_report_departments, task_reports_visible_to
from tasks_app.workflow.timeline import milestone_timeline

MILESTONES_PER_PAGE = 50


class TaskDetailView(PlanContextMixin, TemplateView):
    """The task as the plan writes it, its departments, its milestones and the ten district cells.
    Milestones and confirmation details appear only to those who may see them."""

    template_name = "workflow/task_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        task = get_object_or_404(tasks_with_responsibilities(self.plan), number=self.kwargs["number"])
        responsibilities = list(task.responsibilities.all())
        visible_implementations = set(implementations_visible_to(user).filter(task=task).values_list("pk", flat=True))
        implementations = list(task.implementations.select_related("district").order_by("district__position"))
        for implementation in implementations:
            implementation.visible = implementation.pk in visible_implementations
        today = timezone.localdate()
        # A page of milestones at a time: a task of a national deployment has tens of thousands.
        milestones_page = Paginator(
            milestones_visible_to(user)
            .filter(task=task)
            .select_related("owner", "district")
            .order_by("due_date", "id"),
            MILESTONES_PER_PAGE,
        ).get_page(self.request.GET.get("page"))
        milestones = list(milestones_page)
        for milestone in milestones:
            milestone.current_rag = milestone.rag(today)
        # An ended plan's task is read as it is: no form that its services would refuse.
        writable = plan_writable(user, task.plan_id)
        may_change_lead = writable and can_change_lead(user)
        own_departments = list(task_report_departments(user, task)) if writable else []
        report_form = kwargs.get("report_form") or (
            TaskReportForm(task=task, own_departments=own_departments) if own_departments else None
        )
        context.update(
            task_reports=list(
                task_reports_visible_to(user).filter(task=task).select_related("department", "author")[:24]
            ),
            report_form=report_form,
            task=task,
            lead=next((r.department for r in responsibilities if r.role == ResponsibilityRole.LEAD), None),
            co_departments=[r.department for r in responsibilities if r.role == ResponsibilityRole.CO],
            implementations=implementations,
            milestones=milestones,
            milestones_page=milestones_page,
            timeline=milestone_timeline(milestones, today),
            can_see_records=bool(milestones) or can_see_task_records(user, task),
            can_create_milestone=writable
            and (can_manage_task_milestones(user, task) or can_add_own_milestone(user, task)),
            lead_form=kwargs.get("lead_form") or (LeadChangeForm(task=task) if may_change_lead else None),
            lead_history=task_lead_history(task) if can_see_task_records(user, task) else [],
            previous_number=task.number - 1 if task.number > 1 else None,
            next_number=task.number + 1 if self.plan.tasks.filter(number=task.number + 1).exists() else None,
        )
        return context
