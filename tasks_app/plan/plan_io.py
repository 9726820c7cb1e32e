"""Import and export of a plan file (format ``cbec-plan/1``, see docs/plan-format.md).

``plan_import`` is atomic and idempotent: the whole file is checked before anything is written,
every problem is reported with its place in the file, and rows that already match the file are
not saved again (so a second import writes nothing, not even history rows).
``plan_export`` writes the same format, so import → export reproduces the file.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import ProtectedError

from departments.models import Department, District
from departments.services import department_upsert, district_upsert
from tasks_app.plan.models import Implementation, KeyTask, Plan, ResponsibilityRole, Section, TaskResponsibility
from tasks_app.plan.permissions import implementation_permissions_sync, office_permissions_sync, task_permissions_sync

PLAN_FORMAT = "cbec-plan/1"
SCHEMA_PATH = Path(__file__).with_name("plan_schema.json")
TWO_PLACES = Decimal("0.01")


@dataclass(frozen=True)
class PlanFilePart:
    """A part of the plan file that another concern owns — the assessment's indicators, targets,
    baseline figures and industrial belts — so that the plan concern reads and writes the whole
    file without importing the concerns above it. Each part checks its keys of a file (adding
    ``(place, message)`` problems), writes them for a plan through the same ``PlanWriter`` (all or
    nothing with the rest), and reads them back for the export, in file order."""

    name: str
    check: Callable[[dict, set, Callable, list], None]
    write: Callable[[PlanWriter, Plan, dict, dict], None]
    read: Callable[[Plan], dict]


PLAN_FILE_PARTS: list[PlanFilePart] = []


def plan_file_part_register(part: PlanFilePart) -> None:
    """Add (or replace, by name) a part of the plan file; registered by the owning concern."""
    PLAN_FILE_PARTS[:] = [p for p in PLAN_FILE_PARTS if p.name != part.name] + [part]


class PlanFileError(Exception):
    """A plan file that cannot be imported; ``problems`` lists (place, message) pairs."""

    def __init__(self, problems: list[tuple[str, str]]):
        self.problems = problems
        super().__init__("\n".join(f"{place}: {message}" for place, message in problems))


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


@cache
def _schema() -> dict:
    return json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))


def _place(path) -> str:
    place = "$"
    for part in path:
        place += f"[{part}]" if isinstance(part, int) else f".{part}"
    return place


def plan_file_parse(raw: str | bytes) -> dict:
    """Parse and validate a plan file's text; raises PlanFileError naming each problem's place."""
    try:
        data = json.loads(raw)
    except json.JSONDecodeError as error:
        raise PlanFileError([(f"line {error.lineno}, column {error.colno}", f"not valid JSON: {error.msg}")]) from None
    except UnicodeDecodeError as error:
        raise PlanFileError([(f"byte {error.start}", "the file is not UTF-8 text")]) from None
    plan_file_validate(data)
    return data


def plan_file_validate(data: Any) -> None:
    """Structure (JSON schema) first, then the rules a schema cannot say."""
    validator = jsonschema.Draft202012Validator(_schema())
    structural = sorted(validator.iter_errors(data), key=lambda e: list(map(str, e.absolute_path)))
    if structural:
        raise PlanFileError([(_place(e.absolute_path), _schema_message(e)) for e in structural])
    problems: list[tuple[str, str]] = []

    def duplicates(items, key, place, what):
        seen: dict[Any, int] = {}
        for index, item in enumerate(items):
            value = key(item)
            if value in seen:
                problems.append((f"{place}[{index}]", f"duplicate {what} {value!r} (first at {place}[{seen[value]}])"))
            else:
                seen[value] = index

    duplicates(data["departments"], lambda d: d["code"], "$.departments", "department code")
    duplicates(data["departments"], lambda d: d["name"], "$.departments", "department name")
    duplicates(data["districts"], lambda d: d["code"], "$.districts", "district code")
    duplicates(data["districts"], lambda d: d["name"], "$.districts", "district name")
    duplicates(data["sections"], lambda s: s["number"], "$.sections", "section number")
    department_codes = {d["code"] for d in data["departments"]}
    district_codes = {d["code"] for d in data["districts"]}

    plan = data["plan"]
    if plan["end_year"] < plan["start_year"]:
        problems.append(("$.plan.end_year", "the last year is before the first year"))

    task_places: dict[int, str] = {}
    for s_index, section in enumerate(data["sections"]):
        for t_index, task in enumerate(section["tasks"]):
            place = f"$.sections[{s_index}].tasks[{t_index}]"
            number = task["number"]
            if number in task_places:
                problems.append((f"{place}.number", f"duplicate task number {number} (first at {task_places[number]})"))
            else:
                task_places[number] = place
            responsibilities = task["responsibilities"]
            if not responsibilities:
                problems.append((f"{place}.responsibilities", f"task {number} has no responsible department"))
            leads = [r for r in responsibilities if r["role"] == ResponsibilityRole.LEAD]
            if len(leads) > 1:
                names = ", ".join(r["department"] for r in leads)
                problems.append(
                    (
                        f"{place}.responsibilities",
                        f"task {number} has {len(leads)} leads ({names}); exactly one is allowed",
                    )
                )
            elif responsibilities and not leads:
                problems.append(
                    (f"{place}.responsibilities", f'task {number} has no lead department; mark exactly one as "lead"')
                )
            seen_departments: set[str] = set()
            for r_index, responsibility in enumerate(responsibilities):
                code = responsibility["department"]
                r_place = f"{place}.responsibilities[{r_index}].department"
                if code not in department_codes:
                    problems.append((r_place, f"unknown department {code!r} (not in $.departments)"))
                if code in seen_departments:
                    problems.append((r_place, f"department {code!r} is listed twice for task {number}"))
                seen_departments.add(code)
            if task["districts"] != "all":
                for d_index, code in enumerate(task["districts"]):
                    if code not in district_codes:
                        problems.append(
                            (f"{place}.districts[{d_index}]", f"unknown district {code!r} (not in $.districts)")
                        )
                if len(set(task["districts"])) != len(task["districts"]):
                    problems.append((f"{place}.districts", f"a district is listed twice for task {number}"))

    for part in PLAN_FILE_PARTS:
        part.check(data, district_codes, duplicates, problems)
    if problems:
        raise PlanFileError(problems)


def _schema_message(error: jsonschema.ValidationError) -> str:
    if error.validator == "required":
        return error.message.replace("is a required property", "is missing")
    if error.validator == "additionalProperties":
        return error.message.replace("Additional properties are not allowed", "unknown field(s)")
    if error.validator == "oneOf" and error.context:
        return error.context[0].message
    return error.message


def decimal_value(value) -> Decimal | None:
    if value is None:
        return None
    try:
        return Decimal(str(value)).quantize(TWO_PLACES)
    except InvalidOperation:  # pragma: no cover - the schema admits only decimal strings and numbers
        raise PlanFileError([("$", f"not a number: {value!r}")]) from None


def decimal_text(value: Decimal | None) -> str | None:
    return None if value is None else str(value.quantize(TWO_PLACES))


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


@transaction.atomic
def plan_import(data: dict) -> ImportSummary:
    """Load a validated plan file so that the database matches it. All or nothing."""
    plan_file_validate(data)
    meta = data["plan"]
    summary = ImportSummary(plan_code=meta["code"])
    writer = PlanWriter(summary)

    for model, upsert, units in (
        (Department, department_upsert, data["departments"]),
        (District, district_upsert, data["districts"]),
    ):
        existing = set(model.objects.values_list("code", flat=True))
        for position, unit in enumerate(units, start=1):
            _, changed = upsert(code=unit["code"], name=unit["name"], name_en=unit["name_en"], position=position)
            if changed:
                counter = summary.updated if unit["code"] in existing else summary.created
                counter[model._meta.model_name] += 1
    departments = {d.code: d for d in Department.objects.filter(code__in=[u["code"] for u in data["departments"]])}
    districts = {d.code: d for d in District.objects.filter(code__in=[u["code"] for u in data["districts"]])}

    plan = writer.sync(
        Plan,
        {"code": meta["code"]},
        {
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
    districts = list(District.objects.order_by("position", "code"))
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

    exported = {
        "format": PLAN_FORMAT,
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
            for d in Department.objects.order_by("position", "code")
        ],
        "districts": [{"code": d.code, "name": d.name, "name_en": d.name_en} for d in districts],
        "sections": sections,
    }
    for part in PLAN_FILE_PARTS:
        exported.update(part.read(plan))
    return exported
