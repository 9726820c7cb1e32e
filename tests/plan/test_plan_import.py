"""import_plan / export_plan: all or nothing, idempotent, exact round trip, clear refusals."""

import copy
import io
import json
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.db import IntegrityError, transaction

from departments.models import Department, District
from tasks_app.plan.models import Implementation, KeyTask, Plan, ResponsibilityRole, Section, TaskResponsibility
from tasks_app.plan.permissions import can_manage_task_milestones, can_see_task_records
from tasks_app.workflow.permissions import milestones_visible_to

FIXTURE_PATH = Path(settings.CBEC_DEFAULT_PLAN_FILE)
FIXTURE_TEXT = FIXTURE_PATH.read_text(encoding="utf-8")
FIXTURE = json.loads(FIXTURE_TEXT)


def run(*args, stdin: bytes | None = None) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def export() -> str:
    return run("export_plan")


def history_rows() -> int:
    return sum(
        model.history.count() for model in (Plan, KeyTask, TaskResponsibility, Implementation, Department, District)
    )


def write(tmp_path, data, name="plan.json") -> Path:
    path = tmp_path / name
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return path


# --- the Suzhou plan ------------------------------------------------------------------------------


def test_import_into_an_empty_database_creates_the_whole_plan(empty_database):
    output = run("import_plan")
    assert "created" in output
    plan = Plan.objects.get()
    assert plan.code == "suzhou-cbec-2024-2026"
    assert Section.objects.count() == 4
    assert KeyTask.objects.count() == 17
    assert TaskResponsibility.objects.count() == 74
    assert Implementation.objects.count() == 170
    assert Department.objects.count() == 22
    assert District.objects.count() == 10
    for task in KeyTask.objects.all():
        assert task.responsibilities.filter(role=ResponsibilityRole.LEAD).count() == 1


def test_a_second_import_changes_nothing(suzhou_plan):
    before = history_rows()
    output = run("import_plan")
    assert "nothing changed" in output
    assert history_rows() == before


def test_export_reproduces_the_file_byte_for_byte(suzhou_plan):
    assert export() == FIXTURE_TEXT


def test_import_from_a_named_file(empty_database, tmp_path):
    path = write(tmp_path, FIXTURE)
    run("import_plan", str(path))
    assert KeyTask.objects.count() == 17


def test_import_from_standard_input(empty_database, monkeypatch):
    class FakeStdin:
        buffer = io.BytesIO(FIXTURE_TEXT.encode("utf-8"))

    monkeypatch.setattr("sys.stdin", FakeStdin())
    run("import_plan", "-")
    assert KeyTask.objects.count() == 17


# --- bad files: refused with the problem and its place, nothing written -----------------------------


def _task(data, number):
    return next(t for s in data["sections"] for t in s["tasks"] if t["number"] == number)


def unknown_department(data):
    _task(data, 3)["responsibilities"][2]["department"] = "no-such-bureau"


def duplicate_task_number(data):
    _task(data, 2)["number"] = 1


def two_leads(data):
    _task(data, 5)["responsibilities"][2]["role"] = "lead"


def no_lead(data):
    for r in _task(data, 6)["responsibilities"]:
        r["role"] = "co"


def no_department(data):
    _task(data, 14)["responsibilities"] = []


def unknown_district(data):
    _task(data, 9)["districts"] = ["sip", "shanghai"]


def missing_title(data):
    del _task(data, 4)["title"]


def wrong_format(data):
    data["format"] = "cbec-plan/9"


def unknown_field(data):
    data["appendix"] = []


def duplicate_department_code(data):
    data["departments"].append(dict(data["departments"][0], name="另一个部门"))


def target_without_value(data):
    target = data["indicators"][0]["targets"][0]
    target["value"] = None
    target["growth_factor"] = None


def department_listed_twice(data):
    task = _task(data, 2)
    task["responsibilities"].append({"department": "drc", "role": "co"})


BAD_FILES = {
    "unknown department": (
        unknown_department,
        "$.sections[0].tasks[2].responsibilities[2].department",
        "unknown department 'no-such-bureau'",
    ),
    "duplicate task number": (duplicate_task_number, "$.sections[0].tasks[1].number", "duplicate task number 1"),
    "two leads": (two_leads, "$.sections[0].tasks[4].responsibilities", "exactly one is allowed"),
    "no lead": (no_lead, "$.sections[1].tasks[0].responsibilities", "no lead department"),
    "task with no department": (no_department, "$.sections[2].tasks[4].responsibilities", "no responsible department"),
    "unknown district": (unknown_district, "$.sections[1].tasks[3].districts[1]", "unknown district 'shanghai'"),
    "missing title": (missing_title, "$.sections[0].tasks[3]", "'title' is missing"),
    "wrong format": (wrong_format, "$.format", "cbec-plan/1"),
    "unknown top-level field": (unknown_field, "$", "unknown field(s)"),
    "duplicate department code": (duplicate_department_code, "$.departments[22]", "duplicate department code 'cac'"),
    "target without value": (target_without_value, "$.indicators[0].targets[0]", "a value, a growth factor"),
    "department listed twice": (
        department_listed_twice,
        "$.sections[0].tasks[1].responsibilities[3].department",
        "listed twice",
    ),
}


