from django.db.models import Prefetch
from rest_framework import viewsets

from departments.models import Department, District
from tasks_app.models import Implementation, KeyTask
from tasks_app.selectors import current_plan, tasks_with_responsibilities

from .serializers import DepartmentSerializer, DistrictSerializer, KeyTaskDetailSerializer, KeyTaskSerializer


class KeyTaskViewSet(viewsets.ReadOnlyModelViewSet):
    """The current plan's key tasks; `{number}` is the task's number in the plan (1–17)."""

    lookup_field = "number"
    lookup_value_regex = "[0-9]+"
    queryset = KeyTask.objects.none()  # the real one depends on the current plan: see get_queryset

    def get_queryset(self):
        plan = current_plan()
        if plan is None:
            return KeyTask.objects.none()
        return tasks_with_responsibilities(plan).prefetch_related(
            Prefetch("implementations", queryset=Implementation.objects.select_related("district"))
        )

    def get_serializer_class(self):
        return KeyTaskDetailSerializer if self.action == "retrieve" else KeyTaskSerializer


class DepartmentViewSet(viewsets.ReadOnlyModelViewSet):
    queryset = Department.objects.order_by("position", "code")
    serializer_class = DepartmentSerializer
    lookup_field = "code"


class DistrictViewSet(viewsets.ReadOnlyModelViewSet):
    queryset = District.objects.order_by("position", "code")
    serializer_class = DistrictSerializer
    lookup_field = "code"
