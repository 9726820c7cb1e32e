"""Reminders and notifications as data: each reminder once per (subject, kind, occurrence), the
in-app notifications it gives, and its deliveries over e-mail and webhooks."""

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from departments.models import Department
from tasks_app.exports.models import ExportJob, ExportStatus
from tasks_app.plan.models import KeyTask
from tasks_app.workflow.models import Milestone


class ReminderKind(models.TextChoices):
    DUE_SOON = "due_soon", _("due soon")
    OVERDUE = "overdue", _("overdue")
    ESCALATION = "escalation", _("escalation (督办)")
    MONTHLY_REPORT = "monthly_report", _("monthly progress report due")
    MANUAL = "manual", _("supervision notice (督办通知)")


ESCALATION_LABELS = {1: _("催办"), 2: _("督办"), 3: _("通报")}


def escalation_label(level: int | None) -> str:
    """The named level of the 督办 scheme — 催办, 督办, 通报 — with the round once 通报 repeats
    (every further interval overdue is another round of 通报): "通报（第2轮）". Empty for none."""
    if not level:
        return ""
    if level <= 3:
        return str(ESCALATION_LABELS[level])
    return _("%(label)s (round %(round)s)") % {"label": ESCALATION_LABELS[3], "round": level - 2}


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
        return escalation_label(self.level)

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
    WECOM = "wecom", _("WeCom")
    DINGTALK = "dingtalk", _("DingTalk")


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", _("pending")
    SENDING = "sending", _("sending")
    SENT = "sent", _("sent")
    FAILED = "failed", _("failed")
    # The worker was lost while this message was being handed over: it may or may not have gone out.
    # It is not sent again (at most once); the supervision office sees it on the reminder.
    UNCERTAIN = "uncertain", _("perhaps sent (worker lost)")


class Delivery(models.Model):
    """A message over one channel to one target (an address, a department's webhook, a person's
    企业微信 / 钉钉 account): one reminder, or a person's daily digest (``digest_day`` set, ``body``
    frozen when the digest was made, no reminder)."""

    reminder = models.ForeignKey(  # indexed by the unique constraint, which starts with it
        Reminder,
        verbose_name=_("reminder"),
        on_delete=models.CASCADE,
        related_name="deliveries",
        db_index=False,
        null=True,
        blank=True,
    )
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recipient"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
    )
    digest_day = models.DateField(_("digest of"), null=True, blank=True)
    body = models.TextField(_("text"), blank=True)
    window_end = models.DateTimeField(_("covers notifications until"), null=True, blank=True)
    channel = models.CharField(_("channel"), max_length=10, choices=DeliveryChannel.choices)
    target = models.CharField(_("target"), max_length=500)
    status = models.CharField(
        _("status"), max_length=10, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    claimed_at = models.DateTimeField(_("claimed at"), null=True, blank=True)
    # The batch that holds the claim, and when it started handing this message over: the fence that
    # keeps two workers from sending one message (tasks_app.reminders.delivery).
    claim_token = models.CharField(_("claim"), max_length=32, blank=True)
    started_at = models.DateTimeField(_("handed over at"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    class Meta:
        ordering = ["reminder", "channel", "target"]
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")
        constraints = [
            models.UniqueConstraint(fields=["reminder", "channel", "target"], name="delivery_once_per_target"),
            models.UniqueConstraint(
                fields=["recipient", "channel", "digest_day"],
                name="digest_once_per_person_day",
                condition=Q(digest_day__isnull=False),
            ),
        ]
        indexes = [models.Index(fields=["status"], name="delivery_open", condition=~Q(status="sent"))]

    def __str__(self) -> str:
        return f"{self.get_channel_display()} → {self.target}: {self.get_status_display()}"


class ScanRun(models.Model):
    """One day's reminder scan: started, finished. A scan whose worker was killed is left unfinished,
    and the catch-up beat (``tasks_app.tasks.catch_up_reminders``) runs it again."""

    as_of = models.DateField(_("scan date"), unique=True)
    started_at = models.DateTimeField(_("started at"))
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    errors = models.TextField(_("errors"), blank=True)

    class Meta:
        ordering = ["-as_of"]
        verbose_name = _("reminder scan")
        verbose_name_plural = _("reminder scans")

    def __str__(self) -> str:
        return f"{self.as_of}: {'done' if self.finished_at else 'unfinished'}"
