"""Reminders and 督办 escalation: which are due on a date, to whom, and their delivery — each once.

A scan (``reminders_scan``) has three steps, each safe to repeat or to run twice at the same time:

1. *Find*: database queries list what is due on ``as_of`` — due soon (7 and 1 days before), overdue
   (the day after), escalation (every 7 days overdue, level 催办 → 督办 → 通报), the monthly report
   (from the 25th, each responsible department without an update that month on a task).
   Each becomes a ``Reminder`` row keyed (subject, kind, occurrence), written by the database
   (``INSERT … SELECT``, one statement per kind and date window) so that a million milestones
   cost a few statements, not a million objects; the unique constraint drops what exists already.
2. *Fan out*: the new reminders get their in-app notifications and delivery rows — unique per
   recipient / target — from SQL joins, in batches. Steps 1 and 2 run together for each kind, in
   one transaction: a reminder is committed with its notifications or not at all, and never has to
   be written twice (locked, then flagged) to say it is done. Reminders written
   otherwise (a notice, an interrupted older version) carry ``fanned_out = false`` and are locked in
   batches (``SKIP LOCKED``: a concurrent scan takes the others) and fanned out after.
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
from django.db import connection, transaction
from django.db.models import (
    BooleanField,
    CharField,
    DateField,
    DateTimeField,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Q,
    Value,
)
from django.db.models.expressions import RawSQL
from django.db.models.functions import Cast, Concat
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from departments.models import Department
from departments.roles import SUPERVISION_GROUP

from . import permissions
from .models import (
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


def _due_soon_days() -> list[int]:
    return sorted(settings.CBEC_REMINDER_DUE_SOON_DAYS)


def _table(model) -> str:
    return connection.ops.quote_name(model._meta.db_table)


# --- 1. find ------------------------------------------------------------------------------------
#
# Everything a reminder says follows from its milestone's due date and the scan date, so the
# milestones due for one kind of reminder are a date range — one ``INSERT … SELECT`` each, written
# by the database; the unique constraint drops what exists already (``ON CONFLICT DO NOTHING``).


@dataclass
class Candidates:
    """One set of reminders due: the rows of ``source`` (milestones or responsibilities) turned into
    reminder columns by expressions."""

    kind: str
    source: object  # a queryset
    subject: object
    occurrence: object
    milestone: object
    task: object
    department: object
    level: object = 0  # a number or an expression


def _date_text(field_name: str):
    return Cast(field_name, output_field=CharField())


def _milestone_candidates(queryset, kind: str, occurrence_prefix: str, level: int = 0) -> Candidates:
    return Candidates(
        kind=kind,
        source=queryset,
        subject=Concat(Value("milestone:"), Cast("id", output_field=CharField())),
        occurrence=Concat(Value(occurrence_prefix), _date_text("due_date")),
        milestone=F("id"),
        task=F("task_id"),
        department=F("owner_id"),
        level=level,
    )


def _escalation_level(as_of: dt.date, every: int) -> RawSQL:
    """Whole periods of ``every`` days between the milestone's due date and ``as_of``."""
    column = f"{_table(Milestone)}.{connection.ops.quote_name('due_date')}"
    if connection.vendor == "postgresql":
        sql = f"((%s::date - {column}) / %s)"
    else:
        sql = f"CAST((julianday(%s) - julianday({column})) / %s AS INTEGER)"
    return RawSQL(sql, (as_of.isoformat(), every), output_field=IntegerField())  # noqa: S611 - names and parameters only


