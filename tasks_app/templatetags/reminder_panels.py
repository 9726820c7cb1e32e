"""The reminders panel of a milestone page. The page belongs to the workflow, the reminders and 督办
notices to the reminders concern above it: the page's template asks for the panel here, so the
workflow's code never imports the reminders (docs/architecture.md)."""

from django import template

from tasks_app.plan.permissions import can_see_task_records
from tasks_app.reminders.forms import SupervisionNoticeForm
from tasks_app.reminders.selectors import reminders_for_milestone
from tasks_app.workflow.permissions import can_approve

register = template.Library()


@register.inclusion_tag("reminders/_milestone_reminders.html", takes_context=True)
def milestone_reminders_panel(context):
    """The milestone's reminders with their deliveries (the task's departments and the offices) and,
    for the supervision office, the form to issue a 督办 notice (with its errors after a failed send)."""
    user = context["request"].user
    milestone = context["milestone"]
    office = can_approve(user)
    visible = office or can_see_task_records(user, milestone.task)
    return {
        "request": context["request"],
        "milestone": milestone,
        "reminders": reminders_for_milestone(milestone) if visible else None,
        # No 督办 on an ended plan's milestone (the page says whether its plan may change).
        "notice_form": (context.get("notice_form") or SupervisionNoticeForm())
        if office and context.get("plan_writable", True)
        else None,
        "csrf_token": context.get("csrf_token"),
    }
