"""The shipped plan file against the plan text (../shared/seeds/002_…, traditional Chinese)."""

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from opencc import OpenCC

REPO = Path(__file__).resolve().parents[2]
PLAN_TEXT = REPO.parent / "shared" / "seeds" / "002_ef77ba9b26bdb342.txt"
FIXTURE = json.loads(Path(settings.CBEC_DEFAULT_PLAN_FILE).read_text(encoding="utf-8"))
TASKS = {t["number"]: t for s in FIXTURE["sections"] for t in s["tasks"]}
NAMES = {d["code"]: d["name"] for d in FIXTURE["departments"]}

PRODUCT_DEPARTMENTS = {
    "cac": "市委网信办",
    "drc": "市发改委",
    "miit": "市工信局",
    "finance": "市财政局",
    "commerce": "市商务局",
    "tax": "市税务局",
    "customs": "苏州海关",
    "pboc": "人民银行苏州市分行",
    "transport": "市交通局",
    "amr": "市市场监管局",
    "post-admin": "市邮政管理局",
    "china-post": "中国邮政苏州分公司",
    "port": "苏州港管委会",
    "nrp": "市资源规划局",
    "hrss": "市人社局",
    "talent": "市委人才办",
    "education": "市教育局",
    "local-finreg": "市地方金融监管局",
    "nfra": "国家金融监管总局苏州监管分局",
    "sinosure": "中信保苏州办事处",
    "qiaoban": "市侨办",
    "qiaolian": "市侨联",
}
PRODUCT_DISTRICTS = {
    "zhangjiagang": "张家港市",
    "changshu": "常熟市",
    "taicang": "太仓市",
    "kunshan": "昆山市",
    "wujiang": "吴江区",
    "wuzhong": "吴中区",
    "xiangcheng": "相城区",
    "gusu": "姑苏区",
    "sip": "苏州工业园区",
    "snd": "苏州高新区",
}


@pytest.fixture(scope="module")
def plan_text() -> str:
    assert PLAN_TEXT.exists(), f"the plan text is expected beside the repository at {PLAN_TEXT}"
    return OpenCC("t2s").convert(PLAN_TEXT.read_text(encoding="utf-8"))


def test_the_builder_reproduces_the_committed_fixture():
    built = subprocess.run(
        [sys.executable, str(REPO / "tools" / "build_suzhou_plan.py"), str(PLAN_TEXT)],
        capture_output=True,
        text=True,
        check=True,
        encoding="utf-8",
    ).stdout
    assert built == Path(settings.CBEC_DEFAULT_PLAN_FILE).read_text(encoding="utf-8")


def _departments_in_text(plan_text: str, number: int) -> list[str]:
    """Read task N's departments straight from the text: the last top-level parenthesis of its
    paragraph, up to 按职责分工 / 负责, split on 、 — a reading independent of the builder."""
    paragraph = next(line for line in plan_text.splitlines() if line.startswith(f"{number}."))
    closing = paragraph.rstrip()
    depth, start = 0, None
    for index in range(len(closing) - 1, -1, -1):
        if closing[index] == ")":
            depth += 1
        elif closing[index] == "(":
            depth -= 1
            if depth == 0:
                start = index
                break
    inside = closing[start + 1 : -1]
    cut = min(i for i in (inside.find("按职责分工"), inside.find("负责")) if i >= 0)
    return inside[:cut].split("、")


@pytest.mark.parametrize("number", range(1, 18))
def test_each_task_lists_exactly_the_departments_of_the_plan(plan_text, number):
    in_fixture = [NAMES[r["department"]] for r in TASKS[number]["responsibilities"]]
    assert in_fixture == _departments_in_text(plan_text, number)


@pytest.mark.parametrize("number", range(1, 18))
def test_each_task_title_and_text_are_the_plans(plan_text, number):
    paragraph = next(line for line in plan_text.splitlines() if line.startswith(f"{number}."))
    task = TASKS[number]
    assert paragraph.startswith(f"{number}.{task['title']}。{task['text']}(")


def test_departments_and_districts_carry_the_stable_codes():
    assert {d["code"]: d["name"] for d in FIXTURE["departments"]} == PRODUCT_DEPARTMENTS
    assert {d["code"]: d["name"] for d in FIXTURE["districts"]} == PRODUCT_DISTRICTS
    assert all(d["name_en"] for d in FIXTURE["departments"] + FIXTURE["districts"])


def test_lead_and_districts_defaults():
    for task in TASKS.values():
        roles = {r["department"]: r["role"] for r in task["responsibilities"]}
        assert roles.pop("commerce") == "lead"
        assert set(roles.values()) <= {"co"}
        assert task["districts"] == "all"
    assert [r["department"] for r in TASKS[14]["responsibilities"]] == ["commerce"]
    assert [r["department"] for r in TASKS[8]["responsibilities"]] == ["nrp", "commerce"]
    assert {"sinosure", "nfra"} <= {r["department"] for r in TASKS[13]["responsibilities"]}
    assert len(TASKS[13]["responsibilities"]) == 7


def test_indicator_targets_and_baselines():
    indicators = {i["code"]: i for i in FIXTURE["indicators"]}
    assert set(indicators) >= {
        "cbec_volume",
        "belt_export",
        "cbec_parks",
        "belt_demo_firms",
        "cbec_entities",
        "new_cbec_firms",
        "overseas_warehouse_m2",
        "own_brands",
        "intl_brands",
        "new_service_firms",
    }
    volume = indicators["cbec_volume"]
    assert {(r["period"], r["value"]) for r in volume["reports"]} == {("2023", "124.70"), ("2024", "232.30")}
    city_2026 = next(t for t in volume["targets"] if t["level"] == "city" and t["year"] == 2026)
    assert (city_2026["value"], city_2026["growth_factor"], city_2026["comparison"]) == ("1500.00", "2.00", "gte")
    belts = {t["district"]: (t["value"], t["comparison"]) for t in indicators["belt_export"]["targets"]}
    expected = {
        "changshu": 100,
        "sip": 100,
        "kunshan": 70,
        "wujiang": 50,
        "wuzhong": 50,
        "snd": 50,
        "zhangjiagang": 30,
        "taicang": 30,
        "xiangcheng": 30,
        "gusu": 30,
    }
    assert belts == {code: (f"{value}.00", "gt") for code, value in expected.items()}


def test_everything_is_simplified_chinese():
    text = Path(settings.CBEC_DEFAULT_PLAN_FILE).read_text(encoding="utf-8")
    assert OpenCC("t2s").convert(text) == text
    assert not re.search("[蘇國綜試區廣東發電實務]", text)
