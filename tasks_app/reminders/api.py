from __future__ import annotations

from django.shortcuts import get_object_or_404
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action, api_view
from rest_framework.response import Response

from tasks_app.core.api_pagination import NewestFirstCursorPagination
from tasks_app.core.errors import NotAllowed
from tasks_app.core.people import person_label
from tasks_app.core.validators import date_plausible
from tasks_app.plan.permissions import can_see_task_records
from tasks_app.reminders.models import Delivery, Notice, NoticeReply, Notification, Reminder
from tasks_app.reminders.selectors import (
    notices_board,
    overdue_milestones,
    reminders_for_milestone,
)
from tasks_app.reminders.services import (
    can_answer_notice,
    notice_acknowledge,
    notice_close,
    notice_reply,
    supervision_notice_issue,
)
from tasks_app.workflow.models import Milestone
from tasks_app.workflow.permissions import can_approve, milestones_visible_to


class OverdueSerializer(serializers.ModelSerializer):
    task = serializers.IntegerField(source="task.number")
    owner = serializers.CharField(source="owner.code")
    district = serializers.CharField(source="district.code", allow_null=True, default=None)
    days_overdue = serializers.SerializerMethodField(help_text="Calendar days since the due date.")
    working_days_overdue = serializers.SerializerMethodField(
        help_text="Working days since the due date (the Chinese calendar: statutory holidays, 调休)."
    )
    escalation_level = serializers.IntegerField(allow_null=True)
    last_reminder_at = serializers.DateTimeField(allow_null=True)

    class Meta:
        model = Milestone
        fields = [
            "id",
            "task",
            "owner",
            "district",
            "title",
            "due_date",
            "baseline_due_date",
            "status",
            "days_overdue",
            "working_days_overdue",
            "escalation_level",
            "last_reminder_at",
        ]

    def get_days_overdue(self, milestone) -> int:
        return milestone.days_overdue(self.context["as_of"])

    def get_working_days_overdue(self, milestone) -> int:
        return milestone.working_days_overdue(self.context["as_of"])


class OverdueViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """Every overdue milestone the caller may see, most overdue first."""

    serializer_class = OverdueSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Milestone.objects.none()
        return overdue_milestones(self.request.user, as_of=timezone.localdate())

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "as_of": timezone.localdate()}


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
    """A delivery's channel and outcome. Its target (an e-mail address, a group robot's URL with its
    secret key, a 企业微信 / 钉钉 account) and the transport's error text are for the supervision
    office only: for anyone else both are null."""

    target = serializers.SerializerMethodField()
    last_error = serializers.SerializerMethodField()

    class Meta:
        model = Delivery
        fields = ["channel", "target", "status", "attempts", "last_error", "sent_at"]

    def _office(self) -> bool:
        return bool(self.context.get("office"))

    def get_target(self, delivery) -> str | None:
        return delivery.target if self._office() else None

    def get_last_error(self, delivery) -> str | None:
        return delivery.last_error if self._office() else None


class ReminderSerializer(serializers.ModelSerializer):
    deliveries = DeliverySerializer(many=True, read_only=True)
    issued_by = serializers.SlugRelatedField(slug_field="username", read_only=True, allow_null=True)

    class Meta:
        model = Reminder
        fields = ["id", "kind", "occurrence", "level", "as_of", "message", "issued_by", "created_at", "deliveries"]


class NoticeSerializer(serializers.Serializer):
    message = serializers.CharField(allow_blank=True)


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


def _visible_milestone(user, pk: int):
    return get_object_or_404(milestones_visible_to(user), pk=pk)


@extend_schema(responses=ReminderSerializer(many=True))
@api_view(["GET"])
def milestone_reminders(request, pk: int):
    """`GET /milestones/{id}/reminders/`: every reminder of the milestone, its escalation level and
    deliveries (the departments of the task and the offices)."""
    milestone = _visible_milestone(request.user, pk)
    office = can_approve(request.user)
    if not (office or can_see_task_records(request.user, milestone.task)):
        raise NotAllowed("The reminders are for the departments of the task and the offices.")
    return Response(ReminderSerializer(reminders_for_milestone(milestone), many=True, context={"office": office}).data)


@extend_schema(request=NoticeSerializer, responses={201: ReminderSerializer})
@api_view(["POST"])
def milestone_notices(request, pk: int):
    """`POST /milestones/{id}/notices/`: issue a manual 督办 notice (supervision office)."""
    milestone = _visible_milestone(request.user, pk)
    serializer = NoticeSerializer(data=request.data)
    serializer.is_valid(raise_exception=True)
    reminder = supervision_notice_issue(
        milestone=milestone, by=request.user, message=serializer.validated_data["message"]
    )
    office = can_approve(request.user)
    return Response(ReminderSerializer(reminder, context={"office": office}).data, status=status.HTTP_201_CREATED)


class NoticeReplySerializer(serializers.ModelSerializer):
    author = serializers.SerializerMethodField()
    text = serializers.CharField(allow_blank=True)
    attachment = serializers.FileField(required=False, allow_null=True, write_only=True)

    class Meta:
        model = NoticeReply
        fields = ["id", "text", "attachment", "attachment_name", "author", "created_at"]
        read_only_fields = ["attachment_name", "created_at"]

    def get_author(self, reply) -> str:
        return person_label(reply.author)


