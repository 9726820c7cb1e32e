"""Reminders and 督办 escalation: which are due on a date, to whom, and their delivery — each once.

A scan (``reminders_scan``) has three steps, each safe to repeat or to run twice at the same time:

1. *Find*: database queries list what is due on ``as_of`` — due soon (7 and 1 days before), overdue
   (the day after), escalation (every 7 days overdue, level 催办 → 督办 → 通报), the monthly report
   (from the 25th, each responsible department without an update that month on a task).
   Each becomes a ``Reminder`` row keyed (subject, kind, occurrence); ``bulk_create(
   ignore_conflicts=True)`` lets the unique constraint drop what exists already.
2. *Fan out*: reminders not yet fanned out are locked (``SKIP LOCKED``: a concurrent scan takes the
   others) and get their in-app notifications and delivery rows — unique per recipient / target —
   in the same transaction as the flag that says it is done.
3. *Deliver*: open deliveries are claimed (``sending`` + time, committed), sent, and marked sent or
   failed with the error; a failed one is retried on later scans up to a bounded number of
   attempts; a claim left by a killed worker is taken again after a while.

A scan that missed days (the worker or Redis was down) catches up: windows, not exact days.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import urllib.request
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from departments.roles import SUPERVISION_GROUP

from . import permissions
from .models import (
    ESCALATION_LABELS,
    Delivery,
    DeliveryChannel,
    DeliveryStatus,
    Milestone,
    MilestoneStatus,
    Notification,
    ProgressUpdate,
    Reminder,
    ReminderKind,
    ResponsibilityRole,
    TaskResponsibility,
)
from .services import NotAllowed

logger = logging.getLogger(__name__)
OPEN = [MilestoneStatus.PLANNED, MilestoneStatus.IN_PROGRESS, MilestoneStatus.SUBMITTED]
NOT_YET_SUBMITTED = [MilestoneStatus.PLANNED, MilestoneStatus.IN_PROGRESS]


@dataclass
class ScanResult:
    as_of: dt.date
    created: list[Reminder] = field(default_factory=list)
    notifications: int = 0
    sent: int = 0
    failed: int = 0

    def lines(self) -> list[str]:
        rows = [f"{r.get_kind_display()} · {r.subject} · {r.occurrence}: {r.message}" for r in self.created]
        rows.append(
            f"{self.as_of}: {len(self.created)} new reminders, {self.notifications} notifications, "
            f"{self.sent} deliveries sent, {self.failed} failed"
        )
        return rows


def _due_soon_days() -> list[int]:
    return sorted(settings.CBEC_REMINDER_DUE_SOON_DAYS, reverse=True)


# --- 1. find ------------------------------------------------------------------------------------


def _milestone_reminder(milestone: Milestone, kind: str, occurrence: str, as_of, message: str, level=0) -> Reminder:
    return Reminder(
        kind=kind,
        subject=f"milestone:{milestone.pk}",
        occurrence=occurrence,
        milestone=milestone,
        task_id=milestone.task_id,
        department_id=milestone.owner_id,
        level=level,
        as_of=as_of,
        message=message,
    )


def due_reminders(as_of: dt.date) -> list[Reminder]:
    """Every reminder due on ``as_of`` (existing ones included: the database drops the copies)."""
    found: list[Reminder] = []
    offsets = _due_soon_days()
    horizon = as_of + dt.timedelta(days=max(offsets))
    soon = (
        Milestone.objects.filter(status__in=NOT_YET_SUBMITTED, due_date__gte=as_of, due_date__lte=horizon)
        .select_related("task")
        .only("id", "task_id", "owner_id", "due_date", "title", "task__number")
    )
    for milestone in soon.iterator(chunk_size=2000):
        days_left = (milestone.due_date - as_of).days
        # The tightest window that applies: a scan that missed the 7-day mark still warns, but once
        # the 1-day mark is reached only that one is sent.
        offset = min(o for o in offsets if days_left <= o)
        found.append(
            _milestone_reminder(
                milestone,
                ReminderKind.DUE_SOON,
                f"d{offset}@{milestone.due_date}",
                as_of,
                f"【临期提醒】任务{milestone.task.number}「{milestone.title}」将于{milestone.due_date}到期"
                f"(还有{days_left}天)。",
            )
        )

    overdue = (
        Milestone.objects.filter(status__in=OPEN, due_date__lt=as_of)
        .select_related("task")
        .only("id", "task_id", "owner_id", "due_date", "title", "task__number")
    )
    every = settings.CBEC_ESCALATION_EVERY_DAYS
    for milestone in overdue.iterator(chunk_size=2000):
        days = (as_of - milestone.due_date).days
        found.append(
            _milestone_reminder(
                milestone,
                ReminderKind.OVERDUE,
                f"overdue@{milestone.due_date}",
                as_of,
                f"【逾期提醒】任务{milestone.task.number}「{milestone.title}」已逾期{days}天(到期日{milestone.due_date})。",
            )
        )
        level = days // every
        if level >= 1:
            label = ESCALATION_LABELS[min(level, 3)]
            found.append(
                _milestone_reminder(
                    milestone,
                    ReminderKind.ESCALATION,
                    f"L{level}@{milestone.due_date}",
                    as_of,
                    f"【{label}】任务{milestone.task.number}「{milestone.title}」已逾期{days}天,请牵头部门督促落实。",
                    level=level,
                )
            )
    found += _monthly_reminders(as_of)
    return found


def _monthly_reminders(as_of: dt.date) -> list[Reminder]:
    if as_of.day < settings.CBEC_MONTHLY_REPORT_DAY:
        return []
    month_start = as_of.replace(day=1)
    tz = timezone.get_default_timezone()
    since = timezone.make_aware(dt.datetime.combine(month_start, dt.time.min), tz)
    updated_this_month = ProgressUpdate.objects.filter(
        milestone__task_id=OuterRef("task_id"), department_id=OuterRef("department_id"), created_at__gte=since
    )
    silent = (
        TaskResponsibility.objects.filter(task__plan__end_year__gte=as_of.year)
        .annotate(updated=Exists(updated_this_month))
        .filter(updated=False)
        .select_related("task", "department")
    )
    month = as_of.strftime("%Y-%m")
    return [
        Reminder(
            kind=ReminderKind.MONTHLY_REPORT,
            subject=f"task:{r.task_id}:department:{r.department_id}",
            occurrence=month,
            task_id=r.task_id,
            department_id=r.department_id,
            as_of=as_of,
            message=f"【月度报送提醒】{r.department.name}本月尚未报送任务{r.task.number}「{r.task.title}」的进展,"
            f"请于月底前报送。",
        )
        for r in silent
    ]


# --- 2. fan out ---------------------------------------------------------------------------------


def _recipients(reminder: Reminder, lead_groups: dict[int, int], supervision_ids: list[int], users_by_group):
    """Who hears of it: the owner department; overdue adds the office; escalation goes to the lead
    department and the office; a manual notice to owner, lead and office."""
    owner_group = reminder.department.group_id if reminder.department_id else None
    lead_group = lead_groups.get(reminder.task_id)
    ids: set[int] = set()
    if reminder.kind in (ReminderKind.DUE_SOON, ReminderKind.MONTHLY_REPORT):
        ids |= users_by_group.get(owner_group, set())
    elif reminder.kind == ReminderKind.OVERDUE:
        ids |= users_by_group.get(owner_group, set()) | set(supervision_ids)
    elif reminder.kind == ReminderKind.ESCALATION:
        ids |= users_by_group.get(lead_group, set()) | set(supervision_ids)
    elif reminder.kind == ReminderKind.MANUAL:
        ids |= users_by_group.get(owner_group, set()) | users_by_group.get(lead_group, set()) | set(supervision_ids)
    return ids


def fan_out(batch_size: int = 500) -> tuple[list[Reminder], int]:
    """Create notifications and delivery rows for reminders that have none yet. Returns the
    reminders handled and the number of notifications created."""
    handled: list[Reminder] = []
    notification_count = 0
    user_model = get_user_model()
    while True:
        with transaction.atomic():
            batch = list(
                Reminder.objects.select_for_update(skip_locked=True, of=("self",))
                .filter(fanned_out=False)
                .select_related("department", "task")
                .order_by("id")[:batch_size]
            )
            if not batch:
                return handled, notification_count
            task_ids = {r.task_id for r in batch}
            lead_groups = dict(
                TaskResponsibility.objects.filter(task_id__in=task_ids, role=ResponsibilityRole.LEAD).values_list(
                    "task_id", "department__group_id"
                )
            )
            users = user_model.objects.filter(is_active=True).prefetch_related("groups")
            users_by_group: dict[int, set[int]] = {}
            emails: dict[int, str] = {}
            supervision_ids = []
            for user in users.filter(groups__isnull=False).distinct():
                emails[user.pk] = user.email
                for group in user.groups.all():
                    users_by_group.setdefault(group.pk, set()).add(user.pk)
                    if group.name == SUPERVISION_GROUP:
                        supervision_ids.append(user.pk)
            notifications, deliveries = [], []
            for reminder in batch:
                recipients = _recipients(reminder, lead_groups, supervision_ids, users_by_group)
                notifications += [Notification(reminder=reminder, recipient_id=uid) for uid in sorted(recipients)]
                deliveries += [
                    Delivery(reminder=reminder, channel=DeliveryChannel.EMAIL, target=emails[uid])
                    for uid in sorted(recipients)
                    if emails.get(uid)
                ]
                hook = reminder.department.webhook_url if reminder.department_id else ""
                if hook and reminder.kind != ReminderKind.ESCALATION:
                    deliveries.append(Delivery(reminder=reminder, channel=DeliveryChannel.WEBHOOK, target=hook))
            Notification.objects.bulk_create(notifications, ignore_conflicts=True)
            Delivery.objects.bulk_create(deliveries, ignore_conflicts=True)
            Reminder.objects.filter(pk__in=[r.pk for r in batch]).update(fanned_out=True)
            handled += batch
            notification_count += len(notifications)


# --- 3. deliver ---------------------------------------------------------------------------------


def _send(delivery: Delivery) -> None:
    reminder = delivery.reminder
    if delivery.channel == DeliveryChannel.EMAIL:
        subject = reminder.message.split("】")[0].lstrip("【") or "提醒"
        send_mail(f"[跨境电商行动计划] {subject}", reminder.message, None, [delivery.target], fail_silently=False)
    else:
        # 企业微信 / 钉钉 group robots both accept this shape. Only http(s): never file: or others.
        if not delivery.target.lower().startswith(("http://", "https://")):
            raise ValueError("a webhook must be an http(s) address")
        body = json.dumps({"msgtype": "text", "text": {"content": reminder.message}}, ensure_ascii=False)
        request = urllib.request.Request(  # noqa: S310 - scheme checked above
            delivery.target, data=body.encode("utf-8"), headers={"Content-Type": "application/json"}, method="POST"
        )
        with urllib.request.urlopen(request, timeout=settings.CBEC_WEBHOOK_TIMEOUT_SECONDS) as response:  # noqa: S310
            if response.status >= 300:
                raise OSError(f"webhook answered HTTP {response.status}")


def deliver_pending(limit: int = 1000) -> tuple[int, int]:
    """Send open deliveries; returns (sent, failed). Safe to run in several workers at once."""
    now = timezone.now()
    stale_claim = now - dt.timedelta(minutes=settings.CBEC_DELIVERY_CLAIM_MINUTES)
    with transaction.atomic():
        claimed = list(
            Delivery.objects.select_for_update(skip_locked=True, of=("self",))
            .filter(attempts__lt=settings.CBEC_DELIVERY_MAX_ATTEMPTS)
            .filter(
                Q(status__in=[DeliveryStatus.PENDING, DeliveryStatus.FAILED])
                | Q(status=DeliveryStatus.SENDING, claimed_at__lt=stale_claim)
            )
            .order_by("id")[:limit]
        )
        Delivery.objects.filter(pk__in=[d.pk for d in claimed]).update(status=DeliveryStatus.SENDING, claimed_at=now)
    sent = failed = 0
    for delivery in Delivery.objects.filter(pk__in=[d.pk for d in claimed]).select_related("reminder"):
        try:
            _send(delivery)
        except Exception as error:  # any failure of a channel is recorded, not raised
            failed += 1
            logger.warning("reminder delivery %s to %s failed: %s", delivery.pk, delivery.target, error)
            Delivery.objects.filter(pk=delivery.pk).update(
                status=DeliveryStatus.FAILED, attempts=delivery.attempts + 1, last_error=str(error)[:2000]
            )
        else:
            sent += 1
            Delivery.objects.filter(pk=delivery.pk).update(
                status=DeliveryStatus.SENT, attempts=delivery.attempts + 1, sent_at=timezone.now(), last_error=""
            )
    return sent, failed


# --- the scan -----------------------------------------------------------------------------------


def reminders_scan(*, as_of: dt.date | None = None, dry_run: bool = False) -> ScanResult:
    """Find, fan out and deliver everything due on ``as_of`` (default: today in Asia/Shanghai)."""
    as_of = as_of or timezone.localdate()
    result = ScanResult(as_of=as_of)
    candidates = due_reminders(as_of)
    if dry_run:
        existing = set(
            Reminder.objects.filter(subject__in={c.subject for c in candidates}).values_list(
                "subject", "kind", "occurrence"
            )
        )
        result.created = [c for c in candidates if (c.subject, c.kind, c.occurrence) not in existing]
        return result
    Reminder.objects.bulk_create(candidates, ignore_conflicts=True, batch_size=1000)
    handled, result.notifications = fan_out()
    result.created = handled
    result.sent, result.failed = deliver_pending()
    return result


@transaction.atomic
def supervision_notice_issue(*, milestone: Milestone, by, message: str) -> Reminder:
    """A manual 督办 notice from the supervision office to the owner and lead departments."""
    if not permissions.can_approve(by):
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
        message=f"【督办通知】任务{milestone.task.number}「{milestone.title}」:{message.strip()}",
        issued_by=by,
    )
    fan_out()
    transaction.on_commit(enqueue_delivery)
    return reminder


def enqueue_delivery() -> None:
    """Ask a worker to send open deliveries now. If the broker (Redis) is down the write that
    asked has still succeeded; the failure is logged and the next scheduled scan delivers."""
    from .tasks import deliver_reminders

    try:
        deliver_reminders.delay()
    except Exception as error:  # kombu raises OperationalError and friends when the broker is away
        logger.warning("could not enqueue reminder delivery (the next scan will deliver): %s", error)


def reminders_for_milestone(milestone: Milestone):
    return milestone.reminders.prefetch_related("deliveries").select_related("issued_by").order_by("-created_at")
