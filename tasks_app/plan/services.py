"""A plan's life: read-only once its last year has passed, reopened by the supervision office with a
reason (to publish its final assessment, say), closed again.

Every service that writes a plan's work (milestones, updates, confirmations, figures, notices,
publications …) asks ``plan_writable_check`` after its permission check — a refusal (403) is told
before a step that is not valid now (409)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tasks_app.core.access import has_global
from tasks_app.core.errors import InvalidState, NotAllowed
from tasks_app.plan.models import KeyTask, Plan
from tasks_app.plan.selectors import plans_visible_to


class PlanReadOnly(InvalidState):
    """The plan has ended: its record is kept as it was (409)."""


def plan_writable_check(plan: Plan | int | None) -> None:
    """Refuse (409) a write to the work of a plan that has ended and is not reopened."""
    if plan is None:
        return
    if not isinstance(plan, Plan):
        plan = Plan.objects.only("end_year", "reopened_at", "title").get(pk=plan)
    if plan.is_read_only(timezone.localdate()):
        raise PlanReadOnly(
            _("The plan ended in %(year)s and is read-only; the supervision office may reopen it.")
            % {"year": plan.end_year}
        )


def read_only_task_ids(today) -> list[int]:
    """The tasks of the plans that have ended and are not reopened (none, usually): the reminder scan
    leaves their milestones alone."""
    return list(
        KeyTask.objects.filter(plan__end_year__lt=today.year, plan__reopened_at__isnull=True).values_list(
            "pk", flat=True
        )
    )


def can_reopen_plan(user, plan: Plan) -> bool:
    """The supervision office of the plan's own government (the province reads, it does not reopen)."""
    return has_global(user, "approve_milestone") and any(p.pk == plan.pk for p in plans_visible_to(user))


def plan_reopen(*, plan: Plan, by, reason: str) -> Plan:
    if not can_reopen_plan(by, plan):
        raise NotAllowed(_("Only the supervision office may reopen a plan."))
    if not plan.has_ended(timezone.localdate()):
        raise InvalidState(_("The plan has not ended: it is open."))
    if plan.reopened_at is not None:
        raise InvalidState(_("The plan is already reopened."))
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the plan is reopened.")})
    with transaction.atomic():
        plan.reopened_at = timezone.now()
        plan.reopened_by = by
        plan.reopen_reason = reason.strip()
        plan._change_reason = plan.reopen_reason
        plan.save(update_fields=["reopened_at", "reopened_by", "reopen_reason"])
    return plan


def plan_close(*, plan: Plan, by) -> Plan:
    """Make a reopened plan read-only again (the reason it was reopened stays in its history)."""
    if not can_reopen_plan(by, plan):
        raise NotAllowed(_("Only the supervision office may close a plan."))
    if plan.reopened_at is None:
        raise InvalidState(_("The plan is not reopened."))
    with transaction.atomic():
        plan.reopened_at = None
        plan.reopened_by = None
        plan._change_reason = _("closed again")
        plan.save(update_fields=["reopened_at", "reopened_by"])
    return plan
