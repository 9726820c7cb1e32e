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

from tasks_app.core.dispatch import enqueue
from tasks_app.core.errors import NotAllowed
from tasks_app.exports.services import export_finished
from tasks_app.reminders import fan_out
from tasks_app.reminders.delivery import deliver_pending
from tasks_app.reminders.models import Notification, Reminder, ReminderKind, ScanRun
from tasks_app.reminders.scan import reminders_create, reminders_due_count, working_days_mode
from tasks_app.workflow.models import Milestone
from tasks_app.workflow.permissions import can_approve
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
    try:
        result.digests = fan_out.digests_create(as_of, calendar_missing=result.calendar_missing)
    except Exception as error:  # logged; the catch-up beat or the next scan makes them
        logger.exception("reminder scan %s: the daily digests failed", as_of)
        result.errors.append(f"digests: {type(error).__name__}: {str(error)[:300]}")
    ScanRun.objects.filter(as_of=as_of).update(finished_at=timezone.now(), errors="\n".join(result.errors))
    result.sent, result.failed = deliver_pending()
    return result


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
def supervision_notice_issue(*, milestone: Milestone, by, message: str) -> Reminder:
    """A manual 督办 notice from the supervision office to the owner and lead departments."""
    if not can_approve(by):
        raise NotAllowed(_("Only the supervision office may issue a 督办 notice."))
    if not message.strip():
        raise ValidationError({"message": _("Write the notice.")})
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
    with connection.cursor() as cursor:
        fan_out.fan_out_batch(cursor, [reminder.pk], timezone.now())
    transaction.on_commit(enqueue_delivery)
    return reminder


def enqueue_delivery() -> None:
    """Ask a worker to send open deliveries now. If the broker (Redis) is down the write that
    asked has still succeeded; the failure is logged and the next scheduled scan delivers."""
    enqueue("tasks_app.tasks.deliver_reminders")


@receiver(export_finished, dispatch_uid="reminders-export-finished")
def _notify_export_owner(sender, *, job, **kwargs) -> None:
    """An export is ready (or failed): its owner finds it in the in-app list."""
    Notification.objects.create(recipient=job.requested_by, export_job=job)
