"""Who may do what to which object: the one file that grants and revokes permissions.

Object permissions (django-guardian) are granted to *groups* only — a department's, a district's —
never to individual accounts; office-wide rights are model permissions of the office groups.

- KeyTask: every responsible department's group gets ``view_task_records`` and
  ``add_own_milestone``; the lead's group also ``manage_task_milestones``.
- Milestone: the owner department's group gets ``work_on_milestone`` (start, submit, progress
  updates, edit while planned) while the department is still responsible for the task; the
  milestone's district group gets ``view_milestone``.
- Implementation: the district's group gets ``view_implementation`` and ``confirm_implementation``.
- Supervision office: model-wide view rights plus approve / return, extend, change lead, reject a
  confirmation, manage milestones. Leadership: model-wide view rights only.

``task_permissions_sync`` recomputes a task's rows from its responsibilities, so a lead change
or a removed department moves or revokes access in the same transaction.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import Q
from guardian.core import ObjectPermissionChecker
from guardian.models import GroupObjectPermission
from guardian.shortcuts import get_objects_for_user

from departments.roles import ensure_office_groups

from .models import Implementation, KeyTask, Milestone, ProgressUpdate, ResponsibilityRole

APP = "tasks_app"
VIEW_RECORDS = "view_task_records"
ADD_OWN = "add_own_milestone"
MANAGE = "manage_task_milestones"
WORK_ON = "work_on_milestone"
VIEW_MILESTONE = "view_milestone"
VIEW_IMPLEMENTATION = "view_implementation"
CONFIRM = "confirm_implementation"

READ_EVERYTHING = [
    "view_keytask",
    VIEW_RECORDS,
    VIEW_MILESTONE,
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


def _perm(codename: str) -> Permission:
    return Permission.objects.get(content_type__app_label=APP, codename=codename)


def office_permissions_sync() -> None:
    """Give the supervision office and leadership groups their model-wide rights (idempotent)."""
    supervision, leadership = ensure_office_groups()
    supervision.permissions.set(Permission.objects.filter(content_type__app_label=APP, codename__in=SUPERVISION_RIGHTS))
    leadership.permissions.set(Permission.objects.filter(content_type__app_label=APP, codename__in=READ_EVERYTHING))


def _sync_rows(content_type, object_pks: list[str], wanted: set[tuple[int, int, str]], codenames: list[str]) -> None:
    """Make the (group id, permission id, object pk) rows for these objects and permissions exactly
    ``wanted``: add what is missing, delete what is not wanted, in two or three queries."""
    permission_ids = {p.pk for p in Permission.objects.filter(content_type=content_type, codename__in=codenames)}
    existing_rows = GroupObjectPermission.objects.filter(
        content_type=content_type, object_pk__in=object_pks, permission_id__in=permission_ids
    )
    existing = {(row.group_id, row.permission_id, row.object_pk): row.pk for row in existing_rows}
    stale = [pk for key, pk in existing.items() if key not in wanted]
    if stale:
        GroupObjectPermission.objects.filter(pk__in=stale).delete()
    missing = [key for key in wanted if key not in existing]
    GroupObjectPermission.objects.bulk_create(
        [
            GroupObjectPermission(group_id=g, permission_id=p, content_type=content_type, object_pk=o)
            for g, p, o in missing
        ]
    )


@transaction.atomic
def task_permissions_sync(task: KeyTask) -> None:
    """Recompute every object permission that derives from the task's responsibilities."""
    responsibilities = list(task.responsibilities.select_related("department"))
    task_type = ContentType.objects.get_for_model(KeyTask)
    view, add_own, manage = _perm(VIEW_RECORDS), _perm(ADD_OWN), _perm(MANAGE)
    wanted: set[tuple[int, int, str]] = set()
    for responsibility in responsibilities:
        group_id = responsibility.department.group_id
        wanted |= {(group_id, view.pk, str(task.pk)), (group_id, add_own.pk, str(task.pk))}
        if responsibility.role == ResponsibilityRole.LEAD:
            wanted.add((group_id, manage.pk, str(task.pk)))
    _sync_rows(task_type, [str(task.pk)], wanted, [VIEW_RECORDS, ADD_OWN, MANAGE])
    _milestone_owner_rows_sync(task, {r.department_id for r in responsibilities})


