"""The workflow as data: milestones (任务分解) and the progress updates posted on them."""

import uuid

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from departments.models import Department, District
from tasks_app.core.validators import date_plausible
from tasks_app.plan.models import KeyTask
from workdays import calendar as workcal


class MilestoneStatus(models.TextChoices):
    PLANNED = "planned", _("planned")
    IN_PROGRESS = "in_progress", _("in progress")
    SUBMITTED = "submitted", _("submitted for sign-off")
    COMPLETED = "completed", _("completed")


OPEN_STATUSES = [MilestoneStatus.PLANNED, MilestoneStatus.IN_PROGRESS, MilestoneStatus.SUBMITTED]
OPEN_MILESTONE = Q(status__in=["planned", "in_progress", "submitted"])


class Rag(models.TextChoices):
    RED = "red", _("overdue")
    AMBER = "amber", _("due soon")
    GREEN = "green", _("on track")


class Milestone(models.Model):
    """A step of a key task (任务分解) owned by one of the task's responsible departments."""

    task = models.ForeignKey(KeyTask, verbose_name=_("key task"), on_delete=models.PROTECT, related_name="milestones")
    owner = models.ForeignKey(
        Department, verbose_name=_("owner department"), on_delete=models.PROTECT, related_name="milestones"
    )
    district = models.ForeignKey(
        District, verbose_name=_("district"), on_delete=models.PROTECT, null=True, blank=True, related_name="milestones"
    )
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    due_date = models.DateField(_("due date"), validators=[date_plausible])
    # The due date first agreed; extensions (延期) move due_date only, so lateness is never erased.
    baseline_due_date = models.DateField(_("original due date"), validators=[date_plausible])
    status = models.CharField(
        _("status"), max_length=16, choices=MilestoneStatus.choices, default=MilestoneStatus.PLANNED
    )
    return_reason = models.TextField(_("reason for return"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("created by"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)
    # Optimistic locking: every write bumps it; a write naming an older version is refused (409).
    version = models.PositiveIntegerField(_("version"), default=1)
    history = HistoricalRecords()

    class Meta:
        ordering = ["due_date", "id"]
        verbose_name = _("milestone")
        verbose_name_plural = _("milestones")
        # The indexes follow the real reads (bench/benchmark.py measures them at a million rows):
        # the board and the reminder scan read open milestones by due date; a liaison's home reads
        # its department's open, submitted and returned ones by due date.
        indexes = [
            models.Index(fields=["status", "due_date"], name="milestone_status_due"),
            # task_id last: "of this plan's tasks" is then answered from the index alone.
            models.Index(fields=["owner", "status", "due_date", "task"], name="milestone_owner_status_due"),
            models.Index(fields=["due_date", "id"], name="milestone_due"),
            models.Index(fields=["task", "due_date"], name="milestone_task_due"),
            models.Index(fields=["due_date", "id"], name="milestone_open_due", condition=OPEN_MILESTONE),
            # The board's count (a plan's open milestones past their due date) from the index alone:
            # at 13 cities × 1M, 351 → 44 ms, drawn again after every change.
            models.Index(fields=["task", "due_date"], name="milestone_open_task_due", condition=OPEN_MILESTONE),
            models.Index(
                fields=["owner", "due_date", "task"], name="milestone_open_owner_due", condition=OPEN_MILESTONE
            ),
            models.Index(
                fields=["submitted_at", "id"], name="milestone_sign_off_queue", condition=Q(status="submitted")
            ),
            # A district officer's lists: the district's open milestones in due-date order.
            models.Index(
                fields=["district", "due_date", "id"], name="milestone_open_district_due", condition=OPEN_MILESTONE
            ),
            models.Index(
                fields=["owner", "due_date"],
                name="milestone_returned",
                condition=Q(status="in_progress") & ~Q(return_reason=""),
            ),
        ]
        permissions = [
            ("work_on_milestone", _("Start, submit and report progress on a milestone (owner)")),
            ("approve_milestone", _("Sign off or return a submitted milestone")),
            ("extend_milestone", _("Change the due date of a started milestone (延期)")),
        ]

    def __str__(self) -> str:
        return self.title

    def days_overdue(self, today) -> int:
        """Calendar days (自然日) since the due date."""
        if self.status == MilestoneStatus.COMPLETED or today <= self.due_date:
            return 0
        return (today - self.due_date).days

    def working_days_overdue(self, today) -> int:
        """Working days (工作日, the Chinese calendar with its holidays and 调休) since the due date:
        the count government time limits and the escalation use."""
        if self.status == MilestoneStatus.COMPLETED or today <= self.due_date:
            return 0
        return workcal.working_days_between(self.due_date, today)

    def rag(self, today) -> str:
        if self.days_overdue(today) > 0:
            return Rag.RED
        if self.status in (MilestoneStatus.PLANNED, MilestoneStatus.IN_PROGRESS) and (self.due_date - today).days <= 7:
            return Rag.AMBER
        return Rag.GREEN


def attachment_path(instance, filename: str) -> str:
    return f"attachments/{uuid.uuid4().hex}"


class ProgressUpdate(models.Model):
    """A progress report (进展) posted on a milestone by its owner department."""

    milestone = models.ForeignKey(
        Milestone, verbose_name=_("milestone"), on_delete=models.CASCADE, related_name="progress_updates"
    )
    # The milestone's task, kept on the update so that "has this department reported on this task
    # this month" (reminders, the home page, the assessment) is one index probe, not a join.
    task = models.ForeignKey(
        KeyTask,
        verbose_name=_("key task"),
        on_delete=models.CASCADE,
        related_name="progress_updates",
        editable=False,
    )
    department = models.ForeignKey(
        Department, verbose_name=_("department"), on_delete=models.PROTECT, related_name="progress_updates"
    )
    percent = models.PositiveSmallIntegerField(
        _("percent complete"), validators=[MinValueValidator(0), MaxValueValidator(100)]
    )
    summary = models.TextField(_("summary"))
    attachment = models.FileField(_("attachment"), upload_to=attachment_path, blank=True, max_length=200)
    attachment_name = models.CharField(_("attachment file name"), max_length=200, blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("author"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("posted at"), auto_now_add=True, db_index=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("progress update")
        verbose_name_plural = _("progress updates")
        constraints = [
            models.CheckConstraint(condition=Q(percent__gte=0) & Q(percent__lte=100), name="progress_percent_range"),
        ]
        indexes = [models.Index(fields=["task", "department", "created_at"], name="progress_task_department_time")]

    def __str__(self) -> str:
        return f"{self.milestone} · {self.percent}%"

    def save(self, *args, **kwargs):
        if self.task_id is None and self.milestone_id is not None:
            self.task_id = self.milestone.task_id
        super().save(*args, **kwargs)


class ExtensionStatus(models.TextChoices):
    PENDING = "pending", _("pending")
    GRANTED = "granted", _("granted")
    REFUSED = "refused", _("refused")


class ExtensionRequest(models.Model):
    """延期申请: the owner department asks for a later due date; the supervision office grants or
    refuses it with a reason. A grant moves ``due_date`` only: the baseline stays."""

    milestone = models.ForeignKey(
        Milestone, verbose_name=_("milestone"), on_delete=models.CASCADE, related_name="extension_requests"
    )
    department = models.ForeignKey(Department, verbose_name=_("department"), on_delete=models.PROTECT, related_name="+")
    previous_due_date = models.DateField(_("due date before"))
    due_date = models.DateField(_("requested due date"), validators=[date_plausible])
    reason = models.TextField(_("reason"))
    status = models.CharField(
        _("status"), max_length=10, choices=ExtensionStatus.choices, default=ExtensionStatus.PENDING
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("requested by"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_reason = models.TextField(_("reason for the decision"), blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("extension request")
        verbose_name_plural = _("extension requests")
        constraints = [
            # One open request per milestone, whoever asks twice at once.
            models.UniqueConstraint(
                fields=["milestone"], condition=Q(status="pending"), name="extension_one_pending_per_milestone"
            ),
        ]
        indexes = [models.Index(fields=["status", "created_at"], name="extension_status_time")]

    def __str__(self) -> str:
        return f"{self.milestone} → {self.due_date}"


class CompletionReport(models.Model):
    """The completion report (办结报告) handed in with 申请办结: what was done, optional evidence."""

    milestone = models.ForeignKey(
        Milestone, verbose_name=_("milestone"), on_delete=models.CASCADE, related_name="completion_reports"
    )
    text = models.TextField(_("what was done"))
    evidence = models.FileField(_("evidence"), upload_to=attachment_path, blank=True, max_length=200)
    evidence_name = models.CharField(_("evidence file name"), max_length=200, blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("author"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("handed in at"), auto_now_add=True)
    # Set when the office returns the milestone (退回): the report goes back with the reason.
    return_reason = models.TextField(_("reason for return"), blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("completion report")
        verbose_name_plural = _("completion reports")

    def __str__(self) -> str:
        return f"{self.milestone} · {self.created_at:%Y-%m-%d}"


class MilestoneComment(models.Model):
    """A comment on a milestone among those involved; "@部门" mentions notify that department."""

    milestone = models.ForeignKey(
        Milestone, verbose_name=_("milestone"), on_delete=models.CASCADE, related_name="comments"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("author"), on_delete=models.PROTECT, related_name="+"
    )
    text = models.TextField(_("comment"))
    mentions = models.ManyToManyField(Department, verbose_name=_("mentioned departments"), blank=True, related_name="+")
    created_at = models.DateTimeField(_("posted at"), auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("comment")
        verbose_name_plural = _("comments")

    def __str__(self) -> str:
        return self.text[:40]


class TaskReport(models.Model):
    """A department's monthly report on a key task (月度报送), whether or not it owns a milestone of
    it: the monthly reminder stops and the assessment counts the month as reported. One per task,
    department and month; filing again the same month replaces the text (the history keeps it)."""

    task = models.ForeignKey(KeyTask, verbose_name=_("key task"), on_delete=models.CASCADE, related_name="reports")
    department = models.ForeignKey(
        Department, verbose_name=_("department"), on_delete=models.PROTECT, related_name="task_reports"
    )
    month = models.DateField(_("month"), help_text=_("the first day of the month reported on"))
    summary = models.TextField(_("summary"))
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("author"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("filed at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("last changed at"), auto_now=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-month", "task", "department"]
        verbose_name = _("monthly task report")
        verbose_name_plural = _("monthly task reports")
        constraints = [
            models.UniqueConstraint(fields=["task", "department", "month"], name="task_report_once_a_month"),
            models.CheckConstraint(condition=Q(month__day=1), name="task_report_month_first_day"),
        ]

    def __str__(self) -> str:
        return f"{self.task} · {self.department} · {self.month:%Y-%m}"
