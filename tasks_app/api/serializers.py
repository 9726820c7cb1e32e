from rest_framework import serializers

from departments.models import Department, District
from tasks_app.models import KeyTask, TaskResponsibility


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
