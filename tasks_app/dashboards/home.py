"""Each role's home page: "what do I need to do today"."""

from __future__ import annotations

import datetime as dt

from django.db.models import Exists, OuterRef
from django.shortcuts import render
from django.urls import get_script_prefix
from django.utils import timezone
from django.utils.functional import SimpleLazyObject
from django.utils.translation import get_language

from departments.models import Department, District
from departments.roles import Role, user_roles
from tasks_app.assessment.models import IndicatorReport, IndicatorTarget
from tasks_app.core.changes import data_version
from tasks_app.core.paginators import cached_count
from tasks_app.dashboards.leadership import leadership_overview
from tasks_app.plan.models import Implementation, ImplementationStatus, TaskResponsibility
from tasks_app.plan.selectors import current_plan, plan_task_ids
from tasks_app.reminders.models import Notification, Reminder, ReminderKind
from tasks_app.reminders.selectors import overdue_milestones
from tasks_app.workflow.models import Milestone, MilestoneStatus, ProgressUpdate, TaskReport
from tasks_app.workflow.permissions import milestones_visible_to

OPEN = [MilestoneStatus.PLANNED, MilestoneStatus.IN_PROGRESS, MilestoneStatus.SUBMITTED]
NOT_YET_SUBMITTED = [MilestoneStatus.PLANNED, MilestoneStatus.IN_PROGRESS]


HOME_LIST = 10
BOX_COLUMNS = (
    "title",
    "due_date",
    "status",
    "task__number",
    "task__title",
    "task__title_en",
    "owner__code",
    "owner__name",
    "owner__name_en",
)  # rows per box; the count above it is the whole number, the link opens them all


def _counted(queryset, order=("due_date", "id")) -> dict:
    """A box of the home page: how many, and the first few (two index reads at any size)."""
    return {
        "count": cached_count(queryset),
        # Only the columns the box shows (workflow/_milestone_rows.html).
        "items": list(
            queryset.select_related("task", "owner")
            .only(*BOX_COLUMNS)
            .order_by(*order)[:HOME_LIST]
        ),
    }


def _liaison(user, plan, today):
    departments = list(Department.objects.filter(group__user=user).order_by("position"))
    task_ids = plan_task_ids(plan)
    mine = Milestone.objects.filter(owner__in=departments, task_id__in=task_ids)
    soon = today + dt.timedelta(days=7)
    month_start = timezone.make_aware(dt.datetime.combine(today.replace(day=1), dt.time.min))
    updated = ProgressUpdate.objects.filter(
        task_id=OuterRef("task_id"), department_id=OuterRef("department_id"), created_at__gte=month_start
    )
    reported = TaskReport.objects.filter(
        task_id=OuterRef("task_id"), department_id=OuterRef("department_id"), month=today.replace(day=1)
    )
    responsibilities = SimpleLazyObject(
        lambda: list(
            TaskResponsibility.objects.filter(task__plan=plan, department__in=departments)
            .select_related("task", "department")
            .annotate(updated=Exists(updated) | Exists(reported))
            .order_by("task__number")
        )
    )

    def box(queryset):
        return SimpleLazyObject(lambda: _counted(queryset))

    return {
        "departments": departments,
        # The lists filter by one owner: a liaison of two departments gets the whole list (still
        # only what they may see).
        "owner_code": departments[0].code if len(departments) == 1 else "",
        # The boxes below are read only when the page draws them: their HTML is kept until the data
        # changes (the change counter in the key), so most mornings they cost no query at all.
        "cache_key": _boxes_key(user, plan, today, departments),
        # Everything assigned and not yet signed off, whatever its due date: a milestone created
        # today for next year shows here from today, not seven days before it is due.
        "open": box(mine.filter(status__in=OPEN)),
        "overdue": box(mine.filter(status__in=OPEN, due_date__lt=today)),
        "due_soon": box(mine.filter(status__in=NOT_YET_SUBMITTED, due_date__gte=today, due_date__lte=soon)),
        "returned": box(mine.filter(status=MilestoneStatus.IN_PROGRESS).exclude(return_reason="")),
        "awaiting_sign_off": box(mine.filter(status=MilestoneStatus.SUBMITTED)),
        "lead_tasks": SimpleLazyObject(lambda: [r.task for r in responsibilities if r.role == "lead"]),
        "co_tasks": SimpleLazyObject(lambda: [r.task for r in responsibilities if r.role == "co"]),
        "missing_monthly": SimpleLazyObject(lambda: [r for r in responsibilities if not r.updated]),
        "notices": _notices_box(user, task_ids),
    }


# How long a home page's boxes are kept at most (their key changes with the data anyway).
HOME_BOXES_SECONDS = 600