@pytest.mark.parametrize("case", BAD_FILES, ids=list(BAD_FILES))
def test_a_bad_file_is_refused_with_its_place_and_nothing_is_written(empty_database, tmp_path, case):
    mutate, place, message = BAD_FILES[case]
    data = copy.deepcopy(FIXTURE)
    mutate(data)
    with pytest.raises(CommandError) as refusal:
        run("import_plan", str(write(tmp_path, data)))
    text = str(refusal.value)
    assert "nothing was written" in text
    assert place in text, text
    assert message in text, text
    assert Plan.objects.count() == 0
    assert Department.objects.count() == 0
    assert District.objects.count() == 0


@pytest.mark.parametrize("case", ["two leads", "unknown department", "task with no department"])
def test_a_bad_file_leaves_a_loaded_plan_untouched(suzhou_plan, tmp_path, case):
    mutate, _place, _message = BAD_FILES[case]
    data = copy.deepcopy(FIXTURE)
    _task(data, 1)["title"] = "已改的标题"  # a valid change that must not slip through either
    mutate(data)
    with pytest.raises(CommandError):
        run("import_plan", str(write(tmp_path, data)))
    assert export() == FIXTURE_TEXT


def test_malformed_json_names_line_and_column(empty_database, tmp_path):
    path = tmp_path / "broken.json"
    path.write_text('{\n  "format": "cbec-plan/1",\n  "plan": {,\n}', encoding="utf-8")
    with pytest.raises(CommandError) as refusal:
        run("import_plan", str(path))
    assert "line 3, column 12" in str(refusal.value)
    assert "not valid JSON" in str(refusal.value)
    assert Plan.objects.count() == 0


def test_a_file_that_is_not_utf8_is_refused(empty_database, tmp_path):
    path = tmp_path / "gbk.json"
    path.write_bytes(FIXTURE_TEXT.encode("gb18030"))
    with pytest.raises(CommandError) as refusal:
        run("import_plan", str(path))
    assert "not UTF-8" in str(refusal.value)


def test_a_missing_file_is_a_clear_error(empty_database, tmp_path):
    with pytest.raises(CommandError) as refusal:
        run("import_plan", str(tmp_path / "nowhere.json"))
    assert "cannot read the plan file" in str(refusal.value)


# --- a changed plan is applied exactly ----------------------------------------------------------


def test_a_changed_file_is_applied_exactly_and_then_stable(suzhou_plan, tmp_path, demo_accounts):
    data = copy.deepcopy(FIXTURE)
    _task(data, 1)["title"] = "加快企业转型和标杆打造(修订)"
    task5 = _task(data, 5)
    for responsibility in task5["responsibilities"]:
        responsibility["role"] = "lead" if responsibility["department"] == "customs" else "co"
    task9 = _task(data, 9)
    task9["responsibilities"] = [r for r in task9["responsibilities"] if r["department"] != "amr"]
    data["sections"][3]["tasks"].append(
        {
            "number": 18,
            "title": "新增任务",
            "title_en": "A new task",
            "text": "新增任务内容。",
            "responsibility_text": "市商务局负责",
            "responsibilities": [{"department": "commerce", "role": "lead"}],
            "districts": ["sip", "snd"],
        }
    )
    path = write(tmp_path, data)
    output = run("import_plan", str(path))
    assert "created" in output and "updated" in output and "deleted" in output

    assert KeyTask.objects.get(number=1).title == "加快企业转型和标杆打造(修订)"
    task5_leads = TaskResponsibility.objects.filter(task__number=5, role=ResponsibilityRole.LEAD)
    assert [r.department.code for r in task5_leads] == ["customs"]
    assert not TaskResponsibility.objects.filter(task__number=9, department__code="amr").exists()
    assert sorted(Implementation.objects.filter(task__number=18).values_list("district__code", flat=True)) == [
        "sip",
        "snd",
    ]
    # Access moved with the responsibilities: the new lead may manage task 5's milestones, 市场监管局
    # no longer sees task 9's records.

    assert can_manage_task_milestones(demo_accounts["liaison-customs"], KeyTask.objects.get(number=5))
    assert not can_manage_task_milestones(demo_accounts["liaison-commerce"], KeyTask.objects.get(number=5))
    assert not can_see_task_records(demo_accounts["liaison-amr"], KeyTask.objects.get(number=9))
    assert milestones_visible_to(demo_accounts["liaison-amr"]).filter(task__number=9).count() == 0

    before = history_rows()
    assert "nothing changed" in run("import_plan", str(path))
    assert history_rows() == before
    assert json.loads(export()) == data


def test_the_database_refuses_a_second_lead(suzhou_plan):
    task = KeyTask.objects.get(number=5)
    co = task.responsibilities.filter(role=ResponsibilityRole.CO).first()
    with pytest.raises(IntegrityError), transaction.atomic():
        TaskResponsibility.objects.filter(pk=co.pk).update(role=ResponsibilityRole.LEAD)
