"""The plan as data: plan → sections → key tasks, who is responsible, who implements, and targets.

The plan's unit is called ``KeyTask`` (重点任务) so that "task" alone can mean a Celery task.
"""

import datetime as dt
import uuid

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from departments.models import Department, District


class Plan(models.Model):
    """One action plan document (e.g. the Suzhou CBEC pilot-zone plan 2024–2026)."""

    code = models.SlugField(_("code"), max_length=64, unique=True)
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
        # Granted per task to department groups by tasks_app.permissions (never to single users).
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
UNIT_LABELS = {
    "亿元": _("CNY 100 million"),
    "个": _("count"),
    "家": _("firms"),
    "家/年": _("firms a year"),
    "平方米": _("m²"),
}


class Indicator(models.Model):
    """A quantitative indicator of the plan (e.g. cbec_volume, 亿元)."""

    plan = models.ForeignKey(Plan, verbose_name=_("plan"), on_delete=models.CASCADE, related_name="indicators")
    code = models.SlugField(_("code"), max_length=64)
    name = models.CharField(_("name"), max_length=200)
    name_en = models.CharField(_("English name"), max_length=200)
    unit = models.CharField(_("unit"), max_length=32)
    description = models.TextField(_("description"), blank=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["plan", "position", "code"]
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")
        constraints = [models.UniqueConstraint(fields=["plan", "code"], name="indicator_code_unique_in_plan")]

    def __str__(self) -> str:
        return f"{self.label} ({self.unit_label})"

    @property
    def label(self) -> str:
        """The name in the reader's language."""
        from django.utils.translation import get_language

        return self.name_en if (get_language() or "").startswith("en") and self.name_en else self.name

    @property
    def unit_label(self) -> str:
        return str(UNIT_LABELS.get(self.unit, self.unit))


class TargetLevel(models.TextChoices):
    CITY = "city", _("city")
    DISTRICT = "district", _("district")


class TargetComparison(models.TextChoices):
    AT_LEAST = "gte", _("at least (≥)")
    MORE_THAN = "gt", _("more than (>)")
    BETWEEN = "between", _("between")


class IndicatorTarget(models.Model):
    """A target for one year.

    ``level`` city: the city total. ``level`` district with no district: every district's own
    target; with a district: that district's target (overriding the general one).
    ``growth_factor`` expresses "doubling every year" (2.0); it may stand beside an absolute value.
    """

    indicator = models.ForeignKey(
        Indicator, verbose_name=_("indicator"), on_delete=models.CASCADE, related_name="targets"
    )
    level = models.CharField(_("level"), max_length=8, choices=TargetLevel.choices)
    district = models.ForeignKey(
        District, verbose_name=_("district"), on_delete=models.PROTECT, null=True, blank=True, related_name="targets"
    )
    year = models.PositiveSmallIntegerField(_("year"))
    comparison = models.CharField(_("comparison"), max_length=8, choices=TargetComparison.choices, blank=True)
    value = models.DecimalField(_("target value"), max_digits=16, decimal_places=2, null=True, blank=True)
    value_max = models.DecimalField(_("upper bound"), max_digits=16, decimal_places=2, null=True, blank=True)
    growth_factor = models.DecimalField(_("growth factor"), max_digits=6, decimal_places=2, null=True, blank=True)
    source_text = models.CharField(_("as written in the plan"), max_length=300, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["indicator", "level", "district", "year"]
        verbose_name = _("indicator target")
        verbose_name_plural = _("indicator targets")
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "level", "year"], condition=Q(district__isnull=True), name="target_unique_general"
            ),
            models.UniqueConstraint(
                fields=["indicator", "district", "year"],
                condition=Q(district__isnull=False),
                name="target_unique_district",
            ),
            models.CheckConstraint(
                condition=Q(level="district") | Q(district__isnull=True), name="target_city_has_no_district"
            ),
            models.CheckConstraint(
                condition=Q(value__isnull=False) | Q(growth_factor__isnull=False), name="target_has_value_or_growth"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.indicator.code} {self.year} {self.district or self.get_level_display()}"

    @property
    def wording(self) -> str:
        """The target in words, e.g. "> 100 亿元", "1–2 个", "×2.00 on the previous year"."""
        parts = []
        unit = self.indicator.unit
        if self.value is not None:
            value = f"{self.value.normalize():f}"
            if self.comparison == TargetComparison.BETWEEN and self.value_max is not None:
                parts.append(f"{value}–{self.value_max.normalize():f} {unit}")
            else:
                symbol = {"gt": ">", "gte": "≥"}.get(self.comparison, "")
                parts.append(f"{symbol} {value} {unit}".strip())
        if self.growth_factor is not None:
            parts.append(_("×%(factor)s on the previous year") % {"factor": f"{self.growth_factor.normalize():f}"})
        return "; ".join(str(part) for part in parts)


