from __future__ import annotations

from django.contrib.contenttypes.models import ContentType
from django.db.models import Q
from django.dispatch import receiver

from departments.models import District
from tasks_app.core.access import has_global, has_object_perm, perm, sync_rows
from tasks_app.plan.models import KeyTask
from tasks_app.plan.permissions import (
    ADD_OWN,
    can_manage_task_milestones,
    restricted,
    task_responsibilities_synced,
    visible_scope,
)
from tasks_app.workflow.models import ExtensionRequest, Milestone, ProgressUpdate, TaskReport

WORK_ON = "work_on_milestone"


VIEW_MILESTONE = "view_milestone"


@receiver(task_responsibilities_synced, dispatch_uid="workflow-milestone-owner-rows")
def _on_task_responsibilities_synced(sender, *, task, department_ids, **kwargs) -> None:
    milestone_owner_rows_sync(task, department_ids)


def milestone_owner_rows_sync(task: KeyTask, responsible_department_ids: set[int]) -> None:
    milestones = list(task.milestones.select_related("owner", "district"))
    if not milestones:
        return
    milestone_type = ContentType.objects.get_for_model(Milestone)
    work_on, view = perm(WORK_ON), perm(VIEW_MILESTONE)
    wanted: set[tuple[int, int, str]] = set()
    for milestone in milestones:
        wanted |= _milestone_rows(milestone, responsible_department_ids, work_on.pk, view.pk)
    sync_rows(milestone_type, [str(m.pk) for m in milestones], wanted, [WORK_ON, VIEW_MILESTONE])


def _milestone_rows(milestone: Milestone, responsible_department_ids, work_on_id: int, view_id: int) -> set:
    rows = set()
    if milestone.owner_id in responsible_department_ids:
        rows.add((milestone.owner.group_id, work_on_id, str(milestone.pk)))
    if milestone.district_id:
        rows.add((milestone.district.group_id, view_id, str(milestone.pk)))
    return rows


def milestone_permissions_sync(milestone: Milestone) -> None:
    """Grant (or move, after an owner or district change) the milestone's own rows."""
    responsible = set(milestone.task.responsibilities.values_list("department_id", flat=True))
    wanted = _milestone_rows(milestone, responsible, perm(WORK_ON).pk, perm(VIEW_MILESTONE).pk)
    sync_rows(ContentType.objects.get_for_model(Milestone), [str(milestone.pk)], wanted, [WORK_ON, VIEW_MILESTONE])


def milestones_visible_to(user):
    """Milestones of the tasks the user's department is responsible for, or tied to its district.

    A district's own rows (per-object ``view_milestone``) are granted by ``_milestone_rows`` for
    exactly the milestones whose ``district`` is that district: the query asks for the column — an
    index — instead of walking the per-object rows (at a million milestones a district holds
    thousands, and the walk was most of a district officer's board)."""
    scope = visible_scope(user, Milestone, VIEW_MILESTONE)
    _kind, task_ids, own = scope
    if own is None:
        return restricted(Milestone.objects.all(), scope)
    district_ids = list(District.objects.filter(group__user=user).values_list("pk", flat=True))
    return Milestone.objects.filter(Q(task_id__in=task_ids) | Q(district_id__in=district_ids))


def progress_updates_visible_to(user):
    """The updates of the milestones the user may see (an update carries its task: same index)."""
    scope = visible_scope(user, Milestone, VIEW_MILESTONE)
    return restricted(ProgressUpdate.objects.all(), scope, own_field="milestone_id")


def can_create_milestone(user, task: KeyTask, owner) -> bool:
    if can_manage_task_milestones(user, task):
        return True
    return has_object_perm(user, ADD_OWN, task) and user.groups.filter(pk=owner.group_id).exists()


def can_work_on(user, milestone: Milestone) -> bool:
    return has_object_perm(user, WORK_ON, milestone)


def can_edit_planned(user, milestone: Milestone) -> bool:
    return can_manage_task_milestones(user, milestone.task) or can_work_on(user, milestone)


def can_approve(user) -> bool:
    return has_global(user, "approve_milestone")


def can_extend(user) -> bool:
    return has_global(user, "extend_milestone")


def extension_requests_visible_to(user):
    """The extension requests of the milestones the user may see."""
    scope = visible_scope(user, Milestone, VIEW_MILESTONE)
    kind, task_ids, own = scope
    queryset = ExtensionRequest.objects.all()
    if kind == "all":
        return queryset
    if kind == "none":
        return queryset.none()
    by_task = queryset.filter(milestone__task_id__in=task_ids)
    return by_task if own is None else by_task | queryset.filter(milestone_id__in=own)


def task_reports_visible_to(user):
    """The monthly task reports of the tasks whose records the user may see (a district: the tasks
    it implements are not enough — the reports are the departments')."""
    kind, task_ids, _own = visible_scope(user, Milestone, VIEW_MILESTONE)
    if kind == "all":
        return TaskReport.objects.all()
    if kind == "none":
        return TaskReport.objects.none()
    return TaskReport.objects.filter(task_id__in=task_ids)


def task_report_departments(user, task: KeyTask):
    """The departments responsible for ``task`` that the user reports for (their own units)."""
    from departments.models import Department

    return Department.objects.filter(responsibilities__task=task, group__user=user).distinct().order_by("position")
