"""Milestones as a spreadsheet: the milestone list's export, the template to fill in, and the import.

The three share one set of columns, so an exported sheet is a template: edit rows, add rows, upload
it again (``exports.imports``). A row with a milestone ID changes that milestone; a row without one
creates a milestone — unless the task already has one with that title, which the row then changes
(so a re-upload of the same sheet changes nothing). Every write goes through the workflow's
services (``milestone_create`` / ``milestone_update``) with their permission rules and history.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from departments.models import Department, District
from departments.roles import SUPERVISION_GROUP, Role, user_roles
from tasks_app.core.validators import date_plausible
from tasks_app.exports import services as exports
from tasks_app.exports.imports import ImportColumn, Importer, RowAction, RowProblems, cell_text, register
from tasks_app.exports.sheets import Sheet
from tasks_app.exports.views import describe_filters
from tasks_app.plan.models import KeyTask, TaskResponsibility
from tasks_app.plan.permissions import can_manage_task_milestones
from tasks_app.plan.selectors import current_plan, plan_task_ids
from tasks_app.workflow import services
from tasks_app.workflow.filters import MilestoneFilter
from tasks_app.workflow.models import Milestone, MilestoneStatus, Rag
from tasks_app.workflow.permissions import can_create_milestone, can_edit_planned, can_extend, milestones_visible_to
from tasks_app.workflow.tables import MilestoneTable

COLUMNS = [
    ImportColumn("id", gettext_lazy("Milestone ID")),
    ImportColumn("task", gettext_lazy("Key task"), required=True),
    ImportColumn("title", gettext_lazy("Milestone"), required=True),
    ImportColumn("owner", gettext_lazy("Owner department"), required=True),
    ImportColumn("district", gettext_lazy("District")),
    ImportColumn("due_date", gettext_lazy("Due date"), required=True),
    ImportColumn("status", gettext_lazy("Status")),  # shown, not imported
    ImportColumn("rag", gettext_lazy("RAG")),  # shown, not imported
    ImportColumn("version", gettext_lazy("Version")),
]
IMPORTED = ("id", "task", "title", "owner", "district", "due_date", "version")


def _plan_milestones(user):
    return (
        milestones_visible_to(user)
        .filter(task_id__in=plan_task_ids(current_plan(user)))
        .select_related("task", "owner", "district")
    )


def milestone_rows(queryset):
    today = timezone.localdate()
    for milestone in queryset.iterator(chunk_size=2000):
        yield [
            milestone.pk,
            milestone.task.number,
            milestone.title,
            str(milestone.owner),
            str(milestone.district) if milestone.district_id else "",
            milestone.due_date,
            milestone.get_status_display(),
            str(Rag(milestone.rag(today)).label),
            milestone.version,
        ]


def milestone_export_source(user, params: dict):
    """The milestone list as the page shows it (filters, sort) — the same columns as the import."""
    filterset = MilestoneFilter(params, queryset=_plan_milestones(user).order_by("due_date", "id"))
    table = MilestoneTable(filterset.qs, order_by=params.get("sort") or None)
    queryset = table.data.data
    spec = Sheet(
        name=_("Milestones"),
        headers=[str(column.header) for column in COLUMNS],
        rows=milestone_rows(queryset),
        filters=describe_filters(filterset),
    )
    return queryset.count(), spec


exports.BOARDS["milestones"] = milestone_export_source


def milestone_template(user, task: KeyTask | None) -> Sheet:
    """The sheet to fill in: the milestones the user may change (of ``task``, or the whole plan),
    drop-downs of the tasks, departments and districts, and an instructions sheet."""
    queryset = _plan_milestones(user).order_by("task__number", "due_date", "id")
    plan = current_plan(user)
    tasks = KeyTask.objects.filter(plan=plan).order_by("number")
    if task is not None:
        queryset, tasks = queryset.filter(task=task), tasks.filter(pk=task.pk)
    changeable = [m for m in queryset if can_edit_planned(user, m) or can_extend(user)]
    departments = Department.objects.filter(responsibilities__task__in=tasks).distinct().order_by("position")
    return Sheet(
        name=_("Milestones") if task is None else _("Milestones of task %(number)s") % {"number": task.number},
        headers=[str(column.header) for column in COLUMNS],
        rows=list(
            milestone_rows(
                Milestone.objects.filter(pk__in=[m.pk for m in changeable])
                .select_related("task", "owner", "district")
                .order_by("task__number", "due_date", "id")
            )
        ),
        choices={
            1: [str(n) for n in tasks.values_list("number", flat=True)],
            3: [str(d) for d in departments],
            4: [str(d) for d in District.objects.filter(government_id=plan.government_id).order_by("position")]
            if plan
            else [],
        },
        instructions=[
            _("How to fill in this sheet"),
            _("One row per milestone. Keep the header row; the title row above it is ignored."),
            _("A row with a milestone ID changes that milestone; leave the ID empty to add a milestone."),
            _("Key task: the task number. Owner department and district: choose from the list."),
            _("Due date: an Excel date or 2026-11-24."),
            _("Status, RAG and version are for your information; keep the version as exported."),
            _(
                "Upload the sheet on the milestone import page: you see every row's change and every "
                "problem before anything is saved."
            ),
        ],
    )


def _date(value):
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = cell_text(value).replace("/", "-").replace(".", "-")
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        parts = text.split("-")
        if len(parts) == 3 and all(p.isdigit() for p in parts):
            try:
                return dt.date(int(parts[0]), int(parts[1]), int(parts[2]))
            except ValueError:
                return None
        return None


class _Units:
    """Departments or districts found by name (either language) or code."""

    def __init__(self, queryset):
        self.by_key = {}
        for unit in queryset:
            for key in (unit.name, unit.name_en, unit.code):
                if key:
                    self.by_key.setdefault(key.strip().lower(), unit)

    def get(self, text):
        return self.by_key.get(text.strip().lower())


class MilestoneImporter(Importer):
    kind = "milestones"
    label = gettext_lazy("Milestones")
    columns = COLUMNS

    def may_import(self, user) -> bool:
        if not user.is_authenticated:
            return False
        roles = user_roles(user)
        return (
            bool(roles & {Role.SUPERVISION, Role.LIAISON, Role.ADMIN})
            or user.groups.filter(name=SUPERVISION_GROUP).exists()
        )

    def check(self, user, rows, problems: RowProblems) -> list[RowAction]:
        header = {column.key: str(column.header) for column in COLUMNS}
        # The user's plan, also in a worker (no request there); only its government's units may be
        # named: another city has a 商务局 "commerce" too.
        plan = current_plan(user)
        tasks = {t.number: t for t in KeyTask.objects.filter(plan=plan)} if plan else {}
        government = plan.government_id if plan else None
        departments = _Units(Department.objects.filter(government_id=government))
        districts = _Units(District.objects.filter(government_id=government))
        responsible = set(TaskResponsibility.objects.filter(task__plan=plan).values_list("task_id", "department_id"))
        wanted_ids = set()
        for _number, record in rows:
            text = cell_text(record.get("id"))
            if text.isdigit():
                wanted_ids.add(int(text))
        visible = _plan_milestones(user)
        by_id = {m.pk: m for m in visible.filter(pk__in=wanted_ids)} if wanted_ids else {}
        titles = {cell_text(record.get("title")) for _n, record in rows}
        by_title = {}
        for m in visible.filter(title__in=[t for t in titles if t]).order_by("id"):
            by_title.setdefault((m.task_id, m.title), m)
        may_create: dict[tuple[int, int], bool] = {}
        manage: dict[int, bool] = {}
        seen: set = set()
        actions = []
        for number, record in rows:
            before = len(problems.items)

            def problem(key, message, number=number):
                problems.add(number, header[key], message)

            task = owner = district = due = milestone = None
            id_text = cell_text(record.get("id"))
            if id_text:
                if not id_text.isdigit():
                    problem("id", _("The milestone ID must be a number."))
                elif int(id_text) not in by_id:
                    problem("id", _("There is no milestone %(id)s that you may see.") % {"id": id_text})
                else:
                    milestone = by_id[int(id_text)]
            task_text = cell_text(record.get("task"))
            if not task_text:
                problem("task", _("The key task is missing."))
            elif not task_text.isdigit() or int(task_text) not in tasks:
                problem("task", _("There is no key task %(number)s in the plan.") % {"number": task_text})
            else:
                task = tasks[int(task_text)]
            title = cell_text(record.get("title"))
            if not title:
                problem("title", _("The milestone title is missing."))
            elif len(title) > 200:
                problem("title", _("The title is longer than 200 characters."))
            owner_text = cell_text(record.get("owner"))
            if not owner_text:
                problem("owner", _("The owner department is missing."))
            else:
                owner = departments.get(owner_text)
                if owner is None:
                    problem("owner", _("Unknown department “%(name)s”.") % {"name": owner_text})
            district_text = cell_text(record.get("district"))
            if district_text and district_text not in ("—", "-"):
                district = districts.get(district_text)
                if district is None:
                    problem("district", _("Unknown district “%(name)s”.") % {"name": district_text})
            due_value = record.get("due_date")
            if cell_text(due_value) == "":
                problem("due_date", _("The due date is missing."))
            else:
                due = _date(due_value)
                if due is None:
                    problem("due_date", _("“%(value)s” is not a date.") % {"value": cell_text(due_value)})
                else:
                    try:
                        date_plausible(due)
                    except ValidationError as error:
                        problem("due_date", error.messages[0])
                        due = None
            if task and owner and (task.pk, owner.pk) not in responsible:
                problem(
                    "owner",
                    _("%(department)s is not responsible for task %(number)s.")
                    % {"department": str(owner), "number": task.number},
                )
            if len(problems.items) > before:
                continue
            if milestone is None:
                milestone = by_title.get((task.pk, title))
            key = milestone.pk if milestone else (task.pk, title)
            if key in seen:
                problem("title", _("This milestone is already on an earlier row of the sheet."))
                continue
            seen.add(key)
            if milestone is None:
                if (task.pk, owner.pk) not in may_create:
                    may_create[(task.pk, owner.pk)] = can_create_milestone(user, task, owner)
                if not may_create[(task.pk, owner.pk)]:
                    problem(
                        "owner",
                        _("You may not create milestones of task %(number)s for %(department)s.")
                        % {"number": task.number, "department": str(owner)},
                    )
                    continue
                actions.append(
                    RowAction(
                        number,
                        "new",
                        f"{task.number} · {title} · {owner} · {due:%Y-%m-%d}",
                        {"task": task, "owner": owner, "district": district, "title": title, "due_date": due},
                    )
                )
                continue
            if milestone.task_id != task.pk:
                problem("task", _("A milestone cannot be moved to another task."))
                continue
            new = {"title": title, "owner": owner, "district": district, "due_date": due}
            changes = {f: v for f, v in new.items() if getattr(milestone, f) != v}
            if not changes:
                actions.append(RowAction(number, "unchanged", f"{task.number} · {title}"))
                continue
            version_text = cell_text(record.get("version"))
            if version_text and version_text != str(milestone.version):
                problem(
                    "version",
                    _(
                        "The milestone changed since the sheet was exported (version %(sent)s, now "
                        "%(current)s): export it again."
                    )
                    % {"sent": version_text, "current": milestone.version},
                )
                continue
            if milestone.status == MilestoneStatus.COMPLETED:
                problem("title", _("A completed milestone cannot be changed."))
                continue
            if milestone.status != MilestoneStatus.PLANNED:
                if set(changes) - {"due_date"} or not can_extend(user):
                    problem(
                        next(iter(changes)),
                        _(
                            "Once a milestone has started, only the supervision office may change it, "
                            "and only its due date."
                        ),
                    )
                    continue
            elif not can_edit_planned(user, milestone):
                problem("title", _("You may not edit this milestone."))
                continue
            elif "owner" in changes:
                if milestone.task_id not in manage:
                    manage[milestone.task_id] = can_manage_task_milestones(user, milestone.task)
                if not manage[milestone.task_id]:
                    problem(
                        "owner",
                        _(
                            "Only the lead department or the supervision office may give a milestone to "
                            "another department."
                        ),
                    )
                    continue
            summary = "; ".join(
                f"{Milestone._meta.get_field(f).verbose_name}: {_shown(getattr(milestone, f))} → {_shown(v)}"
                for f, v in changes.items()
            )
            actions.append(
                RowAction(
                    number,
                    "changed",
                    f"{task.number} · {milestone.title}: {summary}",
                    {"pk": milestone.pk, "version": milestone.version, "changes": changes},
                )
            )
        return actions

    def template(self, user, params) -> Sheet:
        number = cell_text(params.get("task"))
        task = None
        if number:
            if not number.isdigit():
                raise ValidationError({"task": _("Enter a task number.")})
            task = KeyTask.objects.filter(plan=current_plan(user), number=int(number)).first()
            if task is None:
                raise ValidationError({"task": _("There is no key task %(number)s in the plan.") % {"number": number}})
        return milestone_template(user, task)

    def apply_row(self, user, action: RowAction) -> None:
        payload = action.payload
        if action.action == "new":
            services.milestone_create(by=user, **payload)
            return
        milestone = Milestone.objects.select_related("task", "owner", "district").get(pk=payload["pk"])
        services.milestone_update(
            milestone=milestone,
            by=user,
            version=payload["version"],
            changes=payload["changes"],
            reason=_("imported from a spreadsheet"),
        )


def _shown(value) -> str:
    if value is None:
        return "—"
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


register(MilestoneImporter())
