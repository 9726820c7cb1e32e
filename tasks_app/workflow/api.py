from __future__ import annotations

from django.db.models import Prefetch
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from django_filters import rest_framework as filters
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action, api_view
from rest_framework.exceptions import NotFound
from rest_framework.response import Response
from rest_framework.reverse import reverse

from departments.models import Department, District
from tasks_app.core.api_pagination import DueDateCursorPagination, NewestFirstCursorPagination
from tasks_app.core.attachments import SERVED_TYPES, stored_file_response
from tasks_app.core.errors import NotAllowed
from tasks_app.core.people import person_label
from tasks_app.core.validators import date_plausible
from tasks_app.plan.api import CurrentPlanSlugField, KeyTaskDetailSerializer, UnitSlugField
from tasks_app.plan.models import Implementation, ImplementationStatus, KeyTask
from tasks_app.plan.permissions import can_change_lead, implementations_visible_to
from tasks_app.plan.selectors import current_plan, plan_task_ids, tasks_with_responsibilities
from tasks_app.workflow import services
from tasks_app.workflow.filters import MilestoneFilter
from tasks_app.workflow.models import (
    ExtensionRequest,
    ExtensionStatus,
    Milestone,
    MilestoneComment,
    ProgressUpdate,
    TaskReport,
)
from tasks_app.workflow.permissions import (
    can_edit_planned,
    can_extend,
    can_work_on,
    extension_requests_visible_to,
    milestones_visible_to,
    progress_updates_visible_to,
    task_reports_visible_to,
)

# A stored file is served with the type its content shows (tasks_app/core/attachments.py).
DOWNLOAD_RESPONSES = {(200, media_type): bytes for media_type in SERVED_TYPES}


class MilestoneSerializer(serializers.ModelSerializer):
    """Read shape of a milestone, and the input of POST (task number, owner and district codes)."""

    task = CurrentPlanSlugField(KeyTask, "number")
    owner = UnitSlugField(Department)
    district = UnitSlugField(District, allow_null=True, required=False)
    rag = serializers.SerializerMethodField()
    days_overdue = serializers.SerializerMethodField()
    reason = serializers.CharField(
        write_only=True,
        required=False,
        allow_blank=True,
        default="",
        help_text="why the due date is in the past (supervision office only; a liaison may not)",
    )

    class Meta:
        model = Milestone
        fields = [
            "reason",
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
    due_date = serializers.DateField(required=False, validators=[date_plausible])
    owner = UnitSlugField(Department, required=False)
    district = UnitSlugField(District, allow_null=True, required=False)
    reason = serializers.CharField(required=False, allow_blank=True, write_only=True)


class TransitionSerializer(serializers.Serializer):
    action = serializers.CharField(max_length=20)
    note = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        help_text="submit: the completion report (required); return: the reason (required)",
    )
    evidence = serializers.FileField(required=False, allow_null=True, default=None)


class ExtensionRequestSerializer(serializers.ModelSerializer):
    milestone = serializers.PrimaryKeyRelatedField(read_only=True)
    department = serializers.SlugRelatedField(slug_field="code", read_only=True)
    requested_by = serializers.SerializerMethodField()
    decided_by = serializers.SerializerMethodField()
    due_date = serializers.DateField(validators=[date_plausible])
    reason = serializers.CharField(allow_blank=True)

    class Meta:
        model = ExtensionRequest
        fields = [
            "id",
            "milestone",
            "department",
            "previous_due_date",
            "due_date",
            "reason",
            "status",
            "requested_by",
            "created_at",
            "decided_by",
            "decided_at",
            "decision_reason",
        ]
        read_only_fields = [
            "previous_due_date",
            "status",
            "created_at",
            "decided_at",
            "decision_reason",
        ]

    def get_requested_by(self, request) -> str:
        return person_label(request.requested_by)

    def get_decided_by(self, request) -> str | None:
        return person_label(request.decided_by) if request.decided_by_id else None


class ExtensionDecisionSerializer(serializers.Serializer):
    decision = serializers.ChoiceField(choices=["grant", "refuse"])
    reason = serializers.CharField(required=False, allow_blank=True, default="")