def due_candidates(as_of: dt.date) -> list[Candidates]:
    """Every set of reminders due on ``as_of`` (existing ones included: the database drops copies)."""
    found = []
    # Due soon: the tightest window that applies. A scan that missed the 7-day mark still warns,
    # but once the 1-day mark is reached only that one is sent.
    lower = 0
    for offset in _due_soon_days():
        found.append(
            _milestone_candidates(
                Milestone.objects.filter(
                    status__in=NOT_YET_SUBMITTED,
                    due_date__gte=as_of + dt.timedelta(days=lower),
                    due_date__lte=as_of + dt.timedelta(days=offset),
                ),
                ReminderKind.DUE_SOON,
                f"d{offset}@",
            )
        )
        lower = offset + 1
    overdue = Milestone.objects.filter(status__in=OPEN, due_date__lt=as_of)
    found.append(_milestone_candidates(overdue, ReminderKind.OVERDUE, "overdue@"))
    # Escalation level L (催办 → 督办 → 通报, then on every 7 days) for L×7 … L×7+6 days overdue:
    # the level is computed by the database, so every level is one statement — not one per level,
    # each with its own look-up of what exists (a plan three years long has 150 levels).
    every = settings.CBEC_ESCALATION_EVERY_DAYS
    escalated = overdue.filter(due_date__lte=as_of - dt.timedelta(days=every))
    level = _escalation_level(as_of, every)
    found.append(
        Candidates(
            kind=ReminderKind.ESCALATION,
            source=escalated,
            subject=Concat(Value("milestone:"), Cast("id", output_field=CharField())),
            occurrence=Concat(Value("L"), Cast(level, output_field=CharField()), Value("@"), _date_text("due_date")),
            milestone=F("id"),
            task=F("task_id"),
            department=F("owner_id"),
            level=level,
        )
    )
    found += _monthly_candidates(as_of)
    return found


def _monthly_candidates(as_of: dt.date) -> list[Candidates]:
    """From the report day on: each responsible department without an update on a task this month."""
    if as_of.day < settings.CBEC_MONTHLY_REPORT_DAY:
        return []
    tz = timezone.get_default_timezone()
    since = timezone.make_aware(dt.datetime.combine(as_of.replace(day=1), dt.time.min), tz)
    updated_this_month = ProgressUpdate.objects.filter(
        task_id=OuterRef("task_id"), department_id=OuterRef("department_id"), created_at__gte=since
    )
    silent = TaskResponsibility.objects.filter(task__plan__end_year__gte=as_of.year).filter(~Exists(updated_this_month))
    return [
        Candidates(
            kind=ReminderKind.MONTHLY_REPORT,
            source=silent,
            subject=Concat(
                Value("task:"),
                Cast("task_id", output_field=CharField()),
                Value(":department:"),
                Cast("department_id", output_field=CharField()),
            ),
            occurrence=Value(as_of.strftime("%Y-%m")),
            milestone=Value(None, output_field=IntegerField()),
            task=F("task_id"),
            department=F("department_id"),
        )
    ]


REMINDER_COLUMNS = [
    "kind",
    "subject",
    "occurrence",
    "milestone_id",
    "task_id",
    "department_id",
    "level",
    "as_of",
    "message",
    "fanned_out",
    "created_at",
]


def _select(candidates: Candidates, as_of: dt.date, now: dt.datetime, fanned_out: bool = False):
    """The candidates as a SELECT of the reminder table's columns, in ``REMINDER_COLUMNS`` order."""
    expressions = {
        "r_kind": Value(candidates.kind, output_field=CharField()),
        "r_subject": candidates.subject,
        "r_occurrence": candidates.occurrence,
        "r_milestone": candidates.milestone,
        "r_task": candidates.task,
        "r_department": candidates.department,
        "r_level": candidates.level
        if hasattr(candidates.level, "resolve_expression")
        else Value(candidates.level, output_field=IntegerField()),
        "r_as_of": Value(as_of, output_field=DateField()),
        "r_message": Value("", output_field=CharField()),
        "r_fanned_out": Value(fanned_out, output_field=BooleanField()),
        "r_created_at": Value(now, output_field=DateTimeField()),
    }
    return candidates.source.order_by().annotate(**expressions).values_list(*expressions)


