from __future__ import annotations

from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import Signal, receiver
from guardian.models import GroupObjectPermission
from guardian.shortcuts import get_objects_for_user

from departments.models import Government, GovernmentLevel
from departments.roles import ensure_office_groups
from departments.selectors import user_government_ids
from departments.services import government_office_groups_ensure
from tasks_app.core.access import APP, has_global, has_object_perm, perm, remembered, sync_rows
from tasks_app.plan.models import Implementation, KeyTask, ResponsibilityRole

# Sent inside task_permissions_sync's transaction with ``task`` and ``department_ids`` (the
# departments now responsible): whatever derives access from a task's responsibilities follows.
task_responsibilities_synced = Signal()

VIEW_RECORDS = "view_task_records"


ADD_OWN = "add_own_milestone"


MANAGE = "manage_task_milestones"


VIEW_IMPLEMENTATION = "view_implementation"


CONFIRM = "confirm_implementation"


READ_EVERYTHING = [
    "view_keytask",
    VIEW_RECORDS,
    "view_milestone",
    "view_progressupdate",
    VIEW_IMPLEMENTATION,
    "view_indicatorreport",
]


SUPERVISION_RIGHTS = [
    *READ_EVERYTHING,
    MANAGE,
    "approve_milestone",
    "extend_milestone",
    "change_task_lead",
    "reject_implementation",
    "publish_assessment",
    "change_indicatorreport",
]


def office_permissions_sync() -> None:
    """Give every government's supervision office and leadership groups their model-wide rights
    (idempotent): a city's office its city's work (``visible_scope`` keeps it there), the
    province's two groups the right to read every city's, nothing more."""
    supervision, leadership = ensure_office_groups()
    government_office_groups_ensure()
    rights = Permission.objects.filter(content_type__app_label=APP, codename__in=SUPERVISION_RIGHTS)
    reading = Permission.objects.filter(content_type__app_label=APP, codename__in=READ_EVERYTHING)
    supervision.permissions.set(rights)
    leadership.permissions.set(reading)
    for government in Government.objects.select_related("supervision_group", "leadership_group"):
        province = government.level == GovernmentLevel.PROVINCE
        if government.supervision_group is not None:
            government.supervision_group.permissions.set(reading if province else rights)
        if government.leadership_group is not None:
            government.leadership_group.permissions.set(reading)


def government_task_ids(user) -> list[int] | None:
    """The ids of the tasks of the plans of the user's governments, or ``None`` when the user is not
    limited to some governments (see ``departments.selectors.user_government_ids``)."""
    ids = user_government_ids(user)
    if ids is None:
        return None
    return remembered(
        user,
        "government-tasks",
        lambda: list(KeyTask.objects.filter(plan__government_id__in=ids).values_list("pk", flat=True)),
    )


def in_users_government(user, task: KeyTask) -> bool:
    """Whether the task's plan is one of the user's governments' (what a model-wide right reaches)."""
    ids = user_government_ids(user)
    return ids is None or task.plan.government_id in ids


@transaction.atomic
def task_permissions_sync(task: KeyTask) -> None:
    """Recompute every object permission that derives from the task's responsibilities."""
    responsibilities = list(task.responsibilities.select_related("department"))
    task_type = ContentType.objects.get_for_model(KeyTask)
    view, add_own, manage = perm(VIEW_RECORDS), perm(ADD_OWN), perm(MANAGE)
    wanted: set[tuple[int, int, str]] = set()
    for responsibility in responsibilities:
        group_id = responsibility.department.group_id
        wanted |= {(group_id, view.pk, str(task.pk)), (group_id, add_own.pk, str(task.pk))}
        if responsibility.role == ResponsibilityRole.LEAD:
            wanted.add((group_id, manage.pk, str(task.pk)))
    sync_rows(task_type, [str(task.pk)], wanted, [VIEW_RECORDS, ADD_OWN, MANAGE])
    # The rows of the task's milestones follow its responsibilities too; the workflow, which owns
    # milestones, listens (the plan knows nothing of milestones).
    task_responsibilities_synced.send(
        sender=KeyTask, task=task, department_ids={r.department_id for r in responsibilities}
    )


def implementation_permissions_sync(implementations) -> None:
    """The district's group may see and confirm its own implementation records."""
    implementations = list(implementations)
    if not implementations:
        return
    view, confirm = perm(VIEW_IMPLEMENTATION), perm(CONFIRM)
    wanted = set()
    for implementation in implementations:
        group_id = implementation.district.group_id
        wanted |= {(group_id, view.pk, str(implementation.pk)), (group_id, confirm.pk, str(implementation.pk))}
    sync_rows(
        ContentType.objects.get_for_model(Implementation),
        [str(i.pk) for i in implementations],
        wanted,
        [VIEW_IMPLEMENTATION, CONFIRM],
    )