class CommentSerializer(serializers.ModelSerializer):
    author = serializers.SerializerMethodField()
    mentions = serializers.SlugRelatedField(slug_field="code", many=True, read_only=True)
    text = serializers.CharField(allow_blank=True)

    class Meta:
        model = MilestoneComment
        fields = ["id", "milestone", "author", "text", "mentions", "created_at"]
        read_only_fields = ["milestone", "created_at"]

    def get_author(self, comment) -> str:
        return person_label(comment.author)


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
    department = UnitSlugField(Department)
    reason = serializers.CharField(allow_blank=True)


class MilestoneViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet
):
    """Milestones (任务分解). PATCH needs the `version` the client read; a stale one is a 409."""

    serializer_class = MilestoneSerializer
    filterset_class = MilestoneFilter
    pagination_class = DueDateCursorPagination
    filter_backends = [filters.DjangoFilterBackend]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation: no request, no database
            return Milestone.objects.none()
        return (
            milestones_visible_to(self.request.user)
            .filter(task_id__in=plan_task_ids(current_plan()))
            .select_related("task", "owner", "district")
            .order_by("due_date", "id")
        )

    def perform_create(self, serializer):
        data = serializer.validated_data
        serializer.instance = services.milestone_create(
            task=data["task"],
            owner=data["owner"],
            district=data.get("district"),
            title=data["title"],
            description=data.get("description", ""),
            due_date=data["due_date"],
            by=self.request.user,
            reason=data.get("reason", ""),
            strict_dates=True,
        )

    @extend_schema(request=MilestonePatchSerializer, responses=MilestoneSerializer)
    def partial_update(self, request, pk=None):
        milestone = self.get_object()
        # Authorisation before the body is read: a reader hears 403, whatever version it sent.
        if not (can_edit_planned(request.user, milestone) or can_extend(request.user)):
            raise NotAllowed(_("You may not edit this milestone."))
        serializer = MilestonePatchSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        changes = dict(serializer.validated_data)
        version = changes.pop("version")
        reason = changes.pop("reason", "")
        milestone = services.milestone_update(
            milestone=milestone,
            by=request.user,
            version=version,
            changes=changes,
            reason=reason,
            strict_dates=True,
        )
        return Response(MilestoneSerializer(milestone).data)

    @extend_schema(request=TransitionSerializer, responses=MilestoneSerializer)
    @action(detail=True, methods=["post"])
    def transition(self, request, pk=None):
        """start / submit (owner department), approve / return (supervision office)."""
        milestone = self.get_object()
        serializer = TransitionSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        milestone = services.milestone_transition(
            milestone=milestone, by=request.user, report_required=True, **serializer.validated_data
        )
        return Response(MilestoneSerializer(milestone).data)

    @extend_schema(request=ExtensionRequestSerializer, responses=ExtensionRequestSerializer(many=True))
    @action(detail=True, methods=["get", "post"], url_path="extension-requests")
    def extension_requests(self, request, pk=None):
        """延期申请: the owner department asks for a later due date {`due_date`, `reason`}."""
        milestone = self.get_object()
        if request.method == "GET":
            rows = milestone.extension_requests.select_related("department", "requested_by", "decided_by")
            return Response(ExtensionRequestSerializer(rows, many=True).data)
        if not can_work_on(request.user, milestone):
            raise NotAllowed(_("Only the owner department may ask for an extension."))
        serializer = ExtensionRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        created = services.extension_request_create(
            milestone=milestone,
            by=request.user,
            due_date=serializer.validated_data["due_date"],
            reason=serializer.validated_data["reason"],
        )
        return Response(ExtensionRequestSerializer(created).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=CommentSerializer, responses=CommentSerializer(many=True))
    @action(detail=True, methods=["get", "post"])
    def comments(self, request, pk=None):
        """Comments among those who see the milestone; "@部门" notifies that department."""
        milestone = self.get_object()
        if request.method == "GET":
            rows = milestone.comments.select_related("author").prefetch_related("mentions")
            return Response(CommentSerializer(rows, many=True).data)
        serializer = CommentSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        comment = services.milestone_comment_create(
            milestone=milestone, by=request.user, text=serializer.validated_data["text"]
        )
        return Response(CommentSerializer(comment).data, status=status.HTTP_201_CREATED)


class ExtensionRequestViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """延期申请 of the milestones the caller may see; `?status=pending` for the open ones."""

    serializer_class = ExtensionRequestSerializer
    pagination_class = NewestFirstCursorPagination

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return ExtensionRequest.objects.none()
        queryset = extension_requests_visible_to(self.request.user).select_related(
            "milestone", "department", "requested_by", "decided_by"
        )
        wanted = self.request.query_params.get("status")
        if wanted in ExtensionStatus.values:
            queryset = queryset.filter(status=wanted)
        return queryset

    @extend_schema(request=ExtensionDecisionSerializer, responses=ExtensionRequestSerializer)
    @action(detail=True, methods=["post"])
    def decide(self, request, pk=None):
        """The supervision office grants or refuses {`decision`: grant|refuse, `reason`}."""
        extension = self.get_object()
        if not can_extend(request.user):
            raise NotAllowed(_("Only the supervision office may decide on an extension."))
        serializer = ExtensionDecisionSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        extension = services.extension_request_decide(request=extension, by=request.user, **serializer.validated_data)
        return Response(ExtensionRequestSerializer(extension).data)


class ProgressUpdateFilter(filters.FilterSet):
    class Meta:
        model = ProgressUpdate
        fields = ["milestone"]


class ProgressUpdateViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet
):
    serializer_class = ProgressUpdateSerializer
    filterset_class = ProgressUpdateFilter
    pagination_class = NewestFirstCursorPagination

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return ProgressUpdate.objects.none()
        return progress_updates_visible_to(self.request.user).select_related("milestone", "department", "author")

    def get_serializer(self, *args, **kwargs):
        if not getattr(self, "swagger_fake_view", False):
            kwargs.setdefault("milestones", milestones_visible_to(self.request.user))
        return super().get_serializer(*args, **kwargs)

    def create(self, request, *args, **kwargs):
        # A milestone the caller may not see is "not found", as everywhere else — not a field error.
        milestone_id = request.data.get("milestone")
        visible = milestones_visible_to(request.user)
        if (
            milestone_id not in (None, "")
            and str(milestone_id).isdigit()
            and not visible.filter(pk=milestone_id).exists()
        ):
            raise NotFound("No such milestone.")
        return super().create(request, *args, **kwargs)

    def perform_create(self, serializer):
        data = serializer.validated_data
        serializer.instance = services.progress_update_create(
            milestone=data["milestone"],
            by=self.request.user,
            percent=data["percent"],
            summary=data["summary"],
            attachment=data.get("attachment"),
        )

    @extend_schema(responses=DOWNLOAD_RESPONSES)
    @action(detail=True, methods=["get"])
    def attachment(self, request, pk=None):
        update = self.get_object()
        if not update.attachment:
            raise NotFound("This update has no attachment.")
        return stored_file_response(update.attachment, update.attachment_name)


class ImplementationFilter(filters.FilterSet):
    task = filters.NumberFilter(field_name="task__number")
    district = filters.CharFilter(field_name="district__code")
    status = filters.ChoiceFilter(choices=ImplementationStatus.choices)

    class Meta:
        model = Implementation
        fields = ["task", "district", "status"]


class ImplementationViewSet(viewsets.ReadOnlyModelViewSet):
    """District implementation records (落实); a district confirms its own, the office rejects."""

    serializer_class = ImplementationSerializer
    filterset_class = ImplementationFilter

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Implementation.objects.none()
        return (
            implementations_visible_to(self.request.user)
            .filter(task_id__in=plan_task_ids(current_plan()))
            .select_related("task", "district")
            .order_by("task__number", "district__position")
        )

    @extend_schema(request=ConfirmSerializer, responses=ImplementationSerializer)
    @action(detail=True, methods=["post"])
    def confirm(self, request, pk=None):
        implementation = self.get_object()
        serializer = ConfirmSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        implementation = services.implementation_confirm(
            implementation=implementation,
            by=request.user,
            note=serializer.validated_data["note"],
            evidence=serializer.validated_data.get("evidence"),
        )
        return Response(self.get_serializer(implementation).data)

    @extend_schema(request=RejectSerializer, responses=ImplementationSerializer)
    @action(detail=True, methods=["post"])
    def reject(self, request, pk=None):
        implementation = self.get_object()
        serializer = RejectSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        implementation = services.implementation_reject(
            implementation=implementation, by=request.user, reason=serializer.validated_data["reason"]
        )
        return Response(self.get_serializer(implementation).data, status=status.HTTP_200_OK)

    @extend_schema(responses=DOWNLOAD_RESPONSES)
    @action(detail=True, methods=["get"])
    def evidence(self, request, pk=None):
        implementation = self.get_object()
        if not implementation.evidence:
            raise NotFound("No evidence file.")
        return stored_file_response(implementation.evidence, implementation.evidence_name)