def _new_only(select, kind: str):
    exists = Reminder.objects.filter(subject=OuterRef("r_subject"), kind=kind, occurrence=OuterRef("r_occurrence"))
    return select.filter(~Exists(exists))


def _insert_new(
    cursor, candidates: Candidates, as_of: dt.date, now: dt.datetime, fanned_out: bool
) -> tuple[int, list[int]]:
    """Insert the candidates not there yet; returns how many were new and, when ``fanned_out`` (the
    caller fans them out in this transaction), their ids."""
    columns = ", ".join(connection.ops.quote_name(c) for c in REMINDER_COLUMNS)
    # Only rows not there yet: a repeated scan then reads the unique index instead of trying (and
    # discarding) a million inserts; ON CONFLICT still settles a race with another scan.
    select = _new_only(_select(candidates, as_of, now, fanned_out), candidates.kind)
    sql, params = select.query.sql_with_params()
    returning = " RETURNING id" if fanned_out else ""
    cursor.execute(f"INSERT INTO {_table(Reminder)} ({columns}) {sql} ON CONFLICT DO NOTHING{returning}", params)
    if fanned_out:
        ids = [row[0] for row in cursor.fetchall()]
        return len(ids), ids
    return max(cursor.rowcount, 0), []


def reminders_create(as_of: dt.date) -> tuple[dict[str, int], int]:
    """Insert every reminder due on ``as_of`` with its notifications and deliveries, one transaction
    per kind and window. Returns how many reminders were new, by kind, and the number of
    notifications created."""
    now = timezone.now()
    # Without INSERT … RETURNING (SQLite before 3.35) the new ids are unknown: such reminders are
    # written unflagged and fanned out by ``reminders_fan_out``.
    together = connection.features.can_return_columns_from_insert
    created: dict[str, int] = {}
    notifications = 0
    # One statement for all the milestones of a kind, not one per range of them: the database then
    # compares the candidates with the reminders that exist in one hash join (a second scan of a
    # million milestones takes seconds) rather than one index probe per milestone.
    for candidates in due_candidates(as_of):
        with transaction.atomic(), connection.cursor() as cursor:
            count, new_ids = _insert_new(cursor, candidates, as_of, now, fanned_out=together)
            created[candidates.kind] = created.get(candidates.kind, 0) + count
            for start in range(0, len(new_ids), FAN_OUT_BATCH):
                batch = new_ids[start : start + FAN_OUT_BATCH]
                notifications += _fan_out_batch(cursor, batch, now, mark_fanned_out=False)
    return created, notifications


def reminders_due_count(as_of: dt.date, examples: int = 20) -> tuple[dict[str, int], list[str]]:
    """What a scan on ``as_of`` would add, by kind, and the first few of each set as
    "kind · subject · occurrence" (``send_reminders --dry-run``)."""
    counts: dict[str, int] = {}
    listed: list[str] = []
    for candidates in due_candidates(as_of):
        new = _new_only(_select(candidates, as_of, timezone.now()), candidates.kind)
        counts[candidates.kind] = counts.get(candidates.kind, 0) + new.count()
        label = ReminderKind(candidates.kind).label
        listed += [
            f"{label} · {subject} · {occurrence}"
            for subject, occurrence in new.values_list("r_subject", "r_occurrence")[:examples]
        ]
    return counts, listed


# --- 2. fan out ---------------------------------------------------------------------------------
#
# Who hears of it: the owner department (due soon, monthly report, overdue, notice); the lead
# department (escalation, notice); the supervision office (overdue, escalation, notice). Resolved
# in SQL for a batch of reminders at a time, locked with SKIP LOCKED so that a concurrent scan takes
# other batches; the notifications, their e-mails and webhooks and the "fanned out" flag are written
# in one transaction.

