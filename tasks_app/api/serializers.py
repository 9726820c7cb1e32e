from django.utils import timezone
from rest_framework import serializers
from rest_framework.reverse import reverse

from departments.models import Department, District
from tasks_app.models import (
    Delivery,
    Implementation,
    KeyTask,
    Milestone,
    Notification,
    ProgressUpdate,
    Reminder,
    TaskResponsibility,
)
from tasks_app.selectors import current_plan


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


class MilestoneSerializer(serializers.ModelSerializer):
    """Read shape of a milestone, and the input of POST (task number, owner and district codes)."""

    task = CurrentPlanSlugField(KeyTask, "number")
    owner = serializers.SlugRelatedField(slug_field="code", queryset=Department.objects.all())
    district = serializers.SlugRelatedField(
        slug_field="code", queryset=District.objects.all(), allow_null=True, required=False
    )
    rag = serializers.SerializerMethodField()
    days_overdue = serializers.SerializerMethodField()

    class Meta:
        model = Milestone
        fields = [
            "id",
            "task",
            "owner",
            "district",
            "title",
            "description",
            "due_date",
            "baseline_due_date",
            "status",
            "version",
            "rag",
            "days_overdue",
            "return_reason",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["baseline_due_date", "status", "version", "return_reason", "created_at", "updated_at"]

    def get_rag(self, milestone) -> str:
        return milestone.rag(timezone.localdate())

    def get_days_overdue(self, milestone) -> int:
        return milestone.days_overdue(timezone.localdate())


class MilestonePatchSerializer(serializers.Serializer):
    """PATCH input: the version the client read (required), the fields to change, and a reason
    (required when the supervision office moves the due date of a started milestone)."""

    version = serializers.IntegerField(min_value=1)
    title = serializers.CharField(max_length=200, required=False)
    description = serializers.CharField(required=False, allow_blank=True)
    due_date = serializers.DateField(required=False)
    owner = serializers.SlugRelatedField(slug_field="code", queryset=Department.objects.all(), required=False)
    district = serializers.SlugRelatedField(
        slug_field="code", queryset=District.objects.all(), allow_null=True, required=False
    )
    reason = serializers.CharField(required=False, allow_blank=True, write_only=True)


class TransitionSerializer(serializers.Serializer):
    action = serializers.CharField(max_length=20)
    note = serializers.CharField(required=False, allow_blank=True, default="")


class ProgressUpdateSerializer(serializers.ModelSerializer):
    milestone = serializers.PrimaryKeyRelatedField(queryset=Milestone.objects.none())
    department = serializers.SlugRelatedField(slug_field="code", read_only=True)
    author = serializers.SlugRelatedField(slug_field="username", read_only=True)
    attachment = serializers.FileField(required=False, allow_null=True, write_only=True)
    attachment_url = serializers.SerializerMethodField()

    class Meta:
        model = ProgressUpdate
        fields = [
            "id",
            "milestone",
            "percent",
            "summary",
            "attachment",
            "attachment_url",
            "attachment_name",
            "department",
            "author",
            "created_at",
        ]
        read_only_fields = ["attachment_name", "created_at"]

    def __init__(self, *args, milestones=None, **kwargs):
        super().__init__(*args, **kwargs)
        if milestones is not None:
            self.fields["milestone"].queryset = milestones

    def get_attachment_url(self, update) -> str | None:
        if not update.attachment:
            return None
        return reverse("progress-update-attachment", kwargs={"pk": update.pk}, request=self.context.get("request"))


class ImplementationSerializer(serializers.ModelSerializer):
    task = serializers.SlugRelatedField(slug_field="number", read_only=True)
    district = serializers.SlugRelatedField(slug_field="code", read_only=True)
    evidence = serializers.SerializerMethodField()

    class Meta:
        model = Implementation
        fields = [
            "id",
            "task",
            "district",
            "status",
            "note",
            "evidence",
            "evidence_name",
            "confirmed_at",
            "rejection_reason",
            "version",
        ]
        read_only_fields = fields

    def get_evidence(self, implementation) -> str | None:
        if not implementation.evidence:
            return None
        return reverse("implementation-evidence", kwargs={"pk": implementation.pk}, request=self.context.get("request"))


class ConfirmSerializer(serializers.Serializer):
    note = serializers.CharField(allow_blank=True)
    evidence = serializers.FileField(required=False, allow_null=True)


class RejectSerializer(serializers.Serializer):
    reason = serializers.CharField(allow_blank=True)


class LeadChangeSerializer(serializers.Serializer):
    department = serializers.SlugRelatedField(slug_field="code", queryset=Department.objects.all())
    reason = serializers.CharField(allow_blank=True)


class NotificationSerializer(serializers.ModelSerializer):
    kind = serializers.CharField(read_only=True, help_text="a reminder kind, or `export` (an export is ready)")
    level = serializers.SerializerMethodField()
    message = serializers.CharField(source="text", read_only=True)
    milestone = serializers.SerializerMethodField()
    task = serializers.SerializerMethodField()
    read = serializers.SerializerMethodField()

    class Meta:
        model = Notification
        fields = ["id", "kind", "level", "message", "milestone", "task", "created_at", "read", "read_at"]
        read_only_fields = fields

    def get_read(self, notification) -> bool:
        return notification.read_at is not None

    def get_level(self, notification) -> int:
        return notification.reminder.level if notification.reminder_id else 0

    def get_milestone(self, notification) -> int | None:
        return notification.reminder.milestone_id if notification.reminder_id else None

    def get_task(self, notification) -> int | None:
        return notification.reminder.task.number if notification.reminder_id else None


class DeliverySerializer(serializers.ModelSerializer):
    class Meta:
        model = Delivery
        fields = ["channel", "target", "status", "attempts", "last_error", "sent_at"]


class ReminderSerializer(serializers.ModelSerializer):
    deliveries = DeliverySerializer(many=True, read_only=True)
    issued_by = serializers.SlugRelatedField(slug_field="username", read_only=True)

    class Meta:
        model = Reminder
        fields = ["id", "kind", "occurrence", "level", "as_of", "message", "issued_by", "created_at", "deliveries"]


class NoticeSerializer(serializers.Serializer):
    message = serializers.CharField(allow_blank=True)
