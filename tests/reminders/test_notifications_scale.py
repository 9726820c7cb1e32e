"""The header's unread count stops at 99+ and the inbox pages without counting everything, unread first."""

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tasks_app.plan.models import KeyTask
from tasks_app.reminders.models import Notification, Reminder, ReminderKind


@pytest.fixture(autouse=True)
def _calendar_days(settings):
    """These tests pin the calendar-day rules (7 and 1 days before, escalation every 7 days); the
    working-day rules are tested in test_working_days.py."""
    settings.REMINDER_DAYS_ARE_WORKING_DAYS = False


@pytest.fixture
def inbox(demo_accounts):
    user = demo_accounts["liaison-customs"]
    task = KeyTask.objects.get(number=5)
    reminders = Reminder.objects.bulk_create(
        Reminder(
            kind=ReminderKind.MANUAL,
            subject=f"task:{task.pk}",
            occurrence=f"manual@{n}",
            task=task,
            as_of=timezone.localdate(),
            message=f"第{n}条",
        )
        for n in range(120)
    )
    Notification.objects.bulk_create(Notification(reminder=r, recipient=user) for r in reminders)
    client = Client()
    client.force_login(user)
    return user, client


def test_the_header_says_99_plus_beyond_99_unread(inbox):
    user, client = inbox
    page = client.get(reverse("tasks_app:plan_overview"))
    assert page.context["unread_notifications_label"] == "99+"
    assert '<span class="notif-count"' in page.content.decode() and "99+" in page.content.decode()
    Notification.objects.filter(recipient=user).exclude(
        pk__in=Notification.objects.filter(recipient=user).values("pk")[:5]
    ).update(read_at=timezone.now())
    page = client.get(reverse("tasks_app:plan_overview"))
    assert page.context["unread_notifications_label"] == "5"


def test_the_inbox_shows_unread_first_and_pages_on(inbox):
    user, client = inbox
    oldest = Notification.objects.filter(recipient=user).order_by("id").first()
    Notification.objects.filter(recipient=user).exclude(pk=oldest.pk).update(read_at=timezone.now())
    first = client.get(reverse("tasks_app:notification_list"))
    rows = list(first.context["page"])
    assert len(rows) == 50 and rows[0].pk == oldest.pk  # the one unread comes first, however old
    assert first.context["page"].has_next()
    third = client.get(reverse("tasks_app:notification_list"), {"page": 3})
    assert len(list(third.context["page"])) == 20 and not third.context["page"].has_next()
