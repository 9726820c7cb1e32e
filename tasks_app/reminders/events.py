"""Who hears of each workflow step, and how: the receiver of ``workflow_event``.

Each event is recorded once as a reminder of kind ``event`` (subject, "code@key") — the same unique
constraint that makes the scan's reminders exactly-once: a retried or raced step carries the same
key and the copy is dropped. The event gives one in-app notification to each person concerned (and
never to the person who acted), a message on each channel they chose to hear of things at once on
(a daily digest picks up the rest), and one post to each concerned department's group webhook;
the existing delivery worker sends them after the commit."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.dispatch import receiver
from django.utils import timezone

from tasks_app.plan.models import ResponsibilityRole, TaskResponsibility
from tasks_app.reminders.models import Delivery, DeliveryChannel, Notification, Reminder, ReminderKind
from tasks_app.workflow.events import workflow_event

OFFICE = "office"


def _lead(task):
    responsibility = (
        TaskResponsibility.objects.filter(task=task, role=ResponsibilityRole.LEAD).select_related("department").first()
    )
    return responsibility.department if responsibility else None


def audience(event: str, *, task, milestone=None, department=None, departments=(), **kwargs) -> list:
    """The departments (and OFFICE, the supervision office) that hear of ``event``."""
    owner = milestone.owner if milestone is not None else department
    lead = _lead(task)
    lead_if_other = [lead] if lead is not None and lead != owner else []
    if event == "assigned":
        return [owner]
    if event == "started":
        return lead_if_other
    if event == "submitted":
        return [OFFICE, *lead_if_other]
    if event in ("approved", "returned", "extension_granted"):
        return [owner, *lead_if_other]
    if event in ("extension_requested", "notice_acknowledged", "notice_replied"):
        return [OFFICE]
    if event in ("extension_refused", "notice_closed"):
        return [owner]
    if event in ("lead_changed", "commented"):
        return list(departments)
    if event == "notice_overdue":
        return [owner, *lead_if_other, OFFICE]
    if event == "confirmation_rejected":
        return [kwargs["district"]]
    return []


def event_record(event: str, *, subject: str, key: str, task, by, milestone=None, department=None, note="", **kw):
    """Record ``event`` once and tell its audience; returns the reminder, or None if already recorded."""
    units = [u for u in audience(event, task=task, milestone=milestone, department=department, **kw) if u]
    try:
        with transaction.atomic():
            reminder = Reminder.events.create(
                kind=ReminderKind.EVENT,
                subject=subject[:64],
                occurrence=f"{event}@{key}"[:40],
                milestone=milestone,
                task=task,
                department=department if department is not None else (milestone.owner if milestone else None),
                as_of=timezone.localdate(),
                message=note or "",
                issued_by=by,
                fanned_out=True,  # its audience is resolved here, not by the scan's fan-out
            )
    except IntegrityError:
        return None  # the same step, told already
    user_model = get_user_model()
    group_ids = [u.group_id for u in units if u != OFFICE]
    among = Q(groups__pk__in=group_ids)
    if OFFICE in units:
        # The supervision office of the government whose plan this is, never another city's.
        among |= Q(groups__supervised_government__plans__tasks=task)
    people = user_model.objects.filter(among, is_active=True)
    if by is not None:
        people = people.exclude(pk=by.pk)
    recipients = list(people.distinct().only("pk", "email"))
    Notification.objects.bulk_create(
        [Notification(recipient=person, reminder=reminder) for person in recipients], ignore_conflicts=True
    )
    deliveries = _personal_deliveries(reminder, recipients)
    deliveries += [
        Delivery(reminder=reminder, channel=DeliveryChannel.WEBHOOK, target=unit.webhook_url)
        for unit in units
        if unit != OFFICE and getattr(unit, "webhook_url", "")
    ]
    Delivery.objects.bulk_create(deliveries, ignore_conflicts=True)
    if deliveries:
        from tasks_app.reminders.services import enqueue_delivery

        transaction.on_commit(enqueue_delivery)
    return reminder


def _personal_deliveries(reminder, recipients) -> list[Delivery]:
    """A message now on each channel a person chose "immediate" for (e-mail, 企业微信, 钉钉), as the
    scan's fan-out does; "daily" gets it in their digest from the notification, "off" nothing."""
    from tasks_app.reminders.fan_out import _individual_channels, immediate_people

    ids = [person.pk for person in recipients]
    deliveries = []
    for channel, column, _table in _individual_channels():
        now_ids = set(immediate_people(ids, channel))
        if not now_ids:
            continue
        if column == "email":
            targets = {person.pk: person.email for person in recipients}
        else:
            from accounts.models import Profile

            targets = dict(Profile.objects.filter(user_id__in=now_ids).values_list("user_id", column))
        deliveries += [
            Delivery(reminder=reminder, channel=channel, target=targets[uid], recipient_id=uid)
            for uid in sorted(now_ids)
            if targets.get(uid)
        ]
    return deliveries


@receiver(workflow_event, dispatch_uid="reminders-workflow-event")
def _on_workflow_event(sender, *, event, task, milestone, by, key, note="", **kwargs) -> None:
    if milestone is not None:
        subject = f"milestone:{milestone.pk}"
    elif "district" in kwargs:
        subject = f"task:{task.pk}:district:{kwargs['district'].pk}"
    else:
        subject = f"task:{task.pk}"
    event_record(event, subject=subject, key=key, task=task, by=by, milestone=milestone, note=note, **kwargs)
