"""Charts drawn on the server as SVG: axes, gridlines at round values, thousands separators, value
labels that never overlap, and an empty state that names what is missing.

Why server-side SVG rather than a JavaScript charting library: the pages must work on offline
government networks under a strict Content-Security-Policy, print and export the same as they show,
and cost nothing on a phone; a chart here has at most a few dozen points, so the layout below is all
a library would add. The template is ``templates/_line_chart.html`` (and ``_timeline.html``)."""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.formats import date_format
from django.utils.translation import gettext as _

LABEL_HEIGHT = 12
# Average advance of a digit or separator at the label font size (11 px), for the collision boxes.
CHAR_WIDTH = 6.2


def format_number(value, places: int | None = None) -> str:
    """1500000 → "1,500,000"; 12.5 → "12.5"; 3.0 → "3": thousands separators, no trailing ".0"."""
    if value is None:
        return ""
    number = Decimal(str(value))
    if places is None:
        places = 0 if number == number.to_integral_value() else (1 if abs(number) >= 10 else 2)
    text = f"{number:,.{places}f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text


def nice_ticks(low: float, high: float, count: int = 5) -> list[float]:
    """Round tick values covering [low, high] (steps of 1, 2, 2.5 or 5 × 10ⁿ), starting at or below low."""
    if high <= low:
        high = low + (abs(low) or 1)
    raw = (high - low) / max(1, count - 1)
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw)
    start = math.floor(low / step) * step
    ticks = [round(start, 10)]
    while ticks[-1] < high - step * 1e-9:
        ticks.append(round(start + len(ticks) * step, 10))
    return ticks


@dataclass
class Series:
    """One line of a chart: a value (or None) per x position."""

    name: str
    css: str  # "target" or "actual" or "quarter": the stroke and dot colours in tracker.css
    points: list[tuple[float, Decimal | None]]  # (x position in axis units, value)
    line: bool = True


@dataclass
class _Box:
    left: float
    right: float
    top: float
    bottom: float

    def overlaps(self, other: _Box) -> bool:
        return not (
            self.right <= other.left or other.right <= self.left or self.bottom <= other.top or other.bottom <= self.top
        )


@dataclass
class LineChart:
    width: int
    height: int
    left: float
    right: float
    top: float
    bottom: float
    gridlines: list[dict] = field(default_factory=list)
    x_labels: list[dict] = field(default_factory=list)
    series: list[dict] = field(default_factory=list)
    labels: list[dict] = field(default_factory=list)
    unit: str = ""
    empty: str = ""
    note: str = ""
    table: list[dict] = field(default_factory=list)  # the values as rows, under the chart