class IndustrialBelt(models.Model):
    """A district's featured industrial belt (特色产业带) named in the plan, e.g. 常熟 纺织服装."""

    plan = models.ForeignKey(Plan, verbose_name=_("plan"), on_delete=models.CASCADE, related_name="belts")
    district = models.ForeignKey(District, verbose_name=_("district"), on_delete=models.PROTECT, related_name="belts")
    name = models.CharField(_("name"), max_length=100)
    name_en = models.CharField(_("English name"), max_length=200)

    class Meta:
        ordering = ["plan", "district"]
        verbose_name = _("industrial belt")
        verbose_name_plural = _("industrial belts")
        constraints = [models.UniqueConstraint(fields=["plan", "district", "name"], name="belt_unique_in_district")]

    def __str__(self) -> str:
        return f"{self.district} · {self.name}"


class IndicatorReport(models.Model):
    """A reported figure for an indicator and period ("2024" or "2025-Q3"); district null = city.

    The plan's baselines (CBEC volume 2023 = 124.7 亿元, 2024 = 232.3 亿元) are loaded as reports
    with their source noted and no reporting user.
    """

    indicator = models.ForeignKey(
        Indicator, verbose_name=_("indicator"), on_delete=models.CASCADE, related_name="reports"
    )
    district = models.ForeignKey(
        District, verbose_name=_("district"), on_delete=models.PROTECT, null=True, blank=True, related_name="reports"
    )
    period = models.CharField(_("period"), max_length=7)
    value = models.DecimalField(_("value"), max_digits=16, decimal_places=2)
    source = models.CharField(_("source"), max_length=300, blank=True)
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reported by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="indicator_reports",
    )
    reported_at = models.DateTimeField(_("reported at"), auto_now=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["indicator", "district", "period"]
        verbose_name = _("indicator report")
        verbose_name_plural = _("indicator reports")
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "period"], condition=Q(district__isnull=True), name="report_unique_city_period"
            ),
            models.UniqueConstraint(
                fields=["indicator", "district", "period"],
                condition=Q(district__isnull=False),
                name="report_unique_district_period",
            ),
            models.CheckConstraint(condition=Q(period__regex=r"^[0-9]{4}(-Q[1-4])?$"), name="report_period_format"),
        ]

    def __str__(self) -> str:
        return f"{self.indicator.code} {self.period} {self.district or _('city')}: {self.value}"


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
    due_date = models.DateField(_("due date"))
    # The due date first agreed; extensions (延期) move due_date only, so lateness is never erased.
    baseline_due_date = models.DateField(_("original due date"))
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
            models.Index(
                fields=["owner", "due_date", "task"], name="milestone_open_owner_due", condition=OPEN_MILESTONE
            ),
            models.Index(
                fields=["submitted_at", "id"], name="milestone_sign_off_queue", condition=Q(status="submitted")
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
        if self.status == MilestoneStatus.COMPLETED or today <= self.due_date:
            return 0
        return (today - self.due_date).days

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


class ReminderKind(models.TextChoices):
    DUE_SOON = "due_soon", _("due soon")
    OVERDUE = "overdue", _("overdue")
    ESCALATION = "escalation", _("escalation (督办)")
    MONTHLY_REPORT = "monthly_report", _("monthly progress report due")
    MANUAL = "manual", _("supervision notice (督办通知)")


ESCALATION_LABELS = {1: _("催办"), 2: _("督办"), 3: _("通报")}


class Reminder(models.Model):
    """One reminder: a (subject, kind, occurrence) that exists at most once — the database says so.

    ``subject`` names what it is about ("milestone:12", "task:5:department:3"); ``occurrence``
    which instance ("d7@2026-11-25", "L2@2026-11-25", "2026-11"). A scan that runs twice, two beats
    at once or a restarted worker insert the same key and the unique constraint drops the copy.
    """

    kind = models.CharField(_("kind"), max_length=20, choices=ReminderKind.choices)
    subject = models.CharField(_("subject"), max_length=64)
    occurrence = models.CharField(_("occurrence"), max_length=40)
    milestone = models.ForeignKey(
        Milestone,
        verbose_name=_("milestone"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="reminders",
    )
    # No index of their own on task, department, issued_by: nothing reads reminders by them, and a
    # national scan inserts half a million reminders a day — every index is paid on each insert.
    task = models.ForeignKey(
        KeyTask, verbose_name=_("key task"), on_delete=models.CASCADE, related_name="reminders", db_index=False
    )
    department = models.ForeignKey(
        Department,
        db_index=False,
        verbose_name=_("department"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="reminders",
    )
    level = models.PositiveSmallIntegerField(_("escalation level"), default=0)
    as_of = models.DateField(_("scan date"))
    message = models.TextField(_("message"))
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("issued by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    # Set once notifications and deliveries have been created for it (in the same transaction).
    fanned_out = models.BooleanField(_("recipients resolved"), default=False)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("reminder")
        verbose_name_plural = _("reminders")
        constraints = [
            models.UniqueConstraint(fields=["subject", "kind", "occurrence"], name="reminder_once_per_occurrence"),
        ]
        indexes = [models.Index(fields=["fanned_out"], name="reminder_fanout", condition=Q(fanned_out=False))]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.subject} · {self.occurrence}"

    @property
    def level_label(self) -> str:
        return str(ESCALATION_LABELS.get(min(self.level, 3), "")) if self.level else ""

    @property
    def due_date(self) -> dt.date | None:
        """The milestone due date the reminder was about ("overdue@2026-05-31" → 2026-05-31)."""
        _, _, day = self.occurrence.partition("@")
        try:
            return dt.date.fromisoformat(day)
        except ValueError:
            return None

    @property
    def text(self) -> str:
        """The reminder in the reader's language. Automatic reminders are written from their facts
        when shown (a scan inserts a million of them in SQL, and an English reader gets English);
        ``message`` holds only what a person wrote (a 督办 notice)."""
        from django.utils.translation import get_language

        english = (get_language() or "").startswith("en")
        task = self.task
        task_title = (task.title_en if english and task.title_en else task.title) if task else ""
        milestone_title = self.milestone.title if self.milestone_id else ""
        due = self.due_date
        facts = {"number": task.number if task else "", "title": milestone_title, "due": due, "task_title": task_title}
        if self.kind == ReminderKind.DUE_SOON:
            facts["days"] = (due - self.as_of).days if due else ""
            return _("[Due soon] Task %(number)s “%(title)s” is due on %(due)s (%(days)s days left).") % facts
        if self.kind == ReminderKind.OVERDUE:
            facts["days"] = (self.as_of - due).days if due else ""
            return _("[Overdue] Task %(number)s “%(title)s” is %(days)s days overdue (due %(due)s).") % facts
        if self.kind == ReminderKind.ESCALATION:
            facts["days"] = (self.as_of - due).days if due else ""
            facts["label"] = self.level_label
            return (
                _(
                    "[%(label)s] Task %(number)s “%(title)s” is %(days)s days overdue; the lead department is asked to "
                    "see it done."
                )
                % facts
            )
        if self.kind == ReminderKind.MONTHLY_REPORT:
            department = self.department
            facts["department"] = (
                (department.name_en if english and department.name_en else department.name) if department else ""
            )
            return (
                _(
                    "[Monthly report] %(department)s has not yet reported progress on task %(number)s “%(task_title)s” "
                    "this month; please report before the month ends."
                )
                % facts
            )
        facts["message"] = self.message
        return _("[督办 notice] Task %(number)s “%(title)s”: %(message)s") % facts


class ChangeCounter(models.Model):
    """How many times the data behind a computed page has changed (see tasks_app/changes.py): part
    of the key under which such a page's result is cached, so a change anywhere is seen at once by
    every process, and an unchanged result is not recomputed from a million rows on every request."""

    name = models.CharField(_("name"), max_length=40, primary_key=True)
    value = models.BigIntegerField(_("changes"), default=0)

    class Meta:
        verbose_name = _("change counter")
        verbose_name_plural = _("change counters")

    def __str__(self) -> str:
        return f"{self.name}: {self.value}"


class ExportStatus(models.TextChoices):
    QUEUED = "queued", _("queued")
    RUNNING = "running", _("running")
    DONE = "done", _("ready")
    FAILED = "failed", _("failed")


class ExportJob(models.Model):
    """A large export made by a worker in the background; its owner is notified when it is ready.
    ``params`` are the page's filters and sort, so the file holds what the page showed."""

    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("requested by"), on_delete=models.CASCADE, related_name="export_jobs"
    )
    board = models.CharField(_("table"), max_length=32)
    format = models.CharField(_("format"), max_length=8)
    params = models.JSONField(_("filters and sort"), default=dict, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=ExportStatus.choices, default=ExportStatus.QUEUED)
    rows_total = models.PositiveIntegerField(_("rows"), null=True, blank=True)
    rows_done = models.PositiveIntegerField(_("rows written"), default=0)
    file = models.FileField(_("file"), upload_to="exports/%Y/%m/", blank=True, max_length=200)
    filename = models.CharField(_("file name"), max_length=200, blank=True)
    error = models.TextField(_("error"), blank=True)
    created_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("export")
        verbose_name_plural = _("exports")

    def __str__(self) -> str:
        return f"{self.board}.{self.format} · {self.get_status_display()}"

    @property
    def percent(self) -> int:
        if self.status == ExportStatus.DONE:
            return 100
        return min(99, 100 * self.rows_done // self.rows_total) if self.rows_total else 0


class Notification(models.Model):
    """A reminder — or an export that is ready — in one person's in-app list."""

    # Indexes: the ones below and the unique constraint, which start with recipient and reminder —
    # not one more per foreign key: a national scan inserts a million notifications a day.
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recipient"),
        on_delete=models.CASCADE,
        related_name="notifications",
        db_index=False,
    )
    reminder = models.ForeignKey(
        Reminder,
        verbose_name=_("reminder"),
        on_delete=models.CASCADE,
        related_name="notifications",
        null=True,
        blank=True,
        db_index=False,
    )
    export_job = models.ForeignKey(
        ExportJob,
        verbose_name=_("export"),
        on_delete=models.CASCADE,
        related_name="notifications",
        null=True,
        blank=True,
        db_index=False,
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        constraints = [
            models.UniqueConstraint(fields=["reminder", "recipient"], name="notification_once_per_recipient")
        ]
        indexes = [
            models.Index(fields=["recipient", "read_at"], name="notification_unread"),
            # The inbox order (unread first, newest first) has an index of its own on PostgreSQL
            # (migration 0009: SQLite cannot index NULLS FIRST, and sorts NULLs first anyway).
            models.Index(F("recipient"), F("created_at").desc(), F("id").desc(), name="notification_newest"),
            models.Index(fields=["export_job"], name="notification_export", condition=Q(export_job__isnull=False)),
        ]

    def __str__(self) -> str:
        return f"{self.recipient} · {self.reminder or self.export_job}"

    @property
    def kind(self) -> str:
        return self.reminder.kind if self.reminder_id else "export"

    @property
    def text(self) -> str:
        if self.reminder_id:
            return self.reminder.text
        job = self.export_job
        if job.status == ExportStatus.DONE:
            return _("Your export %(name)s (%(rows)s rows) is ready.") % {"name": job.filename, "rows": job.rows_total}
        return _("Your export %(name)s failed: %(error)s") % {"name": job.filename, "error": job.error}


class DeliveryChannel(models.TextChoices):
    EMAIL = "email", _("e-mail")
    WEBHOOK = "webhook", _("webhook")


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", _("pending")
    SENDING = "sending", _("sending")
    SENT = "sent", _("sent")
    FAILED = "failed", _("failed")


class Delivery(models.Model):
    """A reminder sent over one channel to one target (an address, a department's webhook)."""

    reminder = models.ForeignKey(  # indexed by the unique constraint, which starts with it
        Reminder, verbose_name=_("reminder"), on_delete=models.CASCADE, related_name="deliveries", db_index=False
    )
    channel = models.CharField(_("channel"), max_length=10, choices=DeliveryChannel.choices)
    target = models.CharField(_("target"), max_length=500)
    status = models.CharField(
        _("status"), max_length=10, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    claimed_at = models.DateTimeField(_("claimed at"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    class Meta:
        ordering = ["reminder", "channel", "target"]
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")
        constraints = [
            models.UniqueConstraint(fields=["reminder", "channel", "target"], name="delivery_once_per_target"),
        ]
        indexes = [models.Index(fields=["status"], name="delivery_open", condition=~Q(status="sent"))]

    def __str__(self) -> str:
        return f"{self.get_channel_display()} → {self.target}: {self.get_status_display()}"


class RubricScope(models.TextChoices):
    DISTRICT = "district", _("districts")
    DEPARTMENT = "department", _("departments")


class ComponentKind(models.TextChoices):
    INDICATOR = "indicator", _("indicator attainment")
    MILESTONES_ON_TIME = "milestones_on_time", _("milestones completed on time")
    CONFIRMATIONS = "confirmations", _("implementation confirmations done")
    MONTHLY_UPDATES = "monthly_updates", _("monthly progress updates on time")
    OVERDUE_PENALTY = "overdue_penalty", _("penalty per overdue milestone")


class Rubric(models.Model):
    """How the assessment (考核) scores a district or a department; the supervision office edits it
    in the admin. One active rubric per scope."""

    name = models.CharField(_("name"), max_length=100)
    scope = models.CharField(_("scope"), max_length=10, choices=RubricScope.choices)
    is_active = models.BooleanField(_("active"), default=True)
    green_threshold = models.DecimalField(_("green from (points)"), max_digits=6, decimal_places=2, default=85)
    amber_threshold = models.DecimalField(_("amber from (points)"), max_digits=6, decimal_places=2, default=70)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("assessment rubric")
        verbose_name_plural = _("assessment rubrics")
        constraints = [
            models.UniqueConstraint(fields=["scope"], condition=Q(is_active=True), name="rubric_one_active_per_scope"),
        ]

    def __str__(self) -> str:
        return self.name


class RubricComponent(models.Model):
    """A scored component: its weight in points (for a penalty: points per overdue milestone, up
    to ``cap``)."""

    rubric = models.ForeignKey(Rubric, verbose_name=_("rubric"), on_delete=models.CASCADE, related_name="components")
    kind = models.CharField(_("kind"), max_length=20, choices=ComponentKind.choices)
    indicator_code = models.SlugField(_("indicator code"), max_length=64, blank=True)
    weight = models.DecimalField(_("points"), max_digits=6, decimal_places=2)
    cap = models.DecimalField(_("largest penalty"), max_digits=6, decimal_places=2, null=True, blank=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    history = HistoricalRecords()

    class Meta:
        ordering = ["rubric", "position", "id"]
        verbose_name = _("rubric component")
        verbose_name_plural = _("rubric components")
        constraints = [
            models.CheckConstraint(
                condition=~Q(kind="indicator") | ~Q(indicator_code=""), name="component_indicator_has_code"
            ),
            models.CheckConstraint(condition=Q(weight__gte=0), name="component_weight_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.indicator_code} ({self.weight})".strip()


class AssessmentPublication(models.Model):
    """A published assessment (通报): the results of a period frozen as they were published."""

    period = models.CharField(_("period"), max_length=7, unique=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("published by"), on_delete=models.PROTECT, related_name="+"
    )
    published_at = models.DateTimeField(_("published at"), auto_now_add=True)
    remarks = models.TextField(_("remarks"), blank=True)
    snapshot = models.JSONField(_("results as published"))

    class Meta:
        ordering = ["-period"]
        verbose_name = _("published assessment")
        verbose_name_plural = _("published assessments")
        permissions = [("publish_assessment", _("Publish an assessment (通报)"))]
        constraints = [
            models.CheckConstraint(
                condition=Q(period__regex=r"^[0-9]{4}(-Q[1-4])?$"), name="publication_period_format"
            ),
        ]

    def __str__(self) -> str:
        return self.period
