from __future__ import annotations

import datetime as dt

from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.utils import timezone

from departments.models import Department
from departments.roles import SUPERVISION_GROUP
from tasks_app.core.sql import quoted_table
from tasks_app.plan.models import ResponsibilityRole, TaskResponsibility
from tasks_app.reminders.models import Delivery, DeliveryChannel, DeliveryStatus, Notification, Reminder, ReminderKind

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


def fan_out_batch(cursor, ids: list[int], now: dt.datetime, mark_fanned_out: bool = True) -> int:
    from django.contrib.auth.models import Group

    user_model = get_user_model()
    user_groups = quoted_table(user_model.groups.through)
    reminders, departments, responsibilities = (
        quoted_table(Reminder),
        quoted_table(Department),
        quoted_table(TaskResponsibility),
    )
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
        f"INSERT INTO {quoted_table(Notification)} (recipient_id, reminder_id, created_at) "  # noqa: S608
        f"SELECT DISTINCT u.id, a.reminder_id, %s FROM ({audiences}) a "
        f"JOIN {user_groups} ug ON ug.group_id = a.group_id "
        f"JOIN {quoted_table(user_model)} u ON u.id = ug.user_id WHERE u.is_active = %s "
        f"ON CONFLICT DO NOTHING",
        [now, *audience_params, True],
    )
    notifications = max(cursor.rowcount, 0)
    delivery_columns = "reminder_id, channel, target, status, attempts, last_error, recipient_id, body, claim_token"
    notified, notified_params = _among("n.reminder_id", ids)
    cursor.execute(
        f"INSERT INTO {quoted_table(Delivery)} ({delivery_columns}) "  # noqa: S608
        f"SELECT DISTINCT n.reminder_id, %s, u.email, %s, 0, '', u.id, '', '' FROM {quoted_table(Notification)} n "
        f"JOIN {quoted_table(user_model)} u ON u.id = n.recipient_id "
        f"WHERE {notified} AND u.email <> '' ON CONFLICT DO NOTHING",
        [DeliveryChannel.EMAIL, DeliveryStatus.PENDING, *notified_params],
    )
    cursor.execute(
        f"INSERT INTO {quoted_table(Delivery)} ({delivery_columns}) "  # noqa: S608
        f"SELECT r.id, %s, d.webhook_url, %s, 0, '', NULL, '', '' FROM {reminders} r "
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
            notifications += fan_out_batch(cursor, ids, now)
            handled += len(ids)