def _boxes_key(user, plan, today, units) -> str:
    """What a user's boxes depend on: the user and their units (membership does not move the change
    counter), the plan, the day, the data's version, the language and the plan in the URL (the
    links)."""
    return "|".join(
        [
            str(user.pk),
            ",".join(str(unit.pk) for unit in units),
            str(plan.pk),
            today.isoformat(),
            str(data_version()),
            get_language() or "",
            get_script_prefix(),
        ]
    )


def _notices_box(user, task_ids) -> dict:
    """The 督办 notices and escalations told to this user on the plan's tasks, newest first, read or
    not: when, which department is late, the level, whether it is read, and — for a notice — its
    reply date and state."""
    told = user.notifications.filter(
        reminder__kind__in=[ReminderKind.ESCALATION, ReminderKind.MANUAL], reminder__task_id__in=task_ids
    )
    # The newest ten by the inbox index first, then their rows with what they show: joined in one
    # statement, the planner sorted a lead department's million notifications (150 ms at 1M).
    newest = list(told.order_by("-created_at", "-id").values_list("pk", flat=True)[:HOME_LIST])
    # Each row says whether it is read; the number of unread ones is the header's (counting a lead
    # department's hundreds of thousands of unread escalations again here cost 150 ms at 1M).
    return {"items": _notifications_shown(newest, "reminder__notice")}


def _notifications_shown(ids: list[int], *related: str) -> list:
    """The notifications ``ids`` (newest first) with their reminder, task, milestone and department:
    each table read on its own by primary key — one select joining the five large tables took the
    database 20 ms to plan (their many partial indexes) for 0.2 ms of work."""
    if not ids:
        return []
    return list(
        Notification.objects.filter(pk__in=ids)
        .select_related("reminder")
        .prefetch_related("reminder__task", "reminder__milestone", "reminder__department", *related)
        .order_by("-created_at", "-id")
    )


def _supervision(user, plan, today):
    overdue = overdue_milestones(user, as_of=today)
    submitted = milestones_visible_to(user).filter(status=MilestoneStatus.SUBMITTED)
    return {
        "overdue_count": overdue.count(),
        "overdue_top": list(overdue[:HOME_LIST]),
        "sign_off_queue": _counted(submitted, order=("submitted_at", "id")),
        "rejected": list(
            Implementation.objects.filter(task__plan=plan, status=ImplementationStatus.REJECTED).select_related(
                "task", "district"
            )
        ),
        "year": today.year,
    }


def _district(user, plan, today):
    district = District.objects.filter(group__user=user).first()
    if district is None:
        return None
    implementations = list(
        Implementation.objects.filter(task__plan=plan, district=district)
        .select_related("task")
        .order_by("task__number")
    )
    last_year = str(today.year - 1)
    reported = set(
        IndicatorReport.objects.filter(district=district, period=last_year).values_list("indicator__code", flat=True)
    )
    targeted = (
        IndicatorTarget.objects.filter(indicator__plan=plan, level="district")
        .filter(district__isnull=True)
        .values_list("indicator__code", "indicator__name")
        .distinct()
    )
    own_targets = IndicatorTarget.objects.filter(district=district).values_list("indicator__code", "indicator__name")
    due_figures = sorted({(code, name) for code, name in [*targeted, *own_targets] if code not in reported})
    return {
        "district": district,
        "implementations": implementations,
        "confirmed": sum(1 for i in implementations if i.status == ImplementationStatus.CONFIRMED),
        "due_figures": due_figures,
        "last_year": last_year,
        "year": today.year,
        # Every open milestone in the district (however far its due date), soonest first.
        "milestones": _counted(
            Milestone.objects.filter(task_id__in=plan_task_ids(plan), district=district, status__in=OPEN)
        ),
    }




def home(request):
    plan = current_plan()
    today = timezone.localdate()
    roles = user_roles(request.user)
    context = {"plan": plan, "today": today, "roles": {r.value for r in roles}}
    # New for me: the workflow steps (退回, 销号, 延期, 签收 …) told to this user and not yet read.
    # Newest first, whatever the model's default order becomes.
    # From the event reminders (a partial index) to this person's notifications of them: a lead
    # department's liaison has a million notifications of other kinds to skip otherwise.
    events = Reminder.events.values("pk")
    context["new_for_me"] = _notifications_shown(
        list(
            request.user.notifications.filter(read_at__isnull=True, reminder__in=events)
            .order_by("-created_at", "-id")
            .values_list("pk", flat=True)[:HOME_LIST]
        )
    )
    if plan is not None:
        if Role.LIAISON in roles:
            context["liaison"] = _liaison(request.user, plan, today)
        if Role.SUPERVISION in roles:
            context["supervision"] = _supervision(request.user, plan, today)
        if Role.DISTRICT in roles:
            context["district_home"] = _district(request.user, plan, today)
        if Role.LEADERSHIP in roles or Role.SUPERVISION in roles or Role.ADMIN in roles:
            context["leadership"] = leadership_overview(request.user, plan, today)
    return render(request, "dashboards/home.html", context)
