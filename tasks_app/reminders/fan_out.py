from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.db.models import Count
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from departments.models import Department, Government
from tasks_app.core.sql import quoted_table
from tasks_app.plan.models import KeyTask, Plan, ResponsibilityRole, TaskResponsibility
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


def profile_model():
    from accounts.models import Profile

    return Profile


def _individual_channels() -> list[tuple[str, str, str]]:
    """(channel, column, table) of the channels that reach a person: e-mail (the account's address)
    and each 企业微信 / 钉钉 channel configured for the deployment (the account id on the profile)."""
    from messaging import DINGTALK, WECOM, configured_channels

    found = [(DeliveryChannel.EMAIL, "email", "u")]
    configured = configured_channels()
    if WECOM in configured:
        found.append((DeliveryChannel.WECOM, "wecom_userid", "p"))
    if DINGTALK in configured:
        found.append((DeliveryChannel.DINGTALK, "dingtalk_userid", "p"))
    return found


def people_preferring(user_ids: list[int], channel: str, preference: str) -> list[int]:
    from accounts.selectors import channel_preferences

    if not user_ids:
        return []
    return sorted(uid for uid, chosen in channel_preferences(user_ids, channel).items() if chosen == preference)


def immediate_people(user_ids: list[int], channel: str) -> list[int]:
    from accounts.models import Delivery as Preference

    return people_preferring(user_ids, channel, Preference.IMMEDIATE)


