"""Import and export of a plan file (format ``cbec-plan/1``, see docs/plan-format.md).

``plan_import`` is atomic and idempotent: the whole file is checked before anything is written,
every problem is reported with its place in the file, and rows that already match the file are
not saved again (so a second import writes nothing, not even history rows).
``plan_export`` writes the same format, so import → export reproduces the file.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import ProtectedError

from departments.models import Department, District, Government
from departments.services import (
    default_government,
    department_upsert,
    district_upsert,
    government_ensure,
    unit_differences,
)
from tasks_app.plan.models import Implementation, KeyTask, Plan, ResponsibilityRole, Section, TaskResponsibility
from tasks_app.plan.permissions import implementation_permissions_sync, office_permissions_sync, task_permissions_sync
from tasks_app.plan.plan_file import PLAN_FILE_PARTS, PLAN_FORMAT, PlanFileError, plan_file_validate


@dataclass
class ImportSummary:
    plan_code: str
    created: Counter = field(default_factory=Counter)
    updated: Counter = field(default_factory=Counter)
    deleted: Counter = field(default_factory=Counter)

    @property
    def changed(self) -> bool:
        return bool(self.created or self.updated or self.deleted)

    def describe(self) -> str:
        if not self.changed:
            return f"Plan {self.plan_code}: already up to date, nothing changed."
        parts = []
        for label, counter in (("created", self.created), ("updated", self.updated), ("deleted", self.deleted)):
            if counter:
                parts.append(f"{label} " + ", ".join(f"{n} {kind}" for kind, n in sorted(counter.items())))
        return f"Plan {self.plan_code}: " + "; ".join(parts) + "."


class PlanWriter:
    """Writes rows only where they differ from the file, counting what it did."""

    def __init__(self, summary: ImportSummary):
        self.summary = summary

    def sync(self, model, lookup: dict, values: dict):
        instance = model.objects.filter(**lookup).first()
        kind = model._meta.model_name
        if instance is None:
            instance = model(**lookup, **values)
            self._clean(instance, kind, lookup)
            instance.save()
            self.summary.created[kind] += 1
            return instance
        changed = {name: value for name, value in values.items() if getattr(instance, name) != value}
        if changed:
            for name, value in changed.items():
                setattr(instance, name, value)
            self._clean(instance, kind, lookup)
            instance.save()
            self.summary.updated[kind] += 1
        return instance

    @staticmethod
    def _clean(instance, kind: str, lookup: dict) -> None:
        try:
            instance.full_clean()
        except ValidationError as error:
            where = ", ".join(f"{key}={getattr(value, 'code', value)}" for key, value in lookup.items())
            raise PlanFileError(
                [
                    (f"{kind} ({where})", f"{name}: {' '.join(messages)}")
                    for name, messages in error.message_dict.items()
                ]
            ) from None

    def delete(self, queryset, place: str):
        count = queryset.count()
        if not count:
            return
        kind = queryset.model._meta.model_name
        try:
            queryset.delete()
        except ProtectedError as error:
            raise PlanFileError(
                [(place, f"cannot remove {kind} rows that other records depend on: {error.protected_objects}")]
            ) from None
        self.summary.deleted[kind] += count


class PlanUnitsDiffer(PlanFileError):
    """The file names a government's departments or districts differently from what is stored:
    nothing was written; ``problems`` lists each difference (import again with ``update=True`` to
    apply them)."""


def _government_for(data: dict) -> Government:
    """The government the file's plan belongs to: the one the file names (created when new), else
    the one an already loaded plan of that code belongs to, else the default government."""
    meta, named = data["plan"], data.get("government")
    stored = Plan.objects.filter(code=meta["code"]).select_related("government").first()
    if named is not None:
        government = Government.objects.filter(code=named["code"]).first()
        if government is not None and government.level != named.get("level", government.level):
            raise PlanFileError([("$.government.level", f"{government.code} is stored as a {government.level}")])
        if stored is not None and stored.government.code != named["code"]:
            raise PlanFileError(
                [("$.plan.code", f"plan {meta['code']} belongs to {stored.government.code}, not {named['code']}")]
            )
        return government or government_ensure(
            code=named["code"], name=named["name"], name_en=named.get("name_en", ""), level=named.get("level", "city")
        )
    if stored is not None:
        return stored.government
    return default_government()


@transaction.atomic
def plan_import(data: dict, *, update: bool = False) -> ImportSummary:
    """Load a validated plan file so that the database matches it. All or nothing.

    Everything is read and written within the plan's government: its departments and districts are
    found by code among that government's only, so importing one city's plan never changes another
    city's rows. When the file names a stored department or district differently (name, English
    name or order), nothing is written and ``PlanUnitsDiffer`` lists the differences, unless
    ``update`` is set."""
    plan_file_validate(data)
    meta = data["plan"]
    summary = ImportSummary(plan_code=meta["code"])
    writer = PlanWriter(summary)
    government = _government_for(data)

    differences = unit_differences(government, Department, data["departments"], "$.departments")
    differences += unit_differences(government, District, data["districts"], "$.districts")
    if differences and not update:
        raise PlanUnitsDiffer(differences)

    for model, upsert, units in (
        (Department, department_upsert, data["departments"]),
        (District, district_upsert, data["districts"]),
    ):
        existing = set(model.objects.filter(government=government).values_list("code", flat=True))
        for position, unit in enumerate(units, start=1):
            _, changed = upsert(
                code=unit["code"], name=unit["name"], name_en=unit["name_en"], position=position, government=government
            )
            if changed:
                counter = summary.updated if unit["code"] in existing else summary.created
                counter[model._meta.model_name] += 1
    departments = {
        d.code: d
        for d in Department.objects.filter(government=government, code__in=[u["code"] for u in data["departments"]])
    }
    districts = {
        d.code: d
        for d in District.objects.filter(government=government, code__in=[u["code"] for u in data["districts"]])
    }

    plan = writer.sync(
        Plan,
        {"code": meta["code"]},
        {
            "government": government,
            "title": meta["title"],
            "title_en": meta.get("title_en", ""),
            "issuer": meta.get("issuer", ""),
            "document_number": meta.get("document_number", ""),
            "issued_on": _date(meta.get("issued_on")),
            "start_year": meta["start_year"],
            "end_year": meta["end_year"],
            "preamble": meta.get("preamble", ""),
            "goals": meta.get("goals", ""),
            "safeguards": meta.get("safeguards", ""),
        },
    )

    task_numbers = []
    for s_index, section_data in enumerate(data["sections"]):
        section = writer.sync(
            Section,
            {"plan": plan, "number": section_data["number"]},
            {"title": section_data["title"], "title_en": section_data.get("title_en", "")},
        )
        for t_index, task_data in enumerate(section_data["tasks"]):
            task_numbers.append(task_data["number"])
            task = writer.sync(
                KeyTask,
                {"plan": plan, "number": task_data["number"]},
                {
                    "section": section,
                    "title": task_data["title"],
                    "title_en": task_data.get("title_en", ""),
                    "text": task_data["text"],
                    "responsibility_text": task_data.get("responsibility_text", ""),
                },
            )
            place = f"$.sections[{s_index}].tasks[{t_index}]"
            _sync_responsibilities(writer, task, task_data["responsibilities"], departments, place)
            codes = list(districts) if task_data["districts"] == "all" else task_data["districts"]
            _sync_implementations(writer, task, [districts[c] for c in codes], place)

    writer.delete(KeyTask.objects.filter(plan=plan).exclude(number__in=task_numbers), "$.sections")
    writer.delete(
        Section.objects.filter(plan=plan).exclude(number__in=[s["number"] for s in data["sections"]]), "$.sections"
    )
    for part in PLAN_FILE_PARTS:
        part.write(writer, plan, data, districts)
    # Access follows responsibilities: grant, move or revoke what the file's responsibilities imply.
    office_permissions_sync()
    for task in plan.tasks.all():
        task_permissions_sync(task)
    implementation_permissions_sync(Implementation.objects.filter(task__plan=plan).select_related("district"))
    return summary


def _date(text: str | None):
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise PlanFileError([("$.plan.issued_on", f"not a date: {text!r}")]) from None


def _sync_responsibilities(
    writer: PlanWriter, task: KeyTask, wanted: list[dict], departments: dict, place: str
) -> None:
    wanted_codes = [r["department"] for r in wanted]
    writer.delete(task.responsibilities.exclude(department__code__in=wanted_codes), f"{place}.responsibilities")
    # Demote a lead that the file no longer names first, so the one-lead constraint holds at every step.
    new_lead = next(r["department"] for r in wanted if r["role"] == ResponsibilityRole.LEAD)
    for stale_lead in task.responsibilities.filter(role=ResponsibilityRole.LEAD).exclude(department__code=new_lead):
        writer.sync(TaskResponsibility, {"pk": stale_lead.pk}, {"role": ResponsibilityRole.CO})
    for position, responsibility in enumerate(wanted, start=1):
        writer.sync(
            TaskResponsibility,
            {"task": task, "department": departments[responsibility["department"]]},
            {"role": responsibility["role"], "position": position},
        )


def _sync_implementations(writer: PlanWriter, task: KeyTask, wanted: list[District], place: str) -> None:
    writer.delete(task.implementations.exclude(district__in=wanted), f"{place}.districts")
    existing = set(task.implementations.values_list("district_id", flat=True))
    for district in wanted:
        if district.pk not in existing:
            writer.sync(Implementation, {"task": task, "district": district}, {})


def plan_export(plan: Plan) -> dict:
    """The plan in the file format, in the order the plan lists things."""
    districts = list(District.objects.filter(government_id=plan.government_id).order_by("position", "code"))
    all_district_ids = {d.pk for d in districts}
    sections = []
    tasks = (
        KeyTask.objects.filter(plan=plan)
        .order_by("number")
        .prefetch_related("responsibilities__department", "implementations__district")
    )
    tasks_by_section: dict[int, list[KeyTask]] = {}
    for task in tasks:
        tasks_by_section.setdefault(task.section_id, []).append(task)
    for section in plan.sections.order_by("number"):
        section_tasks = []
        for task in tasks_by_section.get(section.pk, []):
            implementations = sorted(task.implementations.all(), key=lambda i: (i.district.position, i.district.code))
            implemented = {i.district_id for i in implementations}
            section_tasks.append(
                {
                    "number": task.number,
                    "title": task.title,
                    "title_en": task.title_en,
                    "text": task.text,
                    "responsibility_text": task.responsibility_text,
                    "responsibilities": [
                        {"department": r.department.code, "role": r.role}
                        for r in sorted(task.responsibilities.all(), key=lambda r: r.position)
                    ],
                    "districts": "all"
                    if implemented == all_district_ids
                    else [i.district.code for i in implementations],
                }
            )
        sections.append(
            {"number": section.number, "title": section.title, "title_en": section.title_en, "tasks": section_tasks}
        )

    exported: dict = {"format": PLAN_FORMAT}
    government = plan.government
    if government.code != settings.CBEC_DEFAULT_GOVERNMENT:  # the default government's files name none
        exported["government"] = {
            "code": government.code,
            "name": government.name,
            "name_en": government.name_en,
            "level": government.level,
        }
    exported |= {
        "plan": {
            "code": plan.code,
            "title": plan.title,
            "title_en": plan.title_en,
            "issuer": plan.issuer,
            "document_number": plan.document_number,
            "issued_on": plan.issued_on.isoformat() if plan.issued_on else None,
            "start_year": plan.start_year,
            "end_year": plan.end_year,
            "preamble": plan.preamble,
            "goals": plan.goals,
            "safeguards": plan.safeguards,
        },
        "departments": [
            {"code": d.code, "name": d.name, "name_en": d.name_en}
            for d in Department.objects.filter(government_id=plan.government_id).order_by("position", "code")
        ],
        "districts": [{"code": d.code, "name": d.name, "name_en": d.name_en} for d in districts],
        "sections": sections,
    }
    for part in PLAN_FILE_PARTS:
        exported.update(part.read(plan))
    return exported
