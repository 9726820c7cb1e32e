"""Read-only pages of the plan. Every signed-in user may read the plan (the document is public);
records that belong to the people involved (updates, evidence) come with the workflow pages."""

from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.views.generic import TemplateView

from departments.models import Department, District

from . import permissions
from .forms import LeadChangeForm
from .models import Implementation, ResponsibilityRole, TaskResponsibility
from .selectors import current_plan, district_targets, task_lead_history, tasks_with_responsibilities


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
    template_name = "tasks_app/plan_overview.html"

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
            district_count=District.objects.count(),
        )
        return context


MILESTONES_PER_PAGE = 50


class TaskDetailView(PlanContextMixin, TemplateView):
    """The task as the plan writes it, its departments, its milestones and the ten district cells.
    Milestones and confirmation details appear only to those who may see them."""

    template_name = "tasks_app/task_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        task = get_object_or_404(tasks_with_responsibilities(self.plan), number=self.kwargs["number"])
        responsibilities = list(task.responsibilities.all())
        visible_implementations = set(
            permissions.implementations_visible_to(user).filter(task=task).values_list("pk", flat=True)
        )
        implementations = list(task.implementations.select_related("district").order_by("district__position"))
        for implementation in implementations:
            implementation.visible = implementation.pk in visible_implementations
        today = timezone.localdate()
        # A page of milestones at a time: a task of a national deployment has tens of thousands.
        milestones_page = Paginator(
            permissions.milestones_visible_to(user)
            .filter(task=task)
            .select_related("owner", "district")
            .order_by("due_date", "id"),
            MILESTONES_PER_PAGE,
        ).get_page(self.request.GET.get("page"))
        milestones = list(milestones_page)
        for milestone in milestones:
            milestone.current_rag = milestone.rag(today)
        can_change_lead = permissions.can_change_lead(user)
        context.update(
            task=task,
            lead=next((r.department for r in responsibilities if r.role == ResponsibilityRole.LEAD), None),
            co_departments=[r.department for r in responsibilities if r.role == ResponsibilityRole.CO],
            implementations=implementations,
            milestones=milestones,
            milestones_page=milestones_page,
            can_see_records=bool(milestones) or permissions.can_see_task_records(user, task),
            can_create_milestone=permissions.can_manage_task_milestones(user, task)
            or permissions.can_add_own_milestone(user, task),
            lead_form=kwargs.get("lead_form") or (LeadChangeForm(task=task) if can_change_lead else None),
            lead_history=task_lead_history(task) if permissions.can_see_task_records(user, task) else [],
            previous_number=task.number - 1 if task.number > 1 else None,
            next_number=task.number + 1 if self.plan.tasks.filter(number=task.number + 1).exists() else None,
        )
        return context


class DepartmentListView(PlanContextMixin, TemplateView):
    template_name = "departments/department_list.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        rows = []
        responsibilities = TaskResponsibility.objects.filter(task__plan=self.plan).values_list("department_id", "role")
        for department in Department.objects.order_by("position", "code"):
            roles = [role for dept_id, role in responsibilities if dept_id == department.pk]
            rows.append(
                {
                    "department": department,
                    "lead": roles.count(ResponsibilityRole.LEAD),
                    "co": roles.count(ResponsibilityRole.CO),
                }
            )
        context["rows"] = rows
        return context


class DepartmentDetailView(PlanContextMixin, TemplateView):
    template_name = "departments/department_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        department = get_object_or_404(Department, code=self.kwargs["code"])
        responsibilities = (
            TaskResponsibility.objects.filter(task__plan=self.plan, department=department)
            .select_related("task__section")
            .order_by("task__number")
        )
        context.update(
            department=department,
            lead_tasks=[r.task for r in responsibilities if r.role == ResponsibilityRole.LEAD],
            co_tasks=[r.task for r in responsibilities if r.role == ResponsibilityRole.CO],
        )
        return context


class DistrictListView(PlanContextMixin, TemplateView):
    template_name = "departments/district_list.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        belts = {belt.district_id: belt for belt in self.plan.belts.all()}
        districts = list(District.objects.order_by("position", "code"))
        for district in districts:
            district.belt = belts.get(district.pk)
        context["districts"] = districts
        return context


class DistrictDetailView(PlanContextMixin, TemplateView):
    template_name = "departments/district_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        district = get_object_or_404(District, code=self.kwargs["code"])
        implementations = list(
            Implementation.objects.filter(task__plan=self.plan, district=district)
            .select_related("task__section")
            .order_by("task__number")
        )
        visible = set(
            permissions.implementations_visible_to(self.request.user)
            .filter(district=district, task__plan=self.plan)
            .values_list("pk", flat=True)
        )
        for implementation in implementations:
            implementation.visible = implementation.pk in visible
        context.update(
            district=district,
            implementations=implementations,
            belts=self.plan.belts.filter(district=district),
            targets=district_targets(self.plan, district),
        )
        return context
