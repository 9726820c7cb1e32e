"""The plan as data: plan → sections → key tasks, who is responsible (lead / co-responsible), and
which districts implement each task (落实).

The plan's unit is called ``KeyTask`` (重点任务) so that "task" alone can mean a Celery task.
"""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from departments.models import Department, District, Government


class Plan(models.Model):
    """One action plan document (e.g. the Suzhou CBEC pilot-zone plan 2024–2026)."""

    code = models.SlugField(_("code"), max_length=64, unique=True)
    government = models.ForeignKey(
        Government, verbose_name=_("government"), on_delete=models.PROTECT, related_name="plans"
    )
    title = models.CharField(_("title"), max_length=300)
    title_en = models.CharField(_("English title"), max_length=300, blank=True)
    issuer = models.CharField(_("issuer"), max_length=200, blank=True)
    document_number = models.CharField(_("document number"), max_length=100, blank=True)
    issued_on = models.DateField(_("issued on"), null=True, blank=True)
    start_year = models.PositiveSmallIntegerField(_("first year"))
    end_year = models.PositiveSmallIntegerField(_("last year"))
    preamble = models.TextField(_("preamble"), blank=True)
    goals = models.TextField(_("development goals"), blank=True)
    safeguards = models.TextField(_("safeguard measures"), blank=True)
    # A plan past its last year is read-only; the supervision office may reopen it (with a reason) —
    # to publish its final assessment, say — and close it again.
    reopened_at = models.DateTimeField(_("reopened at"), null=True, blank=True)
    reopened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reopened by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    reopen_reason = models.TextField(_("reason for reopening"), blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-start_year", "code"]
        verbose_name = _("plan")
        verbose_name_plural = _("plans")
        constraints = [
            models.CheckConstraint(condition=Q(end_year__gte=models.F("start_year")), name="plan_years_ordered"),
        ]

    def __str__(self) -> str:
        return self.title

    def has_ended(self, today) -> bool:
        return today.year > self.end_year

    def is_read_only(self, today) -> bool:
        """Ended and not reopened: its record stays as it is."""
        return self.has_ended(today) and self.reopened_at is None


class Section(models.Model):
    """A section of key tasks (e.g. 「（一）壮大市场主体和行业规模」)."""

    plan = models.ForeignKey(Plan, verbose_name=_("plan"), on_delete=models.CASCADE, related_name="sections")
    number = models.PositiveSmallIntegerField(_("number"))
    title = models.CharField(_("title"), max_length=200)
    title_en = models.CharField(_("English title"), max_length=200, blank=True)

    class Meta:
        ordering = ["plan", "number"]
        verbose_name = _("section")
        verbose_name_plural = _("sections")
        constraints = [models.UniqueConstraint(fields=["plan", "number"], name="section_number_unique_in_plan")]

    def __str__(self) -> str:
        return self.title


class KeyTask(models.Model):
    """A key task (重点任务), numbered across the whole plan (1–17 in Suzhou)."""

    plan = models.ForeignKey(Plan, verbose_name=_("plan"), on_delete=models.CASCADE, related_name="tasks")
    section = models.ForeignKey(Section, verbose_name=_("section"), on_delete=models.PROTECT, related_name="tasks")
    number = models.PositiveSmallIntegerField(_("number"))
    title = models.CharField(_("title"), max_length=200)
    title_en = models.CharField(_("English title"), max_length=200, blank=True)
    text = models.TextField(_("task text"))
    # The plan's own words on who is responsible, kept verbatim so the structured list can be checked.
    responsibility_text = models.TextField(_("responsibility as written"), blank=True)
    departments = models.ManyToManyField(
        Department, through="TaskResponsibility", related_name="tasks", verbose_name=_("responsible departments")
    )
    districts = models.ManyToManyField(
        District, through="Implementation", related_name="tasks", verbose_name=_("implementing districts")
    )
    history = HistoricalRecords(excluded_fields=["text"])

    class Meta:
        ordering = ["plan", "number"]
        verbose_name = _("key task")
        verbose_name_plural = _("key tasks")
        constraints = [models.UniqueConstraint(fields=["plan", "number"], name="task_number_unique_in_plan")]
        # Granted per task to department groups by tasks_app.plan.permissions (never to single users).
        permissions = [
            ("view_task_records", _("See the task's milestones, updates and evidence")),
            ("add_own_milestone", _("Create milestones for one's own department")),
            ("manage_task_milestones", _("Create and edit milestones for any responsible department (lead)")),
            ("change_task_lead", _("Designate the task's lead department")),
        ]

    def __str__(self) -> str:
        return f"{self.number}. {self.title}"


class ResponsibilityRole(models.TextChoices):
    LEAD = "lead", _("lead (牵头)")
    CO = "co", _("co-responsible (配合)")


class TaskResponsibility(models.Model):
    """A department responsible for a key task, as lead (牵头) or co-responsible (配合).

    At most one lead per task is a database constraint; "at least one" is kept by the services,
    which only ever swap the lead inside one transaction, and checked by ``plan_problems``.
    """

    task = models.ForeignKey(
        KeyTask, verbose_name=_("key task"), on_delete=models.CASCADE, related_name="responsibilities"
    )
    department = models.ForeignKey(
        Department, verbose_name=_("department"), on_delete=models.PROTECT, related_name="responsibilities"
    )
    role = models.CharField(_("role"), max_length=8, choices=ResponsibilityRole.choices, default=ResponsibilityRole.CO)
    # Order in which the plan lists the department, so exports reproduce the plan's list.
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    history = HistoricalRecords()

    class Meta:
        ordering = ["task", "position"]
        verbose_name = _("task responsibility")
        verbose_name_plural = _("task responsibilities")
        constraints = [
            models.UniqueConstraint(fields=["task", "department"], name="responsibility_unique_department"),
            models.UniqueConstraint(fields=["task"], condition=Q(role="lead"), name="responsibility_one_lead_per_task"),
        ]

    def __str__(self) -> str:
        return f"{self.task.number} · {self.department} ({self.get_role_display()})"


class ImplementationStatus(models.TextChoices):
    PENDING = "pending", _("pending")
    CONFIRMED = "confirmed", _("confirmed")
    REJECTED = "rejected", _("rejected")


def evidence_path(instance, filename: str) -> str:
    # A random name: the original name is kept in the row, never trusted as a path.
    return f"evidence/{uuid.uuid4().hex}"


class Implementation(models.Model):
    """A district's implementation of a key task (落实): one per (task, district)."""

    task = models.ForeignKey(
        KeyTask, verbose_name=_("key task"), on_delete=models.CASCADE, related_name="implementations"
    )
    district = models.ForeignKey(
        District, verbose_name=_("district"), on_delete=models.PROTECT, related_name="implementations"
    )
    status = models.CharField(
        _("status"), max_length=16, choices=ImplementationStatus.choices, default=ImplementationStatus.PENDING
    )
    note = models.TextField(_("confirmation note"), blank=True)
    evidence = models.FileField(_("evidence file"), upload_to=evidence_path, blank=True, max_length=200)
    evidence_name = models.CharField(_("evidence file name"), max_length=200, blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("confirmed by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    rejection_reason = models.TextField(_("reason for rejection"), blank=True)
    version = models.PositiveIntegerField(_("version"), default=1)
    history = HistoricalRecords()

    class Meta:
        ordering = ["task", "district"]
        verbose_name = _("implementation")
        verbose_name_plural = _("implementations")
        constraints = [models.UniqueConstraint(fields=["task", "district"], name="implementation_unique_pair")]
        permissions = [
            ("confirm_implementation", _("Confirm implementation in one's district")),
            ("reject_implementation", _("Reject a district's confirmation")),
        ]

    def __str__(self) -> str:
        return f"{self.task.number} · {self.district}"


# The plan's units, for the English screen (the stored unit stays as the plan writes it).