@extend_schema(request=LeadChangeSerializer, responses=KeyTaskDetailSerializer)
@api_view(["POST"])
def task_lead(request, number: int):
    """`POST /tasks/{number}/lead/`: designate another responsible department as the lead
    (supervision office); the change is recorded with its reason."""
    task = get_object_or_404(KeyTask.objects.filter(plan=current_plan()), number=number)
    if not can_change_lead(request.user):
        raise NotAllowed("Only the supervision office may change a task's lead.")
    serializer = LeadChangeSerializer(data=request.data)
    serializer.is_valid(raise_exception=True)
    services.task_lead_change(
        task=task,
        department=serializer.validated_data["department"],
        by=request.user,
        reason=serializer.validated_data["reason"],
    )
    refreshed = tasks_with_responsibilities(task.plan).prefetch_related(
        Prefetch("implementations", queryset=Implementation.objects.select_related("district"))
    )
    return Response(KeyTaskDetailSerializer(refreshed.get(pk=task.pk)).data)


class TaskReportSerializer(serializers.ModelSerializer):
    task = CurrentPlanSlugField(KeyTask, "number")
    department = UnitSlugField(Department)
    month = serializers.CharField(max_length=7, help_text='the month reported on, "2026-11"')
    author = serializers.SerializerMethodField()

    class Meta:
        model = TaskReport
        fields = ["id", "task", "department", "month", "summary", "author", "created_at", "updated_at"]
        read_only_fields = ["created_at", "updated_at"]
        extra_kwargs = {"summary": {"allow_blank": True}}  # the service names a missing summary
        validators = []  # one per task, department and month: the service replaces the month's report

    def get_author(self, report) -> str:
        return person_label(report.author)

    def to_representation(self, report):
        data = super().to_representation(report)
        data["month"] = report.month.strftime("%Y-%m")
        return data


class TaskReportFilter(filters.FilterSet):
    task = filters.NumberFilter(field_name="task__number")
    department = filters.CharFilter(field_name="department__code")
    month = filters.CharFilter(method="in_month")

    class Meta:
        model = TaskReport
        fields = ["task", "department", "month"]

    def in_month(self, queryset, name, value):
        from django.core.exceptions import ValidationError as DjangoValidationError
        from rest_framework.exceptions import ValidationError as ApiValidationError

        try:
            return queryset.filter(month=services.report_month(value))
        except DjangoValidationError as error:
            raise ApiValidationError(error.message_dict) from None


class TaskReportViewSet(mixins.ListModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet):
    """月度报送: each responsible department's monthly report on a task, whether or not it owns a
    milestone of it. `?task=5&department=customs&month=2026-11`. POST {`task`, `department`,
    `month`, `summary`} files (or, the same month again, replaces) the report."""

    serializer_class = TaskReportSerializer
    filterset_class = TaskReportFilter

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return TaskReport.objects.none()
        return (
            task_reports_visible_to(self.request.user)
            .filter(task_id__in=plan_task_ids(current_plan()))
            .select_related("task", "department", "author")
            .order_by("-month", "task__number", "department__position")
        )

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        report = services.task_report_file(
            task=data["task"],
            department=data["department"],
            month=data["month"],
            summary=data["summary"],
            by=request.user,
        )
        return Response(self.get_serializer(report).data, status=status.HTTP_201_CREATED)
