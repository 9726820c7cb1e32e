from __future__ import annotations

from django.http import Http404
from django.views.generic import TemplateView

from departments.models import District
from tasks_app.plan.selectors import current_plan, tasks_with_responsibilities


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
        )
        return context
