"""Several cities in one deployment: each government keeps its own plan, departments and districts.

The second city is the synthetic example in fixtures/ (示例市): it reuses some of Suzhou's department
codes (commerce, customs, finance, tax, transport) on purpose — the same code in another city is
another department."""

import copy
import io
import json
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command

from departments.models import Department, District, Government
from tasks_app.plan.models import Implementation, KeyTask, Plan, TaskResponsibility
from tasks_app.plan.plan_io import PlanUnitsDiffer, plan_import

SUZHOU_PLAN = "suzhou-cbec-2024-2026"
EXAMPLE_PATH = Path(settings.CBEC_EXAMPLE_CITY_PLAN_FILE)
EXAMPLE_TEXT = EXAMPLE_PATH.read_text(encoding="utf-8")
EXAMPLE = json.loads(EXAMPLE_TEXT)
EXAMPLE_PLAN = EXAMPLE["plan"]["code"]


def run(*args) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def export(code: str) -> str:
    return run("export_plan", "--plan", code)


def history_rows() -> int:
    return sum(
        model.history.count() for model in (Plan, KeyTask, TaskResponsibility, Implementation, Department, District)
    )


def write(tmp_path, data, name="plan.json") -> Path:
    path = tmp_path / name
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return path


def test_the_example_city_file_says_it_is_an_example():
    assert "示例" in EXAMPLE["plan"]["title"]
    assert "示例数据" in EXAMPLE["plan"]["preamble"] and "虚构" in EXAMPLE["plan"]["preamble"]
    assert EXAMPLE["government"]["code"] == "example-city"
    assert {d["code"] for d in EXAMPLE["departments"]} & {"commerce", "customs"}  # shared codes, on purpose


def test_the_example_city_round_trips_byte_for_byte(suzhou_plan):
    run("import_plan", str(EXAMPLE_PATH))
    assert export(EXAMPLE_PLAN) == EXAMPLE_TEXT


def test_suzhou_then_the_second_city_then_suzhou_again_changes_neither(suzhou_plan):
    suzhou_before = export(SUZHOU_PLAN)
    suzhou_commerce = Department.objects.get(government__code="suzhou", code="commerce")
    suzhou_tasks = set(TaskResponsibility.objects.filter(department=suzhou_commerce).values_list("pk", flat=True))

    out = run("import_plan", str(EXAMPLE_PATH))
    assert "created" in out
    example_first = export(EXAMPLE_PLAN)
    assert export(SUZHOU_PLAN) == suzhou_before

    before = history_rows()
    assert "already up to date" in run("import_plan")  # Suzhou again (the default file)
    assert "already up to date" in run("import_plan", str(EXAMPLE_PATH))
    assert history_rows() == before  # nothing saved again, not even a history row
    assert export(SUZHOU_PLAN) == suzhou_before
    assert export(EXAMPLE_PLAN) == example_first == EXAMPLE_TEXT

    # The first city's units are its own: same name, same tasks, not merged with the second's.
    suzhou_commerce.refresh_from_db()
    assert suzhou_commerce.name == "市商务局"
    assert set(TaskResponsibility.objects.filter(department=suzhou_commerce).values_list("pk", flat=True)) == (
        suzhou_tasks
    )
    example_commerce = Department.objects.get(government__code="example-city", code="commerce")
    assert example_commerce.pk != suzhou_commerce.pk and example_commerce.group_id != suzhou_commerce.group_id
    assert Department.objects.filter(government__code="suzhou").count() == 22
    assert District.objects.filter(government__code="suzhou").count() == 10
    example_plan = Plan.objects.get(code=EXAMPLE_PLAN)
    assert example_plan.government.code == "example-city"
    assert set(
        Implementation.objects.filter(task__plan=example_plan).values_list("district__government__code", flat=True)
    ) == {"example-city"}
    assert set(
        TaskResponsibility.objects.filter(task__plan=example_plan).values_list(
            "department__government__code", flat=True
        )
    ) == {"example-city"}


def test_different_unit_names_are_listed_and_nothing_changes_unless_asked(suzhou_plan, tmp_path):
    run("import_plan", str(EXAMPLE_PATH))
    renamed = copy.deepcopy(EXAMPLE)
    renamed["departments"][0]["name"] = "示例市商务委员会"
    renamed["districts"][1]["name_en"] = "Hill View District (example)"
    renamed["sections"][0]["tasks"][0]["title"] = "培育跨境电商标杆企业(修订)"
    path = write(tmp_path, renamed)
    before_history, before_export = history_rows(), export(EXAMPLE_PLAN)

    with pytest.raises(CommandError) as refused:
        run("import_plan", str(path))
    message = str(refused.value)
    assert "$.departments[0].name: stored '示例市商务局', the file says '示例市商务委员会'" in message
    assert "$.districts[1].name_en" in message and "--update" in message
    assert history_rows() == before_history  # nothing written, not even the task's new title
    assert export(EXAMPLE_PLAN) == before_export

    out = run("import_plan", str(path), "--update")
    assert "updated" in out
    assert Department.objects.get(government__code="example-city", code="commerce").name == "示例市商务委员会"
    assert KeyTask.objects.get(plan__code=EXAMPLE_PLAN, number=1).title == "培育跨境电商标杆企业(修订)"
    assert Department.objects.get(government__code="suzhou", code="commerce").name == "市商务局"
    after = history_rows()
    assert "already up to date" in run("import_plan", str(path))
    assert history_rows() == after


def test_the_service_refuses_differences_with_their_places(suzhou_plan):
    data = copy.deepcopy(EXAMPLE)
    plan_import(data)
    data["departments"].reverse()
    with pytest.raises(PlanUnitsDiffer) as refused:
        plan_import(data)
    places = {place for place, _ in refused.value.problems}
    assert "$.departments[0].position" in places


def test_a_plan_cannot_move_to_another_government(suzhou_plan, tmp_path):
    data = copy.deepcopy(EXAMPLE)
    data["plan"]["code"] = SUZHOU_PLAN
    suzhou_before = export(SUZHOU_PLAN)
    with pytest.raises(CommandError, match="belongs to suzhou, not example-city"):
        run("import_plan", str(write(tmp_path, data)))
    assert export(SUZHOU_PLAN) == suzhou_before
    assert not Government.objects.filter(code="example-city").exists()


def test_a_file_without_a_government_belongs_to_the_default_one(empty_database):
    run("import_plan")
    assert Plan.objects.get().government.code == settings.CBEC_DEFAULT_GOVERNMENT
    assert "government" not in json.loads(export(SUZHOU_PLAN))


def test_unit_groups_of_another_city_carry_its_code(suzhou_plan):
    run("import_plan", str(EXAMPLE_PATH))
    assert Department.objects.get(government__code="suzhou", code="commerce").group.name == "department:commerce"
    example = Department.objects.get(government__code="example-city", code="commerce")
    assert example.group.name == "department:example-city:commerce"
    government = Government.objects.get(code="example-city")
    assert government.supervision_group.name == "supervision-office:example-city"
    assert government.leadership_group.name == "leadership:example-city"