OWNER_HEARS = [ReminderKind.DUE_SOON, ReminderKind.MONTHLY_REPORT, ReminderKind.OVERDUE, ReminderKind.MANUAL]
LEAD_HEARS = [ReminderKind.ESCALATION, ReminderKind.MANUAL]
OFFICE_HEARS = [ReminderKind.OVERDUE, ReminderKind.ESCALATION, ReminderKind.MANUAL]


def _in_list(values) -> str:
    return ", ".join(["%s"] * len(values))


def _among(column: str, ids: list[int]) -> tuple[str, list]:
    """``column`` is one of ``ids``: one array parameter on PostgreSQL (a batch of 20,000 ids is
    one value to send and parse), a list of placeholders elsewhere."""
    if connection.vendor == "postgresql":
        return f"{column} = ANY(%s)", [ids]
    return f"{column} IN ({_in_list(ids)})", list(ids)


# Reminders per fan-out statement: one array parameter on PostgreSQL, placeholders on SQLite (which
# allows 32,766 of them).
FAN_OUT_BATCH = 20_000 if connection.vendor == "postgresql" else 5000


def _fan_out_batch(cursor, ids: list[int], now: dt.datetime, mark_fanned_out: bool = True) -> int:
    from django.contrib.auth.models import Group

    user_model = get_user_model()
    user_groups = _table(user_model.groups.through)
    reminders, departments, responsibilities = _table(Reminder), _table(Department), _table(TaskResponsibility)
    supervision = Group.objects.filter(name=SUPERVISION_GROUP).values_list("pk", flat=True).first()
    batch, batch_params = _among("r.id", ids)
    audiences = (
        f"SELECT r.id AS reminder_id, d.group_id AS group_id FROM {reminders} r "  # noqa: S608 - names only
        f"JOIN {departments} d ON d.id = r.department_id WHERE {batch} AND r.kind IN ({_in_list(OWNER_HEARS)}) "
        f"UNION SELECT r.id, d.group_id FROM {reminders} r "
        f"JOIN {responsibilities} tr ON tr.task_id = r.task_id AND tr.role = %s "
        f"JOIN {departments} d ON d.id = tr.department_id WHERE {batch} AND r.kind IN ({_in_list(LEAD_HEARS)}) "
        f"UNION SELECT r.id, %s FROM {reminders} r WHERE {batch} AND r.kind IN ({_in_list(OFFICE_HEARS)})"
    )
    audience_params = [
        *batch_params,
        *OWNER_HEARS,
        ResponsibilityRole.LEAD,
        *batch_params,
        *LEAD_HEARS,
        supervision,
        *batch_params,
        *OFFICE_HEARS,
    ]
    cursor.execute(
        f"INSERT INTO {_table(Notification)} (recipient_id, reminder_id, created_at) "  # noqa: S608
        f"SELECT DISTINCT u.id, a.reminder_id, %s FROM ({audiences}) a "
        f"JOIN {user_groups} ug ON ug.group_id = a.group_id "
        f"JOIN {_table(user_model)} u ON u.id = ug.user_id WHERE u.is_active = %s "
        f"ON CONFLICT DO NOTHING",
        [now, *audience_params, True],
    )
    notifications = max(cursor.rowcount, 0)
    delivery_columns = "reminder_id, channel, target, status, attempts, last_error"
    notified, notified_params = _among("n.reminder_id", ids)
    cursor.execute(
        f"INSERT INTO {_table(Delivery)} ({delivery_columns}) "  # noqa: S608
        f"SELECT DISTINCT n.reminder_id, %s, u.email, %s, 0, '' FROM {_table(Notification)} n "
        f"JOIN {_table(user_model)} u ON u.id = n.recipient_id "
        f"WHERE {notified} AND u.email <> '' ON CONFLICT DO NOTHING",
        [DeliveryChannel.EMAIL, DeliveryStatus.PENDING, *notified_params],
    )
    cursor.execute(
        f"INSERT INTO {_table(Delivery)} ({delivery_columns}) "  # noqa: S608
        f"SELECT r.id, %s, d.webhook_url, %s, 0, '' FROM {reminders} r "
        f"JOIN {departments} d ON d.id = r.department_id "
        f"WHERE {batch} AND d.webhook_url <> '' AND r.kind <> %s ON CONFLICT DO NOTHING",
        [DeliveryChannel.WEBHOOK, DeliveryStatus.PENDING, *batch_params, ReminderKind.ESCALATION],
    )
    if mark_fanned_out:
        done, done_params = _among("id", ids)
        cursor.execute(f"UPDATE {reminders} SET fanned_out = %s WHERE {done}", [True, *done_params])  # noqa: S608
    return notifications


