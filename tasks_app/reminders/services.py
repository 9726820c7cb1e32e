from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.dispatch import receiver
from django.utils import timezone
from django.utils.translation import gettext as _

from tasks_app.core.attachments import checked_upload
from tasks_app.core.dispatch import enqueue
from tasks_app.core.errors import InvalidState, NotAllowed, require
from tasks_app.exports.services import export_finished
from tasks_app.plan.services import plan_writable_check
from tasks_app.reminders import events as reminder_events  # connects the workflow-event receiver
from tasks_app.reminders import fan_out
from tasks_app.reminders.delivery import deliver_pending
from tasks_app.reminders.models import (
    Delivery,
    DeliveryChannel,
    Notice,
    NoticeReply,
    NoticeStatus,
    Notification,
    Reminder,
    ReminderKind,
    ScanRun,
)
from tasks_app.reminders.scan import reminders_create, reminders_due_count, working_days_mode
from tasks_app.workflow.models import Milestone
from tasks_app.workflow.permissions import can_approve, can_work_on
from workdays import calendar as workcal

logger = logging.getLogger(__name__)



@dataclass
class ScanResult:
    as_of: dt.date
    created: int = 0
    created_by_kind: dict[str, int] = field(default_factory=dict)
    examples: list[str] = field(default_factory=list)
    notifications: int = 0
    sent: int = 0
    failed: int = 0
    errors: list[str] = field(default_factory=list)
    skipped: str = ""  # why nothing was done (a non-working day)
    calendar_missing: list[int] = field(default_factory=list)
    digests: int = 0

    def lines(self) -> list[str]:
        rows = list(self.examples)
        rows += [
            f"{ReminderKind(kind).label}: {count}" for kind, count in sorted(self.created_by_kind.items()) if count
        ]
        rows += [f"error: {error}" for error in self.errors]
        rows += [f"the working-day calendar of {year} has not been entered" for year in self.calendar_missing]
        if self.skipped:
            rows.append(f"{self.as_of}: {self.skipped}")
        rows.append(
            f"{self.as_of}: {self.created} new reminders, {self.notifications} notifications, "
            f"{self.digests} daily digests, {self.sent} deliveries sent, {self.failed} failed"
        )
        return rows


def reminders_scan(*, as_of: dt.date | None = None, dry_run: bool = False) -> ScanResult:
    """Find, fan out and deliver everything due on ``as_of`` (default: today in Asia/Shanghai)."""
    as_of = as_of or timezone.localdate()
    result = ScanResult(as_of=as_of)
    if working_days_mode():
        result.calendar_missing = calendar_missing(as_of)
        if result.calendar_missing:
            logger.warning("the working-day calendar of %s has not been entered", result.calendar_missing)
        if not workcal.is_working_day(as_of):
            # Nothing is sent on a day off; what falls due is sent on the next working day, whose
            # scan finds it (windows and overdue counts are in working days).
            result.skipped = f"not a working day: nothing sent (next working day {workcal.next_working_day(as_of)})"
            return result
    if dry_run:
        result.created_by_kind, result.examples = reminders_due_count(as_of)
        result.created = sum(result.created_by_kind.values())
        return result
    before = Reminder.all_kinds.order_by("-id").values_list("id", flat=True).first() or 0
    # Race-free whoever runs first (a duplicated beat, the catch-up), and no INSERT … RETURNING needed.
    ScanRun.objects.bulk_create([ScanRun(as_of=as_of, started_at=timezone.now())], ignore_conflicts=True)
    result.created_by_kind, result.notifications = reminders_create(as_of, result.errors)
    result.created = sum(result.created_by_kind.values())
    # Whatever was written without its notifications (a database without RETURNING, an older version).
    try:
        _late_reminders, late_notifications = fan_out.reminders_fan_out()
        result.notifications += late_notifications
    except Exception as error:  # logged; the next scan fans them out
        logger.exception("reminder scan %s: the late fan-out failed", as_of)
        result.errors.append(f"fan-out: {type(error).__name__}: {str(error)[:300]}")
    # Escalations to the lead's and owner's group robots, and notices unanswered past their reply
    # date: each step on its own, so one failure leaves the rest of the scan done.
    try:
        escalation_webhooks_add(after_id=before)
    except Exception as error:  # logged; the next scan's escalations go out as usual
        logger.exception("reminder scan %s: the escalation webhooks failed", as_of)
        result.errors.append(f"escalation webhooks: {type(error).__name__}: {str(error)[:300]}")
    try:
        result.created += notices_overdue_escalate(as_of)
    except Exception as error:  # logged; the next scan tells them (the key is the reply date)
        logger.exception("reminder scan %s: overdue notices failed", as_of)
        result.errors.append(f"overdue notices: {type(error).__name__}: {str(error)[:300]}")
    try:
        result.digests = fan_out.digests_create(as_of, calendar_missing=result.calendar_missing)
    except Exception as error:  # logged; the catch-up beat or the next scan makes them
        logger.exception("reminder scan %s: the daily digests failed", as_of)
        result.errors.append(f"digests: {type(error).__name__}: {str(error)[:300]}")
    ScanRun.objects.filter(as_of=as_of).update(finished_at=timezone.now(), errors="\n".join(result.errors))
    result.sent, result.failed = deliver_pending()
    return result


