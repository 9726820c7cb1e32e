"""The REST API. Every viewset starts from the caller's restricted queryset (tasks_app.permissions):
what the caller may not see is a 404 and absent from lists. Views parse input and call one service;
the exception handler maps the services' refusals (403, 409, 400)."""

from django.db.models import Prefetch
from django.http import FileResponse
from django.utils import timezone
from django_filters import rest_framework as filters
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.response import Response

from departments.models import Department, District
from tasks_app import permissions, services
from tasks_app.api.pagination import DueDateCursorPagination, NewestFirstCursorPagination
from tasks_app.filters import MilestoneFilter
from tasks_app.models import Implementation, ImplementationStatus, KeyTask, Milestone, Notification, ProgressUpdate
from tasks_app.reminders import reminders_for_milestone, supervision_notice_issue
from tasks_app.selectors import current_plan, plan_task_ids, tasks_with_responsibilities

from .serializers import (
    ConfirmSerializer,
    DepartmentSerializer,
    DistrictSerializer,
    ImplementationSerializer,
    KeyTaskDetailSerializer,
    KeyTaskSerializer,
    LeadChangeSerializer,
    MilestonePatchSerializer,
    MilestoneSerializer,
    NoticeSerializer,
    NotificationSerializer,
    ProgressUpdateSerializer,
    RejectSerializer,
    ReminderSerializer,
    TransitionSerializer,
)


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
        if self.action == "lead":
            return LeadChangeSerializer
        return KeyTaskDetailSerializer if self.action == "retrieve" else KeyTaskSerializer

    @extend_schema(request=LeadChangeSerializer, responses=KeyTaskDetailSerializer)
    @action(detail=True, methods=["post"])
    def lead(self, request, number=None):
        """Designate another responsible department as the lead (supervision office)."""
        task = self.get_object()
        if not permissions.can_change_lead(request.user):
            raise services.NotAllowed("Only the supervision office may change a task's lead.")
        serializer = LeadChangeSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.task_lead_change(
            task=task,
            department=serializer.validated_data["department"],
            by=request.user,
            reason=serializer.validated_data["reason"],
        )
        return Response(KeyTaskDetailSerializer(self.get_queryset().get(pk=task.pk)).data)


class DepartmentViewSet(viewsets.ReadOnlyModelViewSet):
    queryset = Department.objects.order_by("position", "code")
    serializer_class = DepartmentSerializer
    lookup_field = "code"


class DistrictViewSet(viewsets.ReadOnlyModelViewSet):
    queryset = District.objects.order_by("position", "code")
    serializer_class = DistrictSerializer
    lookup_field = "code"


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
            permissions.milestones_visible_to(self.request.user)
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
        )

    @extend_schema(request=MilestonePatchSerializer, responses=MilestoneSerializer)
    def partial_update(self, request, pk=None):
        milestone = self.get_object()
        serializer = MilestonePatchSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        changes = dict(serializer.validated_data)
        version = changes.pop("version")
        reason = changes.pop("reason", "")
        milestone = services.milestone_update(
            milestone=milestone, by=request.user, version=version, changes=changes, reason=reason
        )
        return Response(MilestoneSerializer(milestone).data)

    @extend_schema(responses=ReminderSerializer(many=True))
    @action(detail=True, methods=["get"])
    def reminders(self, request, pk=None):
        """Every reminder of the milestone, its escalation level and deliveries (those involved)."""
        milestone = self.get_object()
        if not (
            permissions.can_approve(request.user) or permissions.can_see_task_records(request.user, milestone.task)
        ):
            raise services.NotAllowed("The reminders are for the departments of the task and the offices.")
        return Response(ReminderSerializer(reminders_for_milestone(milestone), many=True).data)

    @extend_schema(request=NoticeSerializer, responses=ReminderSerializer)
    @action(detail=True, methods=["post"])
    def notices(self, request, pk=None):
        """Issue a manual 督办 notice (supervision office)."""
        milestone = self.get_object()
        serializer = NoticeSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        reminder = supervision_notice_issue(
            milestone=milestone, by=request.user, message=serializer.validated_data["message"]
        )
        return Response(ReminderSerializer(reminder).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=TransitionSerializer, responses=MilestoneSerializer)
    @action(detail=True, methods=["post"])
    def transition(self, request, pk=None):
        """start / submit (owner department), approve / return (supervision office)."""
        milestone = self.get_object()
        serializer = TransitionSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        milestone = services.milestone_transition(milestone=milestone, by=request.user, **serializer.validated_data)
        return Response(MilestoneSerializer(milestone).data)


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
        return permissions.progress_updates_visible_to(self.request.user).select_related(
            "milestone", "department", "author"
        )

    def get_serializer(self, *args, **kwargs):
        if not getattr(self, "swagger_fake_view", False):
            kwargs.setdefault("milestones", permissions.milestones_visible_to(self.request.user))
        return super().get_serializer(*args, **kwargs)

    def create(self, request, *args, **kwargs):
        # A milestone the caller may not see is "not found", as everywhere else — not a field error.
        milestone_id = request.data.get("milestone")
        visible = permissions.milestones_visible_to(request.user)
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

    @extend_schema(responses={(200, "application/octet-stream"): bytes})
    @action(detail=True, methods=["get"])
    def attachment(self, request, pk=None):
        update = self.get_object()
        if not update.attachment:
            raise NotFound("This update has no attachment.")
        return FileResponse(update.attachment.open("rb"), as_attachment=True, filename=update.attachment_name)


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
            permissions.implementations_visible_to(self.request.user)
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

    @extend_schema(responses={(200, "application/octet-stream"): bytes})
    @action(detail=True, methods=["get"])
    def evidence(self, request, pk=None):
        implementation = self.get_object()
        if not implementation.evidence:
            raise NotFound("No evidence file.")
        return FileResponse(
            implementation.evidence.open("rb"), as_attachment=True, filename=implementation.evidence_name
        )


class NotificationViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """The caller's own notifications (in-app reminders); `?read=false` for the unread ones."""

    serializer_class = NotificationSerializer
    pagination_class = NewestFirstCursorPagination

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Notification.objects.none()
        queryset = self.request.user.notifications.select_related(
            "reminder__task", "reminder__milestone", "reminder__department", "export_job"
        ).order_by("-created_at", "-id")
        read = self.request.query_params.get("read")
        if read in ("true", "false"):
            queryset = queryset.filter(read_at__isnull=(read == "false"))
        return queryset

    @extend_schema(request=None, responses=NotificationSerializer)
    @action(detail=True, methods=["post"])
    def read(self, request, pk=None):
        notification = self.get_object()
        if notification.read_at is None:
            notification.read_at = timezone.now()
            notification.save(update_fields=["read_at"])
        return Response(self.get_serializer(notification).data)
