"""What an assessment answers: a scored component, a row (a district, a department or the city) and the
whole result, with the constants the scoring shares. Everything here is plain data (strings, numbers,
lists): a publication freezes it as JSON and every reader gets the same."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field, fields, replace
from decimal import ROUND_HALF_UP, Decimal

from tasks_app.workflow.models import Rag

HUNDRED = Decimal(100)
NOT_ASSESSED = "grey"  # the RAG of a component or a row that is not assessed (shown grey)


AMBER_ATTAINMENT = Decimal("0.8")  # an indicator below target but at 80 % or more is amber

QUARTERS_ZH = {1: "一", 2: "二", 3: "三", 4: "四"}


def _q(value: Decimal | None, places: str = "0.01") -> Decimal | None:
    return None if value is None else Decimal(value).quantize(Decimal(places), rounding=ROUND_HALF_UP)


def zh_date(value: dt.date | str | None) -> str:
    """A date written the Chinese way: 2026年11月24日."""
    if value in (None, ""):
        return ""
    if isinstance(value, str):
        value = dt.date.fromisoformat(value[:10])
    return f"{value.year}年{value.month}月{value.day}日"


def zh_period(period: str) -> str:
    """2025 → 2025年度; 2025-Q3 → 2025年第三季度."""
    if "-Q" in period:
        year, quarter = period.split("-Q")
        return f"{year}年第{QUARTERS_ZH[int(quarter)]}季度"
    return f"{period}年度"


@dataclass
class Component:
    kind: str
    label: str
    weight: str
    target: str | None = None
    actual: str | None = None
    attainment: str | None = None  # percent
    points: str = "0.00"
    rag: str | None = None
    note: str = ""
    assessed: bool = True  # False: left out of the score (no target, nothing due, not yet reportable)


@dataclass
class Row:
    code: str
    name: str
    name_en: str
    components: list[Component] = field(default_factory=list)
    score: str | None = "0.00"  # None: no basis to assess
    rank: int | None = 0
    rag: str = Rag.RED
    change: str | None = None
    facts: dict = field(default_factory=dict)
    note: str = ""


@dataclass
class Assessment:
    period: str
    as_of: str
    as_of_basis: str = "today"  # "period_end" (a closed period) or "today" (the current period)
    published: bool = False
    published_at: str | None = None
    published_by: str | None = None
    remarks: str = ""
    version: int | None = None
    status: str | None = None
    reason: str = ""
    withdrawn_at: str | None = None
    withdrawn_by: str | None = None
    withdrawal_reason: str = ""
    plan: dict = field(default_factory=dict)
    rubrics: dict = field(default_factory=dict)
    headline: str | None = None  # the district rubric's first indicator: the scorecard's own column
    headline_en: str | None = None
    city: list[Component] = field(default_factory=list)
    districts: list[Row] = field(default_factory=list)
    departments: list[Row] = field(default_factory=list)
    # A list once published or read back; computed, a lazy sequence (components.OverdueItems).
    overdue: Sequence[dict] = field(default_factory=list)

    def as_dict(self) -> dict:
        # The overdue items as a list: a computed assessment reads them from the database here.
        data = asdict(replace(self, overdue=[]))
        data["overdue"] = [dict(item) for item in self.overdue]
        return data

    @classmethod
    def from_dict(cls, data: dict) -> Assessment:
        component_fields = {f.name for f in fields(Component)}
        row_fields = {f.name for f in fields(Row)}

        def component(data):
            return Component(**{k: v for k, v in data.items() if k in component_fields})

        def rows(items):
            return [
                Row(
                    **{k: v for k, v in item.items() if k in row_fields and k != "components"},
                    components=[component(c) for c in item["components"]],
                )
                for item in items
            ]

        names = {f.name for f in fields(cls)}
        values = {k: v for k, v in data.items() if k in names}
        values["city"] = [component(c) for c in data.get("city", [])]
        values["districts"] = rows(data.get("districts", []))
        values["departments"] = rows(data.get("departments", []))
        return cls(**values)