def escalation_webhooks_add(*, after_id: int) -> int:
    """Escalations (督办) written by this scan reach the lead and owner departments' group webhooks,
    once each (the delivery's unique constraint), through the ordinary delivery worker."""
    from tasks_app.plan.models import ResponsibilityRole, TaskResponsibility

    rows = list(
        Reminder.objects.filter(pk__gt=after_id, kind=ReminderKind.ESCALATION).values_list(
            "pk", "task_id", "department__webhook_url"
        )
    )
    if not rows:
        return 0
    leads = dict(
        TaskResponsibility.objects.filter(task_id__in={row[1] for row in rows}, role=ResponsibilityRole.LEAD)
        .exclude(department__webhook_url="")
        .values_list("task_id", "department__webhook_url")
    )
    deliveries = []
    for pk, task_id, owner_hook in rows:
        for target in {leads.get(task_id) or "", owner_hook or ""} - {""}:
            deliveries.append(Delivery(reminder_id=pk, channel=DeliveryChannel.WEBHOOK, target=target))
    Delivery.objects.bulk_create(deliveries, ignore_conflicts=True)
    return len(deliveries)


def notices_overdue_escalate(as_of) -> int:
    """A 督办 notice not signed for or not answered by its reply date escalates: the owner, the lead
    department and the office hear of it once per reply date."""
    told = 0
    overdue = Notice.objects.filter(
        status__in=[NoticeStatus.OPEN, NoticeStatus.ACKNOWLEDGED], reply_due__lt=as_of
    ).select_related("reminder__task", "reminder__milestone__owner", "reminder__department")
    for notice in overdue.iterator(chunk_size=500):
        reminder = notice.reminder
        with transaction.atomic():
            if reminder_events.event_record(
                "notice_overdue",
                subject=f"notice:{notice.pk}",
                key=f"{notice.reply_due:%Y%m%d}",
                task=reminder.task,
                by=None,
                milestone=reminder.milestone,
                department=reminder.department,
            ):
                told += 1
    return told


def notice_reply_due_default(today=None) -> dt.date:
    from django.conf import settings

    return (today or timezone.localdate()) + dt.timedelta(days=settings.CBEC_NOTICE_REPLY_DAYS)


def calendar_missing(as_of: dt.date) -> list[int]:
    """The years near ``as_of`` whose working-day calendar nobody has entered: this year, and next
    year from November on (the State Council announces it in the autumn)."""
    years = [as_of.year] + ([as_of.year + 1] if as_of.month >= 11 else [])
    return workcal.missing_years(years)


def reminders_catch_up(now: dt.datetime | None = None) -> dt.date | None:
    """Run today's scan if its hour has passed and it has not finished (a killed worker, a message
    lost in the broker). Returns the day scanned, or None."""
    now = timezone.localtime(now)
    today = now.date()
    if now.hour < settings.CBEC_REMINDER_HOUR:
        return None
    if working_days_mode() and not workcal.is_working_day(today):
        return None
    if ScanRun.objects.filter(as_of=today, finished_at__isnull=False).exists():
        return None
    logger.warning("reminder scan %s had not finished: running it again", today)
    reminders_scan(as_of=today)
    return today


@transaction.atomic
def supervision_notice_issue(
    *, milestone: Milestone, by, message: str, reply_due: dt.date | None = None, follow_up_of: Notice | None = None
) -> Reminder:
    """A manual 督办 notice from the supervision office to the owner and lead departments, to be
    signed for and answered by ``reply_due`` (default: CBEC_NOTICE_REPLY_DAYS from today)."""
    if not can_approve(by):
        raise NotAllowed(_("Only the supervision office may issue a 督办 notice."))
    plan_writable_check(milestone.task.plan_id)
    if not message.strip():
        raise ValidationError({"message": _("Write the notice.")})
    if reply_due is not None and reply_due < timezone.localdate():
        raise ValidationError({"reply_due": _("The reply date cannot be in the past.")})
    reminder = Reminder.objects.create(
        kind=ReminderKind.MANUAL,
        subject=f"milestone:{milestone.pk}",
        occurrence=f"manual@{timezone.now():%Y%m%d%H%M%S%f}",
        milestone=milestone,
        task=milestone.task,
        department=milestone.owner,
        as_of=timezone.localdate(),
        message=message.strip(),
        issued_by=by,
    )
    Notice.objects.create(
        reminder=reminder, reply_due=reply_due or notice_reply_due_default(), follow_up_of=follow_up_of
    )
    with connection.cursor() as cursor:
        fan_out.fan_out_batch(cursor, [reminder.pk], timezone.now())
    transaction.on_commit(enqueue_delivery)
    return reminder