def _milestone_owner_rows_sync(task: KeyTask, responsible_department_ids: set[int]) -> None:
    milestones = list(task.milestones.select_related("owner", "district"))
    if not milestones:
        return
    milestone_type = ContentType.objects.get_for_model(Milestone)
    work_on, view = _perm(WORK_ON), _perm(VIEW_MILESTONE)
    wanted: set[tuple[int, int, str]] = set()
    for milestone in milestones:
        wanted |= _milestone_rows(milestone, responsible_department_ids, work_on.pk, view.pk)
    _sync_rows(milestone_type, [str(m.pk) for m in milestones], wanted, [WORK_ON, VIEW_MILESTONE])


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
    wanted = _milestone_rows(milestone, responsible, _perm(WORK_ON).pk, _perm(VIEW_MILESTONE).pk)
    _sync_rows(ContentType.objects.get_for_model(Milestone), [str(milestone.pk)], wanted, [WORK_ON, VIEW_MILESTONE])


def implementation_permissions_sync(implementations) -> None:
    """The district's group may see and confirm its own implementation records."""
    implementations = list(implementations)
    if not implementations:
        return
    view, confirm = _perm(VIEW_IMPLEMENTATION), _perm(CONFIRM)
    wanted = set()
    for implementation in implementations:
        group_id = implementation.district.group_id
        wanted |= {(group_id, view.pk, str(implementation.pk)), (group_id, confirm.pk, str(implementation.pk))}
    _sync_rows(
        ContentType.objects.get_for_model(Implementation),
        [str(i.pk) for i in implementations],
        wanted,
        [VIEW_IMPLEMENTATION, CONFIRM],
    )


# --- reads: the one door to records -------------------------------------------------------------


def _has_global(user, codename: str) -> bool:
    return user.is_active and user.has_perm(f"{APP}.{codename}")


def _has_object_perm(user, codename: str, obj) -> bool:
    """Object permission through one guardian checker per user object (i.e. per request), which
    fetches an object's permissions once and answers every later question from its cache."""
    if not user.is_active:
        return False
    if user.is_superuser:
        return True
    checker = getattr(user, "_cbec_permission_checker", None)
    if checker is None:
        checker = user._cbec_permission_checker = ObjectPermissionChecker(user)
    return checker.has_perm(codename, obj)


def tasks_with_records_visible_to(user):
    return get_objects_for_user(user, f"{APP}.{VIEW_RECORDS}", KeyTask, accept_global_perms=True)


def _visible_scope(user, model, own_codename: str):
    """What of ``model`` the user may see: ``"all"`` for the offices, ``"none"``, or the ids of the
    tasks whose records the user's department may see and — only for a user who holds any per-object
    rows (a district) — a subquery of the objects granted one by one.

    The task ids (at most a plan's worth) are read first and written into the query as a list: a
    department's liaison then gets ``task_id IN (…)``, which the database answers from an index at
    any size, instead of an OR of two subqueries that makes it read every row."""
    if not user.is_authenticated:
        return "none", [], None
    if _has_global(user, own_codename):
        return "all", [], None
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
    if not own_rows.exists():
        return "tasks", task_ids, None
    own = get_objects_for_user(user, f"{APP}.{own_codename}", model, accept_global_perms=False)
    return "tasks", task_ids, own.values("pk")


def _restricted(queryset, scope: tuple, own_field: str = "pk"):
    """``queryset`` cut to a ``_visible_scope``: the tasks' rows, plus the own ones by ``own_field``."""
    kind, task_ids, own = scope
    if kind == "all":
        return queryset
    if kind == "none":
        return queryset.none()
    by_task = queryset.filter(task_id__in=task_ids)
    return by_task if own is None else by_task | queryset.filter(**{f"{own_field}__in": own})


