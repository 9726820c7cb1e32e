"""Reminders and notifications as data: each reminder once per (subject, kind, occurrence), the
in-app notifications it gives, and its deliveries over e-mail and webhooks."""

import datetime as dt
import uuid

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
    EVENT = "event", _("workflow event")


# A workflow event (reminders of kind ``event``): its code is the occurrence's prefix
# ("returned@v5"), its reason or note the message. One text per code, in the reader's language.
EVENT_TEXTS = {
    "assigned": _("[New milestone] Task %(number)s: “%(title)s” was created for %(department)s, due %(due)s."),
    "started": _("[Started] Task %(number)s: %(department)s started “%(title)s”."),
    "submitted": _("[申请办结] Task %(number)s: %(department)s asks to sign off “%(title)s”. Report: %(message)s"),
    "approved": _("[销号] Task %(number)s: “%(title)s” was signed off."),
    "returned": _("[退回] Task %(number)s: “%(title)s” was returned. Reason: %(message)s"),
    "extension_requested": _("[延期申请] Task %(number)s: %(department)s asks to move “%(title)s”. %(message)s"),
    "extension_granted": _("[延期批准] Task %(number)s: the extension of “%(title)s” was granted. %(message)s"),
    "extension_refused": _("[延期不予批准] Task %(number)s: the extension of “%(title)s” was refused. %(message)s"),
    "lead_changed": _("[牵头单位变更] Task %(number)s “%(task_title)s”: %(message)s"),
    "confirmation_rejected": _("[落实确认退回] Task %(number)s “%(task_title)s”: %(message)s"),
    "commented": _("[Comment] Task %(number)s “%(title)s”: %(message)s"),
    "notice_acknowledged": _("[签收] Task %(number)s: %(department)s signed for the 督办 notice on “%(title)s”."),
    "notice_replied": _(
        "[反馈] Task %(number)s: %(department)s replied to the 督办 notice on “%(title)s”: %(message)s"
    ),
    "notice_closed": _("[督办办结] Task %(number)s: the 督办 notice on “%(title)s” was closed. %(message)s"),
    "notice_overdue": _(
        "[督办逾期] Task %(number)s: the 督办 notice on “%(title)s” has not been answered by %(department)s in time."
    ),
}


ESCALATION_LABELS = {1: _("催办"), 2: _("督办"), 3: _("通报")}


def escalation_label(level: int | None) -> str:
    """The named level of the 督办 scheme — 催办, 督办, 通报 — with the round once 通报 repeats
    (every further interval overdue is another round of 通报): "通报（第2轮）". Empty for none."""
    if not level:
        return ""
    if level <= 3:
        return str(ESCALATION_LABELS[level])
    return _("%(label)s (round %(round)s)") % {"label": ESCALATION_LABELS[3], "round": level - 2}


class RemindersManager(models.Manager):
    """Reminders proper — due soon, overdue, 督办, monthly, notices. Workflow events share the table
    (and so the exactly-once key, the notifications and the delivery worker) but are not reminders:
    they are read through ``Reminder.events``."""

    def get_queryset(self):
        return super().get_queryset().exclude(kind=ReminderKind.EVENT)


class EventsManager(models.Manager):
    def get_queryset(self):
        return super().get_queryset().filter(kind=ReminderKind.EVENT)


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

    objects = RemindersManager()
    events = EventsManager()  # the workflow events told to those involved (reminders.events)
    all_kinds = models.Manager()  # noqa: DJ012 - three managers, the first is the default

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("reminder")
        verbose_name_plural = _("reminders")
        constraints = [
            models.UniqueConstraint(fields=["subject", "kind", "occurrence"], name="reminder_once_per_occurrence"),
        ]
        indexes = [
            models.Index(fields=["fanned_out"], name="reminder_fanout", condition=Q(fanned_out=False)),
            # "New for me": a person's unread workflow events are found from the (few) event
            # reminders, not by walking their (many) notifications of every kind.
            models.Index(fields=["id"], name="reminder_events", condition=Q(kind="event")),
            # A milestone's escalation level (the highest 督办 round), for the overdue board's rows and the
            # province's tally of every overdue milestone: read from the index alone.
            models.Index(
                fields=["milestone", "level"], name="reminder_escalation_level", condition=Q(kind="escalation")
            ),
        ]

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
        if self.kind == ReminderKind.EVENT:
            event = self.occurrence.partition("@")[0]
            department = self.department
            facts["department"] = (
                (department.name_en if english and department.name_en else department.name) if department else ""
            )
            facts["due"] = self.milestone.due_date if self.milestone_id else ""
            template = EVENT_TEXTS.get(event)
            return template % facts if template else self.message
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


class NoticeStatus(models.TextChoices):
    OPEN = "open", _("awaiting receipt")
    ACKNOWLEDGED = "acknowledged", _("signed for (已签收)")
    REPLIED = "replied", _("replied (已反馈)")
    CLOSED = "closed", _("closed")


class Notice(models.Model):
    """A 督办 notice as a conversation: the receiving department signs for it (签收) and replies
    (反馈) by ``reply_due``; the office closes it or issues a follow-up."""

    reminder = models.OneToOneField(
        Reminder, verbose_name=_("notice"), on_delete=models.CASCADE, primary_key=True, related_name="notice"
    )
    reply_due = models.DateField(_("reply due"))
    status = models.CharField(_("status"), max_length=14, choices=NoticeStatus.choices, default=NoticeStatus.OPEN)
    acknowledged_at = models.DateTimeField(_("signed for at"), null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("signed for by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    replied_at = models.DateTimeField(_("replied at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("closed by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    follow_up_of = models.ForeignKey(
        "self", verbose_name=_("follow-up of"), on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    version = models.PositiveIntegerField(_("version"), default=1)

    class Meta:
        ordering = ["-reminder"]
        verbose_name = _("督办 notice")
        verbose_name_plural = _("督办 notices")
        indexes = [models.Index(fields=["status", "reply_due"], name="notice_status_due")]

    def __str__(self) -> str:
        return str(self.reminder)

    def is_overdue(self, today) -> bool:
        return self.status in (NoticeStatus.OPEN, NoticeStatus.ACKNOWLEDGED) and self.reply_due < today


def notice_attachment_path(instance, filename: str) -> str:
    return f"attachments/{uuid.uuid4().hex}"


class NoticeReply(models.Model):
    """A reply (反馈) to a 督办 notice: text and an optional attachment."""

    notice = models.ForeignKey(Notice, verbose_name=_("notice"), on_delete=models.CASCADE, related_name="replies")
    text = models.TextField(_("reply"))
    attachment = models.FileField(_("attachment"), upload_to=notice_attachment_path, blank=True, max_length=200)
    attachment_name = models.CharField(_("attachment file name"), max_length=200, blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("author"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("replied at"), auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("notice reply")
        verbose_name_plural = _("notice replies")

    def __str__(self) -> str:
        return self.text[:40]


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
