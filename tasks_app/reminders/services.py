from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

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
from tasks_app.reminders.models import Notification, Reminder, ReminderKind
from tasks_app.reminders.scan import reminders_create, reminders_due_count
from tasks_app.workflow.models import Milestone
from tasks_app.workflow.permissions import can_approve


@dataclass
class ScanResult:
    as_of: dt.date
    created: int = 0
    created_by_kind: dict[str, int] = field(default_factory=dict)
    examples: list[str] = field(default_factory=list)
    notifications: int = 0
    sent: int = 0
    failed: int = 0

    def lines(self) -> list[str]:
        rows = list(self.examples)
        rows += [
            f"{ReminderKind(kind).label}: {count}" for kind, count in sorted(self.created_by_kind.items()) if count
        ]
        rows.append(
            f"{self.as_of}: {self.created} new reminders, {self.notifications} notifications, "
            f"{self.sent} deliveries sent, {self.failed} failed"
        )
        return rows


def reminders_scan(*, as_of: dt.date | None = None, dry_run: bool = False) -> ScanResult:
    """Find, fan out and deliver everything due on ``as_of`` (default: today in Asia/Shanghai)."""
    as_of = as_of or timezone.localdate()
    result = ScanResult(as_of=as_of)
    if dry_run:
        result.created_by_kind, result.examples = reminders_due_count(as_of)
        result.created = sum(result.created_by_kind.values())
        return result
    result.created_by_kind, result.notifications = reminders_create(as_of)
    result.created = sum(result.created_by_kind.values())
    # Whatever was written without its notifications (a database without RETURNING, an older version).
    _late_reminders, late_notifications = fan_out.reminders_fan_out()
    result.notifications += late_notifications
    result.sent, result.failed = deliver_pending()
    return result


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


def enqueue_delivery() -> None:
    """Ask a worker to send open deliveries now. If the broker (Redis) is down the write that
    asked has still succeeded; the failure is logged and the next scheduled scan delivers."""
    enqueue("tasks_app.tasks.deliver_reminders")


@receiver(export_finished, dispatch_uid="reminders-export-finished")
def _notify_export_owner(sender, *, job, **kwargs) -> None:
    """An export is ready (or failed): its owner finds it in the in-app list."""
    Notification.objects.create(recipient=job.requested_by, export_job=job)
