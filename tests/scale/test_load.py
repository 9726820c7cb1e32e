"""generate_load: synthetic milestones that behave like real ones for visibility and the board."""

import io

import pytest
from django.core.management import CommandError, call_command

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
