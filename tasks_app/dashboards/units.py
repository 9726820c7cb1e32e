from __future__ import annotations

from django.shortcuts import get_object_or_404
from django.views.generic import TemplateView

from departments.models import Department, District
from tasks_app.assessment.selectors import district_targets
from tasks_app.plan.models import Implementation, ResponsibilityRole, TaskResponsibility
from tasks_app.plan.permissions import implementations_visible_to
from tasks_app.plan.views import PlanContextMixin


class DepartmentListView(PlanContextMixin, TemplateView):
    template_name = "dashboards/department_list.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        rows = []
        responsibilities = TaskResponsibility.objects.filter(task__plan=self.plan).values_list("department_id", "role")
        for department in Department.objects.filter(government_id=self.plan.government_id).order_by("position", "code"):
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
    template_name = "dashboards/department_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        department = get_object_or_404(Department, government_id=self.plan.government_id, code=self.kwargs["code"])
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
    template_name = "dashboards/district_list.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        belts = {belt.district_id: belt for belt in self.plan.belts.all()}
        districts = list(District.objects.filter(government_id=self.plan.government_id).order_by("position", "code"))
        for district in districts:
            district.belt = belts.get(district.pk)
        context["districts"] = districts
        return context


class DistrictDetailView(PlanContextMixin, TemplateView):
    template_name = "dashboards/district_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        district = get_object_or_404(District, government_id=self.plan.government_id, code=self.kwargs["code"])
        implementations = list(
            Implementation.objects.filter(task__plan=self.plan, district=district)
            .select_related("task__section")
            .order_by("task__number")
        )
        visible = set(
            implementations_visible_to(self.request.user)
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
