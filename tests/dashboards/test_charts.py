"""Server-side charts: round gridlines, thousands separators, labels that never overlap, an empty
state that says what is missing; the task timeline on the task page."""

import datetime as dt
import itertools
from decimal import Decimal

from django.test import Client
from django.urls import reverse
from hypothesis import given, settings
from hypothesis import strategies as st

from tasks_app.core.charts import CHAR_WIDTH, LABEL_HEIGHT, Series, format_number, line_chart, nice_ticks


def test_numbers_carry_thousands_separators_and_no_trailing_zero():
    assert format_number(Decimal("1500000.0")) == "1,500,000"
    assert format_number(12.5) == "12.5"
    assert format_number(3.0) == "3"
    assert format_number(None) == ""


@given(
    low=st.floats(min_value=-1e6, max_value=1e9, allow_nan=False),
    spread=st.floats(min_value=1e-3, max_value=1e9, allow_nan=False),
)
def test_ticks_are_round_and_cover_the_range(low, spread):
    high = low + spread
    ticks = nice_ticks(low, high)
    assert ticks[0] <= low + 1e-9 * max(1, abs(low))
    assert ticks[-1] >= high - 1e-9 * max(1, abs(high))
    steps = {round(b - a, 6) for a, b in itertools.pairwise(ticks)}
    assert len(steps) == 1
    assert 2 <= len(ticks) <= 7


def _boxes(chart):
    for label in chart.labels:
        half = len(label["text"]) * CHAR_WIDTH / 2
        yield (label["x"] - half, label["x"] + half, label["y"] - LABEL_HEIGHT + 2, label["y"] + 2)


@settings(max_examples=60)
@given(st.lists(st.tuples(st.integers(0, 5_000_000), st.integers(0, 5_000_000)), min_size=1, max_size=6))
def test_value_labels_never_overlap(pairs):
    target = Series("target", "target", [(i + 1, Decimal(t)) for i, (t, _a) in enumerate(pairs)])
    actual = Series("actual", "actual", [(i + 1, Decimal(a)) for i, (_t, a) in enumerate(pairs)])
    chart = line_chart([target, actual], [(i + 0.5, str(2024 + i)) for i in range(len(pairs))], (0, len(pairs)))
    boxes = list(_boxes(chart))
    for i, a in enumerate(boxes):
        for b in boxes[i + 1 :]:
            assert a[1] <= b[0] or b[1] <= a[0] or a[3] <= b[2] or b[3] <= a[2], (a, b)
    # The gridlines' labels carry separators: no bare seven-digit number.
    assert all("," in g["text"] or len(g["text"].split(".")[0].lstrip("-")) <= 3 for g in chart.gridlines)


def test_a_chart_without_values_says_what_is_missing():
    chart = line_chart([Series("x", "actual", [(1, None)])], [(0.5, "2024")], (0, 1), missing="尚无填报数据")
    assert chart.empty == "尚无填报数据"
    only_target = line_chart(
        [Series("t", "target", [(1, Decimal(5))]), Series("a", "actual", [(1, None)])],
        [(0.5, "2024")],
        (0, 1),
        missing="尚无填报数据",
    )
    assert not only_target.empty and only_target.note == "尚无填报数据"


def test_the_task_page_draws_its_milestones_on_a_timeline(demo_accounts):
    from departments.sample import seed_sample
    from tasks_app.workflow.models import Milestone

    seed_sample()
    milestone = Milestone.objects.filter(task__number=1).order_by("due_date", "id").first()
    Milestone.objects.filter(pk=milestone.pk).update(due_date=milestone.baseline_due_date + dt.timedelta(days=40))
    client = Client()
    client.force_login(demo_accounts["supervisor"])
    response = client.get(reverse("tasks_app:task_detail", args=[1]))
    timeline = response.context["timeline"]
    assert not timeline["empty"]
    rows = {r["row"].url: r for r in timeline["rows"]}
    slipped = rows[reverse("tasks_app:milestone_detail", args=[milestone.pk])]
    assert slipped["slipped"] and slipped["baseline_x"] < slipped["due_x"]
    html = response.content.decode()
    assert 'class="timeline"' in html and "原定完成时限" in html
