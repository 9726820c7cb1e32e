"""What an assessment answers: a scored component, a row (a district, a department or the city) and the
whole result, with the constants the scoring shares."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from tasks_app.workflow.models import Rag

HUNDRED = Decimal(100)


AMBER_ATTAINMENT = Decimal("0.8")  # an indicator below target but at 80 % or more is amber


def _q(value: Decimal | None, places: str = "0.01") -> Decimal | None:
    return None if value is None else Decimal(value).quantize(Decimal(places), rounding=ROUND_HALF_UP)


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


@dataclass
class Row:
    code: str
    name: str
    name_en: str
    components: list[Component] = field(default_factory=list)
    score: str = "0.00"
    rank: int = 0
    rag: str = Rag.RED
    change: str | None = None
    facts: dict = field(default_factory=dict)


@dataclass
class Assessment:
    period: str
    as_of: str
    published: bool = False
    published_at: str | None = None
    published_by: str | None = None
    remarks: str = ""
    city: list[Component] = field(default_factory=list)
    districts: list[Row] = field(default_factory=list)
    departments: list[Row] = field(default_factory=list)

    def as_dict(self) -> dict:
        return asdict(self)