def line_chart(
    series: list[Series],
    x_labels: list[tuple[float, str]],
    x_span: tuple[float, float],
    *,
    unit: str = "",
    width: int = 560,
    height: int = 240,
    missing: str = "",
) -> LineChart:
    """Lay out ``series`` over an x axis from ``x_span[0]`` to ``x_span[1]``.

    ``missing`` is said under the chart when a series has no value at all (e.g. "no figure reported
    yet"); a chart with no value in any series is only that empty state."""
    values = [float(v) for s in series for _x, v in s.points if v is not None]
    chart = LineChart(width=width, height=height, left=0, right=width - 12, top=14, bottom=height - 26, unit=unit)
    if not values:
        chart.empty = missing or _("No target or figure yet.")
        return chart
    if any(all(v is None for _x, v in s.points) for s in series) and missing:
        chart.note = missing
    ticks = nice_ticks(min(0.0, min(values)), max(values))
    tick_texts = [format_number(t) for t in ticks]
    chart.left = 10 + CHAR_WIDTH * max(len(t) for t in tick_texts)
    low, high = ticks[0], ticks[-1]
    x0, x1 = x_span
    plot_width = chart.right - chart.left
    plot_height = chart.bottom - chart.top

    def to_x(x: float) -> float:
        return round(chart.left + (x - x0) / ((x1 - x0) or 1) * plot_width, 1)

    def to_y(value: float) -> float:
        return round(chart.bottom - (value - low) / ((high - low) or 1) * plot_height, 1)

    chart.gridlines = [{"y": to_y(t), "text": text} for t, text in zip(ticks, tick_texts, strict=True)]
    chart.x_labels = [{"x": to_x(x), "text": text} for x, text in x_labels]
    placed: list[_Box] = [
        # The axis labels are obstacles too.
        _Box(chart.left - 2, chart.right, chart.bottom, height)
    ]
    for one in series:
        points = [(to_x(x), to_y(float(v)), v) for x, v in one.points if v is not None]
        chart.series.append(
            {
                "name": one.name,
                "css": one.css,
                "line": " ".join(f"{x},{y}" for x, y, _v in points) if one.line and len(points) > 1 else "",
                "points": [{"x": x, "y": y, "text": format_number(v)} for x, y, v in points],
            }
        )
    # Labels: the reported values first (what people read), then targets; each above its dot, else
    # below, else left out (the dot's tooltip and the table under the chart still carry the value).
    order = sorted(chart.series, key=lambda s: {"actual": 0, "quarter": 1}.get(s["css"], 2))
    for one in order:
        for point in one["points"]:
            half = len(point["text"]) * CHAR_WIDTH / 2
            for dy in (-7, LABEL_HEIGHT + 7):
                baseline = point["y"] + dy
                box = _Box(point["x"] - half, point["x"] + half, baseline - LABEL_HEIGHT + 2, baseline + 2)
                if box.left < chart.left or box.right > width or box.top < 0 or box.bottom > chart.bottom:
                    continue
                if any(box.overlaps(other) for other in placed):
                    continue
                placed.append(box)
                chart.labels.append({"x": point["x"], "y": baseline, "text": point["text"], "css": one["css"]})
                break
    return chart


@dataclass
class TimelineRow:
    label: str
    url: str
    status: str
    status_label: str
    baseline: dt.date | None
    due: dt.date
    completed: dt.date | None
    tone: str = "open"  # "completed", "overdue" or "open": the dot's colour


def timeline(rows: list[TimelineRow], today: dt.date, *, width: int = 720, row_height: int = 26) -> dict:
    """A task's milestones on one time axis: the baseline due date (hollow), the current due date
    (filled, coloured by state) and the slip between them, today's line and month ticks."""
    if not rows:
        return {"empty": True}
    dates = [today] + [d for r in rows for d in (r.baseline, r.due, r.completed) if d is not None]
    first = min(dates).replace(day=1)
    last = max(dates)
    last = (last.replace(day=28) + dt.timedelta(days=4)).replace(day=1)  # the first of the next month
    left, right = 12, width - 12
    span = (last - first).days or 1

    def to_x(day: dt.date) -> float:
        return round(left + (day - first).days / span * (right - left), 1)

    months = []
    cursor = first
    step = max(1, round((span / 30) / 8))  # about eight month labels whatever the range
    index = 0
    while cursor <= last:
        # A label needs about 50 px: none that would run off the right edge.
        if index % step == 0 and to_x(cursor) <= right - 50:
            text = date_format(cursor, "Y-m") if cursor.month != 1 or index == 0 else str(cursor.year)
            months.append({"x": to_x(cursor), "text": text})
        cursor = (cursor.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
        index += 1
    axis_top = 22
    laid = []
    for number, row in enumerate(rows):
        y = axis_top + number * row_height + row_height / 2
        due_x = to_x(row.due)
        # The title beside the dot, on whichever side has more room.
        on_left = due_x > (left + right) / 2
        laid.append(
            {
                "row": row,
                "tone": row.tone,
                "label_x": due_x - 10 if on_left else due_x + 10,
                "anchor": "end" if on_left else "start",
                "y": y,
                "text_y": y + 4,
                "due_x": due_x,
                "baseline_x": to_x(row.baseline) if row.baseline and row.baseline != row.due else None,
                "completed_x": to_x(row.completed) if row.completed else None,
                "slipped": bool(row.baseline and row.due > row.baseline),
            }
        )
    height = axis_top + len(rows) * row_height + 8
    return {
        "empty": False,
        "width": width,
        "height": height,
        "months": months,
        "today_x": to_x(today),
        "rows": laid,
        "axis_bottom": height - 4,
    }
