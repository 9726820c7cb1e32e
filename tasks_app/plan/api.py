from __future__ import annotations

from django.db.models import Prefetch
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers, viewsets

from departments.models import Department, District
from tasks_app.plan.models import Implementation, KeyTask, TaskResponsibility
from tasks_app.plan.selectors import current_government_units, current_plan, tasks_with_responsibilities


class DepartmentSerializer(serializers.ModelSerializer):
    class Meta:
        model = Department
        fields = ["code", "name", "name_en"]


class DistrictSerializer(serializers.ModelSerializer):
    class Meta:
        model = District
        fields = ["code", "name", "name_en"]


class ResponsibilitySerializer(serializers.ModelSerializer):
    department = serializers.SlugRelatedField(slug_field="code", read_only=True)

    class Meta:
        model = TaskResponsibility
        fields = ["department", "role"]


class SectionField(serializers.Serializer):
    number = serializers.IntegerField()
    title = serializers.CharField()


class KeyTaskSerializer(serializers.ModelSerializer):
    section = SectionField(read_only=True)
    responsibilities = ResponsibilitySerializer(many=True, read_only=True)
    districts = serializers.SerializerMethodField()

    class Meta:
        model = KeyTask
        fields = ["number", "section", "title", "title_en", "responsibilities", "districts"]

    def get_districts(self, task) -> list[str]:
        implementations = sorted(task.implementations.all(), key=lambda i: (i.district.position, i.district.code))
        return [i.district.code for i in implementations]


class KeyTaskDetailSerializer(KeyTaskSerializer):
    class Meta(KeyTaskSerializer.Meta):
        fields = [*KeyTaskSerializer.Meta.fields, "text", "responsibility_text"]


class CurrentPlanSlugField(serializers.SlugRelatedField):
    """An object of the current plan (a task by number, an indicator by code), looked up only when
    validating — so the schema can be generated without a database."""

    def __init__(self, model, slug_field: str, **kwargs):
        self.model = model
        super().__init__(slug_field=slug_field, **kwargs)

    def get_queryset(self):
        plan = current_plan()
        return self.model.objects.filter(plan=plan) if plan else self.model.objects.none()


@extend_schema_field(OpenApiTypes.STR)
class UnitSlugField(serializers.SlugRelatedField):
    """A department or district by code, among the current plan's government's only (codes are
    unique within a government, not across them); looked up only when validating."""

    def __init__(self, model, **kwargs):
        self.model = model
        super().__init__(slug_field="code", **kwargs)

    def get_queryset(self):
        return current_government_units(self.model)


class KeyTaskViewSet(viewsets.ReadOnlyModelViewSet):
    """The current plan's key tasks; `{number}` is the task's number in the plan (1–17)."""

    lookup_field = "number"
    lookup_value_regex = "[0-9]+"
    queryset = KeyTask.objects.none()  # the real one depends on the current plan: see get_queryset

    def get_queryset(self):
        plan = None if getattr(self, "swagger_fake_view", False) else current_plan()
        if plan is None:
            return KeyTask.objects.none()
        return tasks_with_responsibilities(plan).prefetch_related(
            Prefetch("implementations", queryset=Implementation.objects.select_related("district"))
        )

    def get_serializer_class(self):
        return KeyTaskDetailSerializer if self.action == "retrieve" else KeyTaskSerializer


class DepartmentViewSet(viewsets.ReadOnlyModelViewSet):
    """The departments of the current plan's government."""

    queryset = Department.objects.none()  # the real one depends on the current plan: see get_queryset
    serializer_class = DepartmentSerializer
    lookup_field = "code"

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Department.objects.none()
        return current_government_units(Department).order_by("position", "code")


class DistrictViewSet(viewsets.ReadOnlyModelViewSet):
    """The districts of the current plan's government."""

    queryset = District.objects.none()
    serializer_class = DistrictSerializer
    lookup_field = "code"

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return District.objects.none()
        return current_government_units(District).order_by("position", "code")
