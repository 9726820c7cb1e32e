"""seed_demo --sample: a living scenario, made through the services, once."""

import io

from django.core.management import call_command

from tasks_app.assessment.models import IndicatorReport
from tasks_app.plan.models import Implementation
from tasks_app.reminders.models import Notification, Reminder
from tasks_app.workflow.models import Milestone, MilestoneStatus, ProgressUpdate


def test_the_sample_has_every_state_and_is_made_once(suzhou_plan, settings):
    settings.DEBUG = True
    out = io.StringIO()
    call_command("seed_demo", "--sample", stdout=out)
    assert "Sample scenario" in out.getvalue()
    statuses = set(Milestone.objects.values_list("status", flat=True))
    assert statuses == {s.value for s in MilestoneStatus}
    assert Milestone.objects.exclude(return_reason="").filter(status="in_progress").exists()
    assert Milestone.objects.filter(district__isnull=False).exists()
    assert Implementation.objects.filter(status="rejected").count() == 2
    assert Implementation.objects.filter(status="confirmed").exists()
    assert ProgressUpdate.objects.exists()
    assert Reminder.objects.filter(kind="overdue").exists() and Reminder.objects.filter(kind="escalation").exists()
    assert Notification.objects.filter(recipient__username="supervisor").exists()
    assert IndicatorReport.objects.filter(period="2025", district__isnull=False).count() >= 40
    counts = (Milestone.objects.count(), ProgressUpdate.objects.count(), Reminder.objects.count())
    call_command("seed_demo", "--sample", stdout=io.StringIO())
    assert (Milestone.objects.count(), ProgressUpdate.objects.count(), Reminder.objects.count()) == counts
