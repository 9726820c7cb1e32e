"""generate_load: synthetic milestones that behave like real ones for visibility and the board."""

import datetime as dt
import io

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tasks_app.assessment.periods import Period
from tasks_app.assessment.scoring import assessment_compute
from tasks_app.plan.selectors import current_plan
from tasks_app.workflow.models import Milestone, ProgressUpdate
from tasks_app.workflow.permissions import milestones_visible_to


def test_generated_milestones_are_spread_and_visible_as_real_ones(demo_accounts):
    out = io.StringIO()
    call_command("generate_load", "--milestones", "600", "--updates-per-milestone", "2", stdout=out)
    assert "600 milestones" in out.getvalue()
    assert Milestone.objects.count() == 600
    assert len(set(Milestone.objects.values_list("status", flat=True))) == 4
    assert Milestone.objects.values("task").distinct().count() == 17
    assert ProgressUpdate.objects.count() == 2 * Milestone.objects.exclude(status="planned").count()
    sip = milestones_visible_to(demo_accounts["district-sip"])
    assert sip.exists() and not sip.exclude(district__code="sip").exists()
    owned = Milestone.objects.filter(owner__code="customs").first()
    from tasks_app.workflow.permissions import can_work_on

    assert can_work_on(demo_accounts["liaison-customs"], owned)


def test_generate_load_refuses_nonsense(demo_accounts):
    with pytest.raises(CommandError):
        call_command("generate_load", "--milestones", "0", stdout=io.StringIO())


def test_generated_milestones_were_created_before_they_fell_due_so_closed_periods_hold_them(demo_accounts):
    with CaptureQueriesContext(connection) as ran:
        call_command("generate_load", "--milestones", "300", "--updates-per-milestone", "0", stdout=io.StringIO())
    backdating = [
        q for q in ran.captured_queries if q["sql"].startswith('UPDATE "tasks_app_milestone" SET "created_at"')
    ]
    assert len(backdating) == Milestone.objects.values("due_date").order_by().distinct().count()  # one per date
    now = timezone.now()
    for due, created, started in Milestone.objects.values_list("due_date", "created_at", "started_at"):
        quarter_before = timezone.make_aware(dt.datetime.combine(due - dt.timedelta(days=90), dt.time(9)))
        assert created == min(quarter_before, now)
        assert started is None or created <= started
    # The assessment of a closed year counts them (it counts what existed by the year's end).
    plan = current_plan()
    last_year = Period(min(timezone.localdate().year - 1, plan.end_year))
    result = assessment_compute(plan, last_year, with_change=False)
    due = sum(row.facts["milestones_due"] for row in result.departments)
    assert due == Milestone.objects.filter(baseline_due_date__year=last_year.year).count() > 0
