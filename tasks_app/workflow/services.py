from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from departments.models import Department, District
from tasks_app.core.attachments import checked_upload
from tasks_app.core.errors import InvalidState, NotAllowed, StaleVersion, require
from tasks_app.core.history import save_with_history
from tasks_app.plan.models import Implementation, ImplementationStatus, KeyTask, ResponsibilityRole, TaskResponsibility
from tasks_app.plan.permissions import (
    can_change_lead,
    can_confirm,
    can_manage_task_milestones,
    can_reject_confirmation,
    task_permissions_sync,
)
from tasks_app.workflow.models import Milestone, MilestoneStatus, ProgressUpdate
from tasks_app.workflow.permissions import (
    can_approve,
    can_create_milestone,
    can_edit_planned,
    can_extend,
    can_work_on,
    milestone_permissions_sync,
)


def _locked_milestone(milestone: Milestone, expected_version: int | None = None) -> Milestone:
    """Re-read the row under a lock, so two writers queue instead of overwriting each other."""
    locked = (
        Milestone.objects.select_for_update(of=("self",))
        .select_related("task", "owner", "district")
        .get(pk=milestone.pk)
    )
    if expected_version is not None:
        _check_version(locked, expected_version)
    return locked


def _check_version(milestone: Milestone, expected_version: int) -> None:
    if milestone.version != expected_version:
        raise StaleVersion(
            _("The milestone was changed by someone else (version %(current)s, you sent %(sent)s). Reload it.")
            % {"current": milestone.version, "sent": expected_version}
        )


def _check_owner(task: KeyTask, owner: Department) -> None:
    if not task.responsibilities.filter(department=owner).exists():
        raise ValidationError(
            {
                "owner": _("%(department)s is not responsible for task %(number)s.")
                % {"department": owner.name, "number": task.number}
            }
        )


@transaction.atomic
def milestone_create(
    *,
    task: KeyTask,
    owner: Department,
    title: str,
    due_date: dt.date,
    by,
    district: District | None = None,
    description: str = "",
) -> Milestone:
    _check_owner(task, owner)
    require(
        can_create_milestone(by, task, owner),
        _("You may create milestones only for your own department, or for any department of a task you lead."),
    )
    milestone = Milestone(
        task=task,
        owner=owner,
        district=district,
        title=title,
        description=description,
        due_date=due_date,
        baseline_due_date=due_date,
        created_by=by,
    )
    save_with_history(milestone, by, _("created"))
    milestone_permissions_sync(milestone)
    return milestone


EDITABLE_WHILE_PLANNED = {"title", "description", "due_date", "district", "owner"}


@transaction.atomic
def milestone_update(*, milestone: Milestone, by, version: int, changes: dict, reason: str = "") -> Milestone:
    """Edit a milestone. While planned: its editors change any field (the due date becomes the new
    baseline). Once started: only the supervision office moves the due date (延期), with a reason."""
    milestone = _locked_milestone(milestone)
    # Who may make this change is settled first: a reader, or an editor asking for a change not
    # theirs to make, hears 403 — before a stale version or a closed state (409) tells them anything.
    require(can_edit_planned(by, milestone) or can_extend(by), _("You may not edit this milestone."))
    if milestone.status == MilestoneStatus.PLANNED:
        require(can_edit_planned(by, milestone), _("You may not edit this milestone."))
        if "owner" in changes and changes["owner"] != milestone.owner:
            require(
                can_manage_task_milestones(by, milestone.task),
                _("Only the lead department or the supervision office may give a milestone to another department."),
            )
    elif milestone.status != MilestoneStatus.COMPLETED and (set(changes) - {"due_date"} or not can_extend(by)):
        raise NotAllowed(
            _("Once a milestone has started, only the supervision office may change it, and only its due date.")
        )
    _check_version(milestone, version)
    unknown = set(changes) - EDITABLE_WHILE_PLANNED
    if unknown:
        raise ValidationError({field: _("This field cannot be changed here.") for field in unknown})
    if milestone.status == MilestoneStatus.COMPLETED:
        raise InvalidState(_("A completed milestone cannot be changed."))

    if milestone.status == MilestoneStatus.PLANNED:
        if "owner" in changes and changes["owner"] != milestone.owner:
            _check_owner(milestone.task, changes["owner"])
        for field, value in changes.items():
            setattr(milestone, field, value)
        if "due_date" in changes:
            milestone.baseline_due_date = changes["due_date"]
    elif "due_date" in changes and changes["due_date"] != milestone.due_date:
        if not reason.strip():
            raise ValidationError({"reason": _("Give the reason for the extension (延期).")})
        milestone.due_date = changes["due_date"]
        reason = _("extended: %(reason)s") % {"reason": reason.strip()}

    milestone.version += 1
    save_with_history(milestone, by, reason or _("edited"))
    milestone_permissions_sync(milestone)
    return milestone


TRANSITIONS = {
    # action: (allowed from, to)
    "start": ({MilestoneStatus.PLANNED}, MilestoneStatus.IN_PROGRESS),
    "submit": ({MilestoneStatus.IN_PROGRESS}, MilestoneStatus.SUBMITTED),
    "approve": ({MilestoneStatus.SUBMITTED}, MilestoneStatus.COMPLETED),
    "return": ({MilestoneStatus.SUBMITTED}, MilestoneStatus.IN_PROGRESS),
}


ACTION_LABELS = {
    "start": gettext_lazy("started"),
    "submit": gettext_lazy("submitted for sign-off (申请办结)"),
    "approve": gettext_lazy("signed off (销号)"),
    "return": gettext_lazy("returned (退回)"),
}