BULK_NOTICES_MOST = 200


def supervision_notices_issue(*, milestones, by, message: str) -> list[Reminder]:
    """The same 督办 notice to each of several milestones at once (from the overdue board): all or none."""
    if not can_approve(by):
        raise NotAllowed(_("Only the supervision office may issue a 督办 notice."))
    milestones = list(milestones)
    if not milestones:
        raise ValidationError({"pk": _("Tick the milestones to send the notice to.")})
    if len(milestones) > BULK_NOTICES_MOST:
        raise ValidationError(
            {"pk": _("At most %(n)d milestones at once.") % {"n": BULK_NOTICES_MOST}}
        )
    with transaction.atomic():
        return [supervision_notice_issue(milestone=m, by=by, message=message) for m in milestones]


def _locked_notice(notice: Notice) -> Notice:
    return (
        Notice.objects.select_for_update(of=("self",))
        .select_related("reminder__milestone__owner", "reminder__milestone__task", "reminder__task")
        .get(pk=notice.pk)
    )


def can_answer_notice(user, notice: Notice) -> bool:
    """The receiving (owner) department signs for and answers a notice."""
    milestone = notice.reminder.milestone
    return milestone is not None and can_work_on(user, milestone)


def _notice_event(event: str, notice: Notice, by, note: str = "") -> None:
    reminder = notice.reminder
    reminder_events.event_record(
        event,
        subject=f"notice:{notice.pk}",
        key=f"v{notice.version}",
        task=reminder.task,
        by=by,
        milestone=reminder.milestone,
        department=reminder.department,
        note=note,
    )


@transaction.atomic
def notice_acknowledge(*, notice: Notice, by) -> Notice:
    """签收: the receiving department signs for the notice (once)."""
    notice = _locked_notice(notice)
    require(can_answer_notice(by, notice), _("Only the receiving department may sign for this notice."))
    plan_writable_check(notice.reminder.task.plan_id if notice.reminder.task_id else None)
    if notice.status != NoticeStatus.OPEN:
        raise InvalidState(_("This notice is already %(status)s.") % {"status": notice.get_status_display()})
    notice.status = NoticeStatus.ACKNOWLEDGED
    notice.acknowledged_at = timezone.now()
    notice.acknowledged_by = by
    notice.version += 1
    notice.save()
    _notice_event("notice_acknowledged", notice, by)
    return notice


@transaction.atomic
def notice_reply(*, notice: Notice, by, text: str, attachment=None) -> NoticeReply:
    """反馈: the receiving department answers (signing for it, if it had not yet)."""
    notice = _locked_notice(notice)
    require(can_answer_notice(by, notice), _("Only the receiving department may reply to this notice."))
    plan_writable_check(notice.reminder.task.plan_id if notice.reminder.task_id else None)
    if notice.status == NoticeStatus.CLOSED:
        raise InvalidState(_("This notice is closed."))
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": _("Write the reply.")})
    reply = NoticeReply(notice=notice, text=text, author=by)
    if attachment is not None:
        reply.attachment, reply.attachment_name = checked_upload(attachment, field="attachment")
    reply.save()
    now = timezone.now()
    if notice.acknowledged_at is None:
        notice.acknowledged_at, notice.acknowledged_by = now, by
    notice.status = NoticeStatus.REPLIED
    notice.replied_at = now
    notice.version += 1
    notice.save()
    _notice_event("notice_replied", notice, by, text[:500])
    return reply


@transaction.atomic
def notice_close(*, notice: Notice, by, note: str = "", follow_up: str = "", reply_due=None) -> Notice:
    """The office closes the notice; with ``follow_up`` text it issues a follow-up notice at once."""
    require(can_approve(by), _("Only the supervision office may close a 督办 notice."))
    plan_writable_check(notice.reminder.task.plan_id if notice.reminder.task_id else None)
    notice = _locked_notice(notice)
    if notice.status == NoticeStatus.CLOSED:
        raise InvalidState(_("This notice is already closed."))
    notice.status = NoticeStatus.CLOSED
    notice.closed_at = timezone.now()
    notice.closed_by = by
    notice.version += 1
    notice.save()
    _notice_event("notice_closed", notice, by, (note or "").strip())
    if (follow_up or "").strip() and notice.reminder.milestone_id:
        supervision_notice_issue(
            milestone=notice.reminder.milestone, by=by, message=follow_up, reply_due=reply_due, follow_up_of=notice
        )
    return notice


def enqueue_delivery() -> None:
    """Ask a worker to send open deliveries now. If the broker (Redis) is down the write that
    asked has still succeeded; the failure is logged and the next scheduled scan delivers."""
    enqueue("tasks_app.tasks.deliver_reminders")


@receiver(export_finished, dispatch_uid="reminders-export-finished")
def _notify_export_owner(sender, *, job, **kwargs) -> None:
    """An export is ready (or failed): its owner finds it in the in-app list."""
    Notification.objects.create(recipient=job.requested_by, export_job=job)