def _task_records_or_own(user, model, own_codename: str):
    """All rows for the offices; otherwise the rows of tasks the user's department is responsible
    for, plus those granted to the user's district. Two small queries, the same at any size."""
    return _restricted(model.objects.all(), _visible_scope(user, model, own_codename))


def milestones_visible_to(user):
    """Milestones of the tasks the user's department is responsible for, or tied to its district."""
    return _task_records_or_own(user, Milestone, VIEW_MILESTONE)


def progress_updates_visible_to(user):
    """The updates of the milestones the user may see (an update carries its task: same index)."""
    scope = _visible_scope(user, Milestone, VIEW_MILESTONE)
    return _restricted(ProgressUpdate.objects.all(), scope, own_field="milestone_id")


def implementations_visible_to(user):
    """A district sees its own; a department those of its tasks; the offices all."""
    return _task_records_or_own(user, Implementation, VIEW_IMPLEMENTATION)


# --- checks for one object ----------------------------------------------------------------------


def can_manage_task_milestones(user, task: KeyTask) -> bool:
    return _has_global(user, MANAGE) or _has_object_perm(user, MANAGE, task)


def can_create_milestone(user, task: KeyTask, owner) -> bool:
    if can_manage_task_milestones(user, task):
        return True
    return _has_object_perm(user, ADD_OWN, task) and user.groups.filter(pk=owner.group_id).exists()


def can_work_on(user, milestone: Milestone) -> bool:
    return _has_object_perm(user, WORK_ON, milestone)


def can_edit_planned(user, milestone: Milestone) -> bool:
    return can_manage_task_milestones(user, milestone.task) or can_work_on(user, milestone)


def can_add_own_milestone(user, task: KeyTask) -> bool:
    return _has_object_perm(user, ADD_OWN, task)


def can_see_task_records(user, task: KeyTask) -> bool:
    return _has_global(user, VIEW_RECORDS) or _has_object_perm(user, VIEW_RECORDS, task)


def can_approve(user) -> bool:
    return _has_global(user, "approve_milestone")


def can_extend(user) -> bool:
    return _has_global(user, "extend_milestone")


def can_change_lead(user) -> bool:
    return _has_global(user, "change_task_lead")


def can_confirm(user, implementation: Implementation) -> bool:
    return _has_object_perm(user, CONFIRM, implementation)


def can_see_all_assessments(user) -> bool:
    """The offices see every scorecard before publication."""
    return _has_global(user, VIEW_RECORDS)


def can_publish_assessment(user) -> bool:
    return _has_global(user, "publish_assessment")


def indicator_reports_visible_to(user):
    """A district sees its own figures and the city's; departments the city's; the offices all;
    every figure of a published period is visible to all."""
    from .models import AssessmentPublication, IndicatorReport

    queryset = IndicatorReport.objects.all()
    if not user.is_authenticated:
        return queryset.none()
    if _has_global(user, VIEW_RECORDS):
        return queryset
    published = list(AssessmentPublication.objects.values_list("period", flat=True))
    published_years = [p for p in published if len(p) == 4]
    visible = Q(district__isnull=True) | Q(district__group__user=user) | Q(period__in=published)
    for year in published_years:
        visible |= Q(period__startswith=f"{year}-Q")
    return queryset.filter(visible).distinct()


def can_report_indicator(user, district) -> bool:
    """A district reports its own figures; the designated data-source departments (settings
    CBEC_CITY_DATA_DEPARTMENTS, e.g. 市商务局 and 苏州海关) the city's; the office any."""
    if _has_global(user, "change_indicatorreport"):
        return True
    if district is not None:
        return user.groups.filter(pk=district.group_id).exists()
    return user.groups.filter(department__code__in=settings.CBEC_CITY_DATA_DEPARTMENTS).exists()


def can_reject_confirmation(user) -> bool:
    return _has_global(user, "reject_implementation")
