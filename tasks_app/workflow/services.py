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
from tasks_app.core.validators import date_plausible
from tasks_app.plan.models import Implementation, ImplementationStatus, KeyTask, ResponsibilityRole, TaskResponsibility
from tasks_app.plan.permissions import (
    can_change_lead,
    can_confirm,
    can_manage_task_milestones,
    can_reject_confirmation,
    task_permissions_sync,
)
from tasks_app.plan.services import plan_writable_check
from tasks_app.workflow.events import emit
from tasks_app.workflow.models import (
    CompletionReport,
    ExtensionRequest,
    ExtensionStatus,
    Milestone,
    MilestoneComment,
    MilestoneStatus,
    ProgressUpdate,
    TaskReport,
)
from tasks_app.workflow.permissions import (
    can_approve,
    can_create_milestone,
    can_edit_planned,
    can_extend,
    can_work_on,
    milestone_permissions_sync,
    task_report_departments,
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
    reason: str = "",
    strict_dates: bool = False,
) -> Milestone:
    """Create a milestone. ``strict_dates`` (the pages and the API): a due date in the past is refused
    to a liaison and needs a reason from the supervision office (loaders and back-fills pass False)."""
    _check_owner(task, owner)
    require(
        can_create_milestone(by, task, owner),
        _("You may create milestones only for your own department, or for any department of a task you lead."),
    )
    plan_writable_check(task.plan_id)
    if strict_dates:
        _check_not_past(due_date, by, reason)
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
    why = _("created: %(reason)s") % {"reason": reason.strip()} if reason.strip() else _("created")
    save_with_history(milestone, by, why)
    milestone_permissions_sync(milestone)
    if not by.groups.filter(pk=owner.group_id).exists():
        # Created for another department: it hears of it now, not seven days before the due date.
        emit("assigned", task=task, milestone=milestone, by=by, key=f"v{milestone.version}", department=owner)
    return milestone


def _check_not_past(due_date: dt.date, by, reason: str) -> None:
    """A due date before today: never for a liaison; the supervision office, with a reason."""
    if due_date is None or due_date >= timezone.localdate():
        return
    if not can_extend(by):
        raise ValidationError({"due_date": _("The due date cannot be in the past.")})
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the due date is in the past.")})


EDITABLE_WHILE_PLANNED = {"title", "description", "due_date", "district", "owner"}


@transaction.atomic
def milestone_update(
    *,
    milestone: Milestone,
    by,
    version: int,
    changes: dict,
    reason: str = "",
    announce: bool = True,
    strict_dates: bool = False,
) -> Milestone:
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
    plan_writable_check(milestone.task.plan_id)
    _check_version(milestone, version)
    unknown = set(changes) - EDITABLE_WHILE_PLANNED
    if unknown:
        raise ValidationError({field: _("This field cannot be changed here.") for field in unknown})
    if milestone.status == MilestoneStatus.COMPLETED:
        raise InvalidState(_("A completed milestone cannot be changed."))

    if strict_dates and "due_date" in changes and changes["due_date"] != milestone.due_date:
        _check_not_past(changes["due_date"], by, reason or ("-" if milestone.status != MilestoneStatus.PLANNED else ""))
    extended = False
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
        note = reason.strip()
        reason = _("extended: %(reason)s") % {"reason": note}
        extended = True

    milestone.version += 1
    save_with_history(milestone, by, reason or _("edited"))
    milestone_permissions_sync(milestone)
    if extended and announce:
        emit(
            "extension_granted",
            task=milestone.task,
            milestone=milestone,
            by=by,
            key=f"v{milestone.version}",
            note=f"{milestone.due_date:%Y-%m-%d}: {note}",
            department=milestone.owner,
        )
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
def milestone_transition(
    *, milestone: Milestone, action: str, by, note: str = "", evidence=None, report_required: bool = False
) -> Milestone:
    """start / submit (owner department), approve / return (supervision office).

    ``note`` on submit is the completion report (办结报告; the pages and the API require it:
    ``report_required``), with optional ``evidence``; on return, the reason."""
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
    plan_writable_check(milestone.task.plan_id)
    allowed_from, target = TRANSITIONS[action]
    if milestone.status not in allowed_from:
        raise InvalidState(
            _("Cannot %(action)s a milestone that is %(status)s.")
            % {"action": action, "status": milestone.get_status_display()}
        )
    note = note.strip()
    if action == "return" and not note:
        raise ValidationError({"note": _("Say why the milestone is returned.")})
    if action == "submit" and report_required and not note:
        raise ValidationError({"note": _("Write the completion report: what was done.")})

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
    if action == "submit" and (note or evidence is not None):
        report = CompletionReport(milestone=milestone, text=note, author=by)
        if evidence is not None:
            report.evidence, report.evidence_name = checked_upload(evidence, field="evidence")
        report.save()
    elif action == "return":
        # The last completion report goes back with the reason.
        last = milestone.completion_reports.order_by("-created_at", "-id").first()
        if last is not None:
            last.return_reason = note
            last.save(update_fields=["return_reason"])
    event = {"start": "started", "submit": "submitted", "approve": "approved", "return": "returned"}[action]
    emit(
        event,
        task=milestone.task,
        milestone=milestone,
        by=by,
        key=f"v{milestone.version}",
        note=note,
        department=milestone.owner,
    )
    return milestone