def visible_scope(user, model, own_codename: str):
    """What of ``model`` the user may see: ``"all"`` for the offices, ``"none"``, or the ids of the
    tasks whose records the user's department may see and — only for a user who holds any per-object
    rows (a district) — a subquery of the objects granted one by one.

    The task ids (at most a plan's worth) are read first and written into the query as a list: a
    department's liaison then gets ``task_id IN (…)``, which the database answers from an index at
    any size, instead of an OR of two subqueries that makes it read every row."""
    if not user.is_authenticated:
        return "none", [], None
    if has_global(user, own_codename):
        # A city's office reads its own city's work only: with more than one government, "all"
        # becomes the tasks of the user's governments' plans.
        government_tasks = government_task_ids(user)
        if government_tasks is None:
            return "all", [], None
        return "tasks", government_tasks, None
    task_ids, has_own_rows = remembered(
        user, f"scope-{model._meta.label_lower}-{own_codename}", lambda: _tasks_and_own_rows(user, model, own_codename)
    )
    if not has_own_rows:
        return "tasks", task_ids, None
    own = get_objects_for_user(user, f"{APP}.{own_codename}", model, accept_global_perms=False)
    return "tasks", task_ids, own.values("pk")


def _tasks_and_own_rows(user, model, own_codename: str) -> tuple[list[int], bool]:
    """The tasks whose records the user's units may see, and whether the user holds any per-object
    row of ``own_codename`` on ``model`` (a district's own milestones)."""
    task_ids = list(
        get_objects_for_user(user, f"{APP}.{VIEW_RECORDS}", KeyTask, accept_global_perms=False).values_list(
            "pk", flat=True
        )
    )
    own_rows = GroupObjectPermission.objects.filter(
        group__user=user,
        permission__codename=own_codename,
        permission__content_type__app_label=APP,
        content_type=ContentType.objects.get_for_model(model),
    )
    return task_ids, own_rows.exists()


def restricted(queryset, scope: tuple, own_field: str = "pk"):
    """``queryset`` cut to a ``visible_scope``: the tasks' rows, plus the own ones by ``own_field``."""
    kind, task_ids, own = scope
    if kind == "all":
        return queryset
    if kind == "none":
        return queryset.none()
    by_task = queryset.filter(task_id__in=task_ids)
    return by_task if own is None else by_task | queryset.filter(**{f"{own_field}__in": own})


def task_records_or_own(user, model, own_codename: str):
    """All rows for the offices; otherwise the rows of tasks the user's department is responsible
    for, plus those granted to the user's district. Two small queries, the same at any size."""
    return restricted(model.objects.all(), visible_scope(user, model, own_codename))


def implementations_visible_to(user):
    """A district sees its own; a department those of its tasks; the offices all."""
    return task_records_or_own(user, Implementation, VIEW_IMPLEMENTATION)


def can_manage_task_milestones(user, task: KeyTask) -> bool:
    return (has_global(user, MANAGE) and in_users_government(user, task)) or has_object_perm(user, MANAGE, task)


def can_add_own_milestone(user, task: KeyTask) -> bool:
    return has_object_perm(user, ADD_OWN, task)


def can_see_task_records(user, task: KeyTask) -> bool:
    return (has_global(user, VIEW_RECORDS) and in_users_government(user, task)) or has_object_perm(
        user, VIEW_RECORDS, task
    )


def can_change_lead(user) -> bool:
    return has_global(user, "change_task_lead")


def can_confirm(user, implementation: Implementation) -> bool:
    return has_object_perm(user, CONFIRM, implementation)


def can_reject_confirmation(user) -> bool:
    return has_global(user, "reject_implementation")


# --- permission rows follow every change of responsibilities, whatever made it --------------------
# The services, the plan import and the Django admin all save TaskResponsibility rows: the rows of
# access are recomputed on the save itself, so no path (an admin inline, a shell, a future import)
# can leave a department without access to its task or keep a removed one in.


@receiver(post_save, sender="tasks_app.TaskResponsibility", dispatch_uid="plan-responsibility-saved")
@receiver(post_delete, sender="tasks_app.TaskResponsibility", dispatch_uid="plan-responsibility-deleted")
def _on_responsibility_changed(sender, instance, raw=False, **kwargs) -> None:
    if raw:  # loaddata: the rows are restored as they were
        return
    task = KeyTask.objects.filter(pk=instance.task_id).first()
    if task is not None:
        task_permissions_sync(task)


@receiver(post_save, sender="tasks_app.Implementation", dispatch_uid="plan-implementation-saved")
def _on_implementation_saved(sender, instance, created=False, raw=False, update_fields=None, **kwargs) -> None:
    if raw or (not created and update_fields is not None and "district" not in update_fields):
        return
    implementation_permissions_sync(Implementation.objects.filter(pk=instance.pk).select_related("district"))