class NoticeDetailSerializer(serializers.ModelSerializer):
    id = serializers.IntegerField(source="pk", read_only=True)
    milestone = serializers.IntegerField(source="reminder.milestone_id", read_only=True)
    task = serializers.IntegerField(source="reminder.task.number", read_only=True)
    department = serializers.CharField(source="reminder.department.code", read_only=True, default=None)
    message = serializers.CharField(source="reminder.message", read_only=True)
    issued_by = serializers.SerializerMethodField()
    issued_at = serializers.DateTimeField(source="reminder.created_at", read_only=True)
    acknowledged_by = serializers.SerializerMethodField()
    replies = NoticeReplySerializer(many=True, read_only=True)
    overdue = serializers.SerializerMethodField()

    class Meta:
        model = Notice
        fields = [
            "id",
            "milestone",
            "task",
            "department",
            "message",
            "issued_by",
            "issued_at",
            "reply_due",
            "status",
            "overdue",
            "acknowledged_at",
            "acknowledged_by",
            "replied_at",
            "closed_at",
            "follow_up_of",
            "replies",
        ]

    def get_issued_by(self, notice) -> str:
        return person_label(notice.reminder.issued_by)

    def get_acknowledged_by(self, notice) -> str | None:
        return person_label(notice.acknowledged_by) if notice.acknowledged_by_id else None

    def get_overdue(self, notice) -> bool:
        return notice.is_overdue(timezone.localdate())


NOTICE_ID = OpenApiParameter("id", OpenApiTypes.INT, OpenApiParameter.PATH, description="the notice's id")


class NoticeCreateSerializer(serializers.Serializer):
    milestone = serializers.IntegerField()
    message = serializers.CharField(allow_blank=True)
    reply_due = serializers.DateField(required=False, allow_null=True, default=None, validators=[date_plausible])


class NoticeCloseSerializer(serializers.Serializer):
    note = serializers.CharField(required=False, allow_blank=True, default="")
    follow_up = serializers.CharField(
        required=False, allow_blank=True, default="", help_text="text of a follow-up notice to issue at once"
    )
    reply_due = serializers.DateField(required=False, allow_null=True, default=None, validators=[date_plausible])


@extend_schema_view(
    retrieve=extend_schema(parameters=[NOTICE_ID]),
    acknowledge=extend_schema(parameters=[NOTICE_ID]),
    reply=extend_schema(parameters=[NOTICE_ID]),
    close=extend_schema(parameters=[NOTICE_ID]),
)
class NoticeViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """督办 notices as a conversation: `?state=open|acknowledged|replied|closed|overdue`, `?department=code`."""

    serializer_class = NoticeDetailSerializer
    pagination_class = None

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Notice.objects.none()
        params = self.request.query_params
        return notices_board(
            self.request.user,
            state=params.get("state", ""),
            department=params.get("department", ""),
            as_of=timezone.localdate(),
        ).prefetch_related("replies__author")

    def list(self, request, *args, **kwargs):
        rows = self.get_queryset()[:500]
        return Response(self.get_serializer(rows, many=True).data)

    @extend_schema(request=NoticeCreateSerializer, responses=NoticeDetailSerializer)
    def create(self, request):
        """Issue a notice on a milestone (supervision office)."""
        serializer = NoticeCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        milestone = _visible_milestone(request.user, data["milestone"])
        reminder = supervision_notice_issue(
            milestone=milestone, by=request.user, message=data["message"], reply_due=data["reply_due"]
        )
        return Response(NoticeDetailSerializer(reminder.notice).data, status=status.HTTP_201_CREATED)

    def _answerable(self, request):
        notice = self.get_object()
        if not can_answer_notice(request.user, notice):
            raise NotAllowed("Only the receiving department may answer this notice.")
        return notice

    @extend_schema(request=None, responses=NoticeDetailSerializer)
    @action(detail=True, methods=["post"])
    def acknowledge(self, request, pk=None):
        """签收 by the receiving department."""
        notice = notice_acknowledge(notice=self._answerable(request), by=request.user)
        return Response(NoticeDetailSerializer(notice).data)

    @extend_schema(request=NoticeReplySerializer, responses=NoticeReplySerializer)
    @action(detail=True, methods=["post"])
    def reply(self, request, pk=None):
        """反馈 {`text`, optional `attachment`} by the receiving department."""
        notice = self._answerable(request)
        serializer = NoticeReplySerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        reply = notice_reply(
            notice=notice,
            by=request.user,
            text=serializer.validated_data["text"],
            attachment=serializer.validated_data.get("attachment"),
        )
        return Response(NoticeReplySerializer(reply).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=NoticeCloseSerializer, responses=NoticeDetailSerializer)
    @action(detail=True, methods=["post"])
    def close(self, request, pk=None):
        """The office closes the notice, optionally issuing a follow-up {`follow_up`, `reply_due`}."""
        notice = self.get_object()
        if not can_approve(request.user):
            raise NotAllowed("Only the supervision office may close a 督办 notice.")
        serializer = NoticeCloseSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        notice = notice_close(notice=notice, by=request.user, **serializer.validated_data)
        return Response(NoticeDetailSerializer(notice).data)