@transaction.atomic
def progress_update_create(*, milestone: Milestone, by, percent: int, summary: str, attachment=None) -> ProgressUpdate:
    milestone = _locked_milestone(milestone)
    require(can_work_on(by, milestone), _("Only the owner department may report progress on it."))
    plan_writable_check(milestone.task.plan_id)
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
    plan_writable_check(implementation.task.plan_id)
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
    plan_writable_check(implementation.task.plan_id)
    if implementation.status != ImplementationStatus.CONFIRMED:
        raise InvalidState(_("Only a confirmed implementation can be rejected."))
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the confirmation is rejected.")})
    implementation.status = ImplementationStatus.REJECTED
    implementation.rejection_reason = reason.strip()
    implementation.version += 1
    save_with_history(implementation, by, _("rejected: %(reason)s") % {"reason": reason.strip()})
    emit(
        "confirmation_rejected",
        task=implementation.task,
        by=by,
        key=f"i{implementation.pk}v{implementation.version}",
        note=f"{implementation.district.name}: {reason.strip()}",
        district=implementation.district,
    )
    return implementation


@transaction.atomic
def task_lead_change(*, task: KeyTask, department: Department, by, reason: str) -> KeyTask:
    """Designate another responsible department as the task's lead (牵头); recorded with its reason."""
    require(can_change_lead(by), _("Only the supervision office may change a task's lead."))
    plan_writable_check(task.plan_id)
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
    old_leads = []
    for responsibility in responsibilities.values():
        if responsibility.role == ResponsibilityRole.LEAD:
            responsibility.role = ResponsibilityRole.CO
            save_with_history(responsibility, by, message)
            old_leads.append(responsibility.department)
    new_lead.role = ResponsibilityRole.LEAD
    save_with_history(new_lead, by, message)
    task_permissions_sync(task)
    history_id = new_lead.history.order_by("-history_id").values_list("history_id", flat=True).first()
    emit(
        "lead_changed",
        task=task,
        by=by,
        key=f"h{history_id}",
        note=_("%(old)s → %(new)s: %(reason)s")
        % {"old": "、".join(d.name for d in old_leads) or "—", "new": department.name, "reason": reason.strip()},
        departments=[*old_leads, department],
    )
    return task


# --- 延期申请 (extension requests) -------------------------------------------------------------


@transaction.atomic
def extension_request_create(*, milestone: Milestone, by, due_date: dt.date, reason: str) -> ExtensionRequest:
    """The owner department asks for a later due date, with its reason."""
    milestone = _locked_milestone(milestone)
    require(can_work_on(by, milestone), _("Only the owner department may ask for an extension."))
    plan_writable_check(milestone.task.plan_id)
    if milestone.status not in (MilestoneStatus.IN_PROGRESS, MilestoneStatus.SUBMITTED):
        raise InvalidState(
            _("An extension is asked for a milestone under way; this one is %(status)s.")
            % {"status": milestone.get_status_display()}
        )
    if milestone.extension_requests.filter(status=ExtensionStatus.PENDING).exists():
        raise InvalidState(_("An extension request for this milestone is already awaiting a decision."))
    errors = {}
    if due_date is None:
        errors["due_date"] = _("Give the new due date.")
    elif due_date < timezone.localdate():
        errors["due_date"] = _("The new due date cannot be in the past.")
    elif due_date <= milestone.due_date:
        errors["due_date"] = _("The new due date must be later than the current one (%(due)s).") % {
            "due": milestone.due_date.isoformat()
        }
    if not (reason or "").strip():
        errors["reason"] = _("Give the reason for the extension (延期).")
    if errors:
        raise ValidationError(errors)
    request = ExtensionRequest.objects.create(
        milestone=milestone,
        department=milestone.owner,
        previous_due_date=milestone.due_date,
        due_date=due_date,
        reason=reason.strip(),
        requested_by=by,
    )
    emit(
        "extension_requested",
        task=milestone.task,
        milestone=milestone,
        by=by,
        key=f"x{request.pk}",
        note=_("%(old)s → %(new)s: %(reason)s")
        % {"old": milestone.due_date.isoformat(), "new": due_date.isoformat(), "reason": request.reason},
        department=milestone.owner,
    )
    return request