def fan_out_batch(cursor, ids: list[int], now: dt.datetime, mark_fanned_out: bool = True) -> int:

    user_model = get_user_model()
    user_groups = quoted_table(user_model.groups.through)
    reminders, departments, responsibilities = (
        quoted_table(Reminder),
        quoted_table(Department),
        quoted_table(TaskResponsibility),
    )
    tasks, plans, governments = quoted_table(KeyTask), quoted_table(Plan), quoted_table(Government)
    batch, batch_params = _among("r.id", ids)
    audiences = (
        f"SELECT r.id AS reminder_id, d.group_id AS group_id FROM {reminders} r "  # noqa: S608 - names only
        f"JOIN {departments} d ON d.id = r.department_id WHERE {batch} AND r.kind IN ({_in_list(OWNER_HEARS)}) "
        f"UNION SELECT r.id, d.group_id FROM {reminders} r "
        f"JOIN {responsibilities} tr ON tr.task_id = r.task_id AND tr.role = %s "
        f"JOIN {departments} d ON d.id = tr.department_id WHERE {batch} AND r.kind IN ({_in_list(LEAD_HEARS)}) "
        # The office of the government whose plan the task is in: one city's escalations never
        # reach another city's (or the province's) office.
        f"UNION SELECT r.id, g.supervision_group_id FROM {reminders} r "
        f"JOIN {tasks} t ON t.id = r.task_id JOIN {plans} p ON p.id = t.plan_id "
        f"JOIN {governments} g ON g.id = p.government_id "
        f"WHERE {batch} AND r.kind IN ({_in_list(OFFICE_HEARS)}) AND g.supervision_group_id IS NOT NULL"
    )
    audience_params = [
        *batch_params,
        *OWNER_HEARS,
        ResponsibilityRole.LEAD,
        *batch_params,
        *LEAD_HEARS,
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
    # Each person's choice per channel (accounts: immediate, daily digest, off): only "immediate"
    # gets a delivery per reminder here; "daily" is served by the digest (digests_create).
    cursor.execute(
        f"SELECT DISTINCT n.recipient_id FROM {quoted_table(Notification)} n WHERE {notified}",  # noqa: S608
        notified_params,
    )
    people = [row[0] for row in cursor.fetchall()]
    for channel, column, table_alias in _individual_channels():
        now_ids = immediate_people(people, channel)
        if not now_ids:
            continue
        chosen, chosen_params = _among("n.recipient_id", now_ids)
        join = (
            f"JOIN {quoted_table(user_model)} u ON u.id = n.recipient_id"
            if table_alias == "u"
            else f"JOIN {quoted_table(profile_model())} p ON p.user_id = n.recipient_id"
        )
        cursor.execute(
            f"INSERT INTO {quoted_table(Delivery)} ({delivery_columns}) "  # noqa: S608
            f"SELECT DISTINCT n.reminder_id, %s, {table_alias}.{column}, %s, 0, '', n.recipient_id, '', '' "
            f"FROM {quoted_table(Notification)} n {join} "
            f"WHERE {notified} AND {chosen} AND {table_alias}.{column} <> '' ON CONFLICT DO NOTHING",
            [channel, DeliveryStatus.PENDING, *notified_params, *chosen_params],
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


# --- daily digests ---------------------------------------------------------------------------------

DIGEST_LOOKBACK_DAYS = 14  # a first digest lists at most this far back
DIGEST_ITEMS_PER_GROUP = 20  # the rest are counted and linked (the office can have thousands a day)

DIGEST_GROUPS = [
    (ReminderKind.OVERDUE, gettext_lazy("Overdue")),
    (ReminderKind.ESCALATION, gettext_lazy("Escalations (督办)")),
    (ReminderKind.MANUAL, gettext_lazy("督办 notices")),
    (ReminderKind.DUE_SOON, gettext_lazy("Due soon")),
    (ReminderKind.MONTHLY_REPORT, gettext_lazy("Monthly reports due")),
]


def _link(name: str, **kwargs) -> str:
    return settings.CBEC_SITE_URL + reverse(name, kwargs=kwargs or None)


def digest_body(user, day: dt.date, notifications, calendar_missing: list[int]) -> str | None:
    """One person's digest of ``notifications`` (a queryset), grouped, with links; None when there is
    nothing to say. In the site's language."""
    from tasks_app.core.people import person_label

    with translation.override(settings.LANGUAGE_CODE):
        lines = [_("Daily digest of %(day)s for %(person)s") % {"day": day.isoformat(), "person": person_label(user)}]
        for year in calendar_missing:
            lines.append(
                _("The working-day calendar of %(year)s has not been entered: weekends and fixed holidays apply.")
                % {"year": year}
            )
        counts = dict(notifications.values("reminder__kind").annotate(n=Count("id")).values_list("reminder__kind", "n"))
        if not counts and not calendar_missing:
            return None
        for kind, label in DIGEST_GROUPS:
            count = counts.get(kind, 0)
            if not count:
                continue
            lines.append("")
            lines.append(f"{label} ({count})")
            shown = (
                notifications.filter(reminder__kind=kind)
                .select_related("reminder__task", "reminder__milestone", "reminder__department")
                .order_by("reminder__milestone__due_date", "id")[:DIGEST_ITEMS_PER_GROUP]
            )
            for notification in shown:
                reminder = notification.reminder
                link = (
                    _link("tasks_app:milestone_detail", pk=reminder.milestone_id)
                    if reminder.milestone_id
                    else _link("tasks_app:notification_list")
                )
                lines.append(f"- {reminder.text} {link}")
            if count > DIGEST_ITEMS_PER_GROUP:
                lines.append(
                    _("… and %(more)s more: %(link)s")
                    % {"more": count - DIGEST_ITEMS_PER_GROUP, "link": _link("tasks_app:notification_list")}
                )
        lines.append("")
        lines.append(_("All your notifications: %(link)s") % {"link": _link("tasks_app:notification_list")})
    return "\n".join(lines)


def digests_create(day: dt.date, *, calendar_missing: list[int] | None = None, now: dt.datetime | None = None) -> int:
    """One digest per person per channel for ``day``, for everyone who chose the daily digest on that
    channel: what is new for them since their last digest (their notifications). The unique
    (recipient, channel, day) drops a copy made by a repeated or concurrent run; the text is fixed
    when the digest is made, so a retried send sends the same. Returns how many were made."""
    from accounts.models import Delivery as Preference

    now = now or timezone.now()
    calendar_missing = calendar_missing or []
    user_model = get_user_model()
    active = list(user_model.objects.filter(is_active=True).values_list("pk", flat=True))
    # Every government's supervision office (the calendar reminder is theirs).
    office = set(
        user_model.objects.filter(groups__supervised_government__isnull=False).values_list("pk", flat=True)
    )
    made = 0
    for channel, column, table_alias in _individual_channels():
        daily = people_preferring(active, channel, Preference.DAILY)
        if not daily:
            continue
        if table_alias == "u":
            targets = dict(user_model.objects.filter(pk__in=daily).exclude(email="").values_list("pk", "email"))
        else:
            targets = dict(
                profile_model().objects.filter(user_id__in=daily).exclude(**{column: ""}).values_list("user_id", column)
            )
        done = set(
            Delivery.objects.filter(channel=channel, digest_day=day, recipient_id__in=list(targets)).values_list(
                "recipient_id", flat=True
            )
        )
        for user in user_model.objects.filter(pk__in=[uid for uid in targets if uid not in done]):
            last = (
                Delivery.objects.filter(recipient=user, channel=channel, digest_day__lt=day)
                .order_by("-digest_day")
                .values_list("window_end", flat=True)
                .first()
            ) or now - dt.timedelta(days=DIGEST_LOOKBACK_DAYS)
            notifications = Notification.objects.filter(
                recipient=user, reminder__isnull=False, created_at__gt=last, created_at__lte=now
            )
            body = digest_body(user, day, notifications, calendar_missing if user.pk in office else [])
            if body is None:
                continue
            created = Delivery.objects.bulk_create(
                [
                    Delivery(
                        channel=channel,
                        target=targets[user.pk],
                        recipient=user,
                        digest_day=day,
                        body=body,
                        window_end=now,
                        status=DeliveryStatus.PENDING,
                    )
                ],
                ignore_conflicts=True,
            )
            made += len(created)
    return made