def reminders_fan_out(batch_size: int | None = None) -> tuple[int, int]:
    """Create notifications and delivery rows for reminders written without them (``fanned_out``
    false). Returns the number of reminders handled and of notifications created."""
    batch_size = batch_size or FAN_OUT_BATCH
    handled = notifications = 0
    now = timezone.now()
    while True:
        with transaction.atomic(), connection.cursor() as cursor:
            ids = list(
                Reminder.objects.select_for_update(skip_locked=True, of=("self",))
                .filter(fanned_out=False)
                .order_by("id")
                .values_list("id", flat=True)[:batch_size]
            )
            if not ids:
                return handled, notifications
            notifications += _fan_out_batch(cursor, ids, now)
            handled += len(ids)


# --- 3. deliver ---------------------------------------------------------------------------------


def _send(delivery: Delivery) -> None:
    reminder = delivery.reminder
    # E-mails and group robots speak the site's language (Chinese), whoever runs the worker.
    with translation.override(settings.LANGUAGE_CODE):
        text = reminder.text
        heading = text.split("】")[0].lstrip("【") if text.startswith("【") else reminder.get_kind_display()
        site = _("Cross-border e-commerce action plan")
    if delivery.channel == DeliveryChannel.EMAIL:
        send_mail(f"[{site}] {heading}", text, None, [delivery.target], fail_silently=False)
    else:
        # 企业微信 / 钉钉 group robots both accept this shape. Only http(s): never file: or others.
        if not delivery.target.lower().startswith(("http://", "https://")):
            raise ValueError("a webhook must be an http(s) address")
        body = json.dumps({"msgtype": "text", "text": {"content": text}}, ensure_ascii=False)
        request = urllib.request.Request(  # noqa: S310 - scheme checked above
            delivery.target, data=body.encode("utf-8"), headers={"Content-Type": "application/json"}, method="POST"
        )
        with urllib.request.urlopen(request, timeout=settings.CBEC_WEBHOOK_TIMEOUT_SECONDS) as response:  # noqa: S310
            if response.status >= 300:
                raise OSError(f"webhook answered HTTP {response.status}")


DELIVERY_BATCH = 1000


def deliver_pending(limit: int | None = None) -> tuple[int, int]:
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
            .order_by("id")[: limit or DELIVERY_BATCH]
        )
        Delivery.objects.filter(pk__in=[d.pk for d in claimed]).update(status=DeliveryStatus.SENDING, claimed_at=now)
    sent = failed = 0
    claimed_deliveries = Delivery.objects.filter(pk__in=[d.pk for d in claimed]).select_related(
        "reminder__task", "reminder__milestone", "reminder__department"
    )
    for delivery in claimed_deliveries:
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
    if dry_run:
        result.created_by_kind, result.examples = reminders_due_count(as_of)
        result.created = sum(result.created_by_kind.values())
        return result
    result.created_by_kind, result.notifications = reminders_create(as_of)
    result.created = sum(result.created_by_kind.values())
    # Whatever was written without its notifications (a database without RETURNING, an older version).
    _late_reminders, late_notifications = reminders_fan_out()
    result.notifications += late_notifications
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
        message=message.strip(),
        issued_by=by,
    )
    with connection.cursor() as cursor:
        _fan_out_batch(cursor, [reminder.pk], timezone.now())
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