@transaction.atomic
def extension_request_decide(*, request: ExtensionRequest, by, decision: str, reason: str = "") -> ExtensionRequest:
    """The supervision office grants (the due date moves, the baseline stays) or refuses, with a reason."""
    require(can_extend(by), _("Only the supervision office may decide on an extension."))
    plan_writable_check(request.milestone.task.plan_id)
    request = ExtensionRequest.objects.select_for_update(of=("self",)).select_related("milestone").get(pk=request.pk)
    if decision not in ("grant", "refuse"):
        raise ValidationError({"decision": _("Choose grant or refuse.")})
    if request.status != ExtensionStatus.PENDING:
        raise InvalidState(
            _("This request was already decided (%(status)s).") % {"status": request.get_status_display()}
        )
    reason = (reason or "").strip()
    milestone = request.milestone
    if decision == "refuse" and not reason:
        raise ValidationError({"reason": _("Say why the extension is refused.")})
    if decision == "grant":
        if request.due_date < timezone.localdate() and not reason:
            raise ValidationError({"reason": _("The requested date has passed: say why it is granted anyway.")})
        milestone = milestone_update(
            milestone=milestone,
            by=by,
            version=Milestone.objects.get(pk=milestone.pk).version,
            changes={"due_date": request.due_date},
            reason=_("extension request granted: %(reason)s") % {"reason": reason or request.reason},
            announce=False,
        )
    request.status = ExtensionStatus.GRANTED if decision == "grant" else ExtensionStatus.REFUSED
    request.decided_by = by
    request.decided_at = timezone.now()
    request.decision_reason = reason
    request.save()
    emit(
        "extension_granted" if decision == "grant" else "extension_refused",
        task=milestone.task,
        milestone=milestone,
        by=by,
        key=f"x{request.pk}",
        note=(f"{request.due_date:%Y-%m-%d}. {reason}" if decision == "grant" else reason).strip(),
        department=request.department,
    )
    return request


# --- comments --------------------------------------------------------------------------------


def _mentioned(text: str, task: KeyTask) -> list[Department]:
    """The task's departments named after an "@" (by name, short name or code)."""
    if "@" not in text:
        return []
    found = []
    for department in task.departments.all():
        short = department.name.removeprefix("苏州").removeprefix("市")
        names = {department.name, department.code, short if len(short) >= 2 else ""}
        if any(name and f"@{name}" in text for name in names):
            found.append(department)
    return found


@transaction.atomic
def milestone_comment_create(*, milestone: Milestone, by, text: str) -> MilestoneComment:
    """A comment by someone who sees the milestone; "@部门" notifies that department's liaisons."""
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": _("Write the comment.")})
    plan_writable_check(milestone.task.plan_id)
    comment = MilestoneComment.objects.create(milestone=milestone, author=by, text=text)
    mentions = _mentioned(text, milestone.task)
    if mentions:
        comment.mentions.set(mentions)
        emit(
            "commented",
            task=milestone.task,
            milestone=milestone,
            by=by,
            key=f"c{comment.pk}",
            note=text[:500],
            departments=mentions,
        )
    return comment


def report_month(text_or_date) -> dt.date:
    """"2026-11" (or a date in it) → 2026-11-01; a ValidationError on ``month`` otherwise."""
    if isinstance(text_or_date, dt.date):
        return text_or_date.replace(day=1)
    text = str(text_or_date or "").strip()
    try:
        year, month = (int(part) for part in text.split("-"))
        return dt.date(year, month, 1)
    except (ValueError, TypeError):
        raise ValidationError({"month": _("Give the month as 2026-11.")}) from None


@transaction.atomic
def task_report_file(*, task: KeyTask, department: Department, month, summary: str, by) -> TaskReport:
    """月度报送: a responsible department's report on a task for a month, filed by one of its people
    (also a department that owns no milestone of the task). Filing again replaces the text."""
    require(
        task_report_departments(by, task).filter(pk=department.pk).exists(),
        _("Only a department responsible for the task reports on it, by its own people."),
    )
    plan_writable_check(task.plan_id)
    first_day = report_month(month)
    this_month = timezone.localdate().replace(day=1)
    if first_day > this_month:
        raise ValidationError({"month": _("A month that has not begun cannot be reported on.")})
    try:
        date_plausible(first_day)
    except ValidationError as error:
        raise ValidationError({"month": error.messages}) from None
    summary = (summary or "").strip()
    if not summary:
        raise ValidationError({"summary": _("Write what was done this month.")})
    report = (
        TaskReport.objects.select_for_update()
        .filter(task=task, department=department, month=first_day)
        .first()
    )
    if report is None:
        report = TaskReport(task=task, department=department, month=first_day)
    report.summary, report.author = summary, by
    save_with_history(report, by, check_unique=False)
    return report