@transaction.atomic
def milestone_transition(*, milestone: Milestone, action: str, by, note: str = "") -> Milestone:
    """start / submit (owner department), approve / return (supervision office)."""
    if action not in TRANSITIONS:
        raise ValidationError(
            {
                "action": _("Unknown action %(action)r; use one of: %(actions)s.")
                % {"action": action, "actions": ", ".join(TRANSITIONS)}
            }
        )
    milestone = _locked_milestone(milestone)
    if action in ("start", "submit"):
        require(
            can_work_on(by, milestone),
            _("Only the owner department may %(action)s this milestone.") % {"action": action},
        )
    else:
        require(can_approve(by), _("Only the supervision office may approve or return a milestone."))
    allowed_from, target = TRANSITIONS[action]
    if milestone.status not in allowed_from:
        raise InvalidState(
            _("Cannot %(action)s a milestone that is %(status)s.")
            % {"action": action, "status": milestone.get_status_display()}
        )
    note = note.strip()
    if action == "return" and not note:
        raise ValidationError({"note": _("Say why the milestone is returned.")})

    now = timezone.now()
    milestone.status = target
    if action == "start":
        milestone.started_at = now
    elif action == "submit":
        milestone.submitted_at = now
    elif action == "approve":
        milestone.completed_at = now
    elif action == "return":
        milestone.return_reason = note
        milestone.submitted_at = None
    milestone.version += 1
    label = str(ACTION_LABELS[action])
    save_with_history(milestone, by, f"{label}: {note}" if note else label)
    return milestone


@transaction.atomic
def progress_update_create(*, milestone: Milestone, by, percent: int, summary: str, attachment=None) -> ProgressUpdate:
    milestone = _locked_milestone(milestone)
    require(can_work_on(by, milestone), _("Only the owner department may report progress on it."))
    if milestone.status != MilestoneStatus.IN_PROGRESS:
        raise InvalidState(
            _("Progress is reported on a milestone under way; this one is %(status)s.")
            % {"status": milestone.get_status_display()}
        )
    update = ProgressUpdate(
        milestone=milestone, department=milestone.owner, percent=percent, summary=summary, author=by
    )
    if attachment is not None:
        update.attachment, update.attachment_name = checked_upload(attachment, field="attachment")
    save_with_history(update, by)
    return update


def _locked_implementation(implementation: Implementation) -> Implementation:
    return (
        Implementation.objects.select_for_update(of=("self",))
        .select_related("task", "district")
        .get(pk=implementation.pk)
    )


@transaction.atomic
def implementation_confirm(*, implementation: Implementation, by, note: str, evidence=None) -> Implementation:
    implementation = _locked_implementation(implementation)
    require(can_confirm(by, implementation), _("Only the district itself may confirm its implementation."))
    if implementation.status == ImplementationStatus.CONFIRMED:
        raise InvalidState(_("Already confirmed. The supervision office can reject it if it needs redoing."))
    if not note.strip():
        raise ValidationError({"note": _("Describe how the task is implemented in the district.")})
    if evidence is not None:
        implementation.evidence, implementation.evidence_name = checked_upload(evidence, field="evidence")
    implementation.status = ImplementationStatus.CONFIRMED
    implementation.note = note.strip()
    implementation.confirmed_by = by
    implementation.confirmed_at = timezone.now()
    implementation.rejection_reason = ""
    implementation.version += 1
    save_with_history(implementation, by, _("confirmed"))
    return implementation


@transaction.atomic
def implementation_reject(*, implementation: Implementation, by, reason: str) -> Implementation:
    implementation = _locked_implementation(implementation)
    require(can_reject_confirmation(by), _("Only the supervision office may reject a confirmation."))
    if implementation.status != ImplementationStatus.CONFIRMED:
        raise InvalidState(_("Only a confirmed implementation can be rejected."))
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the confirmation is rejected.")})
    implementation.status = ImplementationStatus.REJECTED
    implementation.rejection_reason = reason.strip()
    implementation.version += 1
    save_with_history(implementation, by, _("rejected: %(reason)s") % {"reason": reason.strip()})
    return implementation


@transaction.atomic
def task_lead_change(*, task: KeyTask, department: Department, by, reason: str) -> KeyTask:
    """Designate another responsible department as the task's lead (牵头); recorded with its reason."""
    require(can_change_lead(by), _("Only the supervision office may change a task's lead."))
    if not reason.strip():
        raise ValidationError({"reason": _("Give the reason for the change of lead.")})
    responsibilities = {
        r.department_id: r for r in TaskResponsibility.objects.select_for_update(of=("self",)).filter(task=task)
    }
    new_lead = responsibilities.get(department.pk)
    if new_lead is None:
        raise ValidationError(
            {
                "department": _("%(department)s is not responsible for task %(number)s.")
                % {"department": department.name, "number": task.number}
            }
        )
    if new_lead.role == ResponsibilityRole.LEAD:
        raise ValidationError(
            {"department": _("%(department)s already leads this task.") % {"department": department.name}}
        )
    message = _("lead changed: %(reason)s") % {"reason": reason.strip()}
    # Demote first: the database allows one lead per task at every moment.
    for responsibility in responsibilities.values():
        if responsibility.role == ResponsibilityRole.LEAD:
            responsibility.role = ResponsibilityRole.CO
            save_with_history(responsibility, by, message)
    new_lead.role = ResponsibilityRole.LEAD
    save_with_history(new_lead, by, message)
    task_permissions_sync(task)
    return task
