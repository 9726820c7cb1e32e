"""The plan file format (docs/plan-format.md): parsing, the JSON schema, the rules a schema cannot
say, and the parts of the file other concerns own (``PlanFilePart``)."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

import jsonschema
from django.core.exceptions import ValidationError

from tasks_app.core.validators import year_plausible
from tasks_app.plan.models import Plan, ResponsibilityRole

if TYPE_CHECKING:  # the writer is plan_io's, which imports this module
    from tasks_app.plan.plan_io import PlanWriter

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
    for key in ("start_year", "end_year"):
        year_problem(data["plan"][key], f"$.plan.{key}", problems)

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


def year_problem(year, place: str, problems: list) -> None:
    """Add a problem at ``place`` when ``year`` (an int or a period like "2025-Q3") is implausible."""
    try:
        year_plausible(int(str(year)[:4]))
    except (ValueError, ValidationError) as error:
        message = error.messages[0] if isinstance(error, ValidationError) else f"not a year: {year!r}"
        problems.append((place, message))
