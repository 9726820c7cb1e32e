"""Assessment periods: a year ("2025") or a quarter ("2025-Q3"), and which are published."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from tasks_app.assessment.models import (
    AssessmentPublication,
)
from tasks_app.core.validators import year_plausible
from tasks_app.plan.models import Plan


@dataclass(frozen=True)
class Period:
    year: int
    quarter: int | None = None

    @classmethod
    def parse(cls, text: str) -> Period:
        match = re.fullmatch(r"([0-9]{4})(?:-Q([1-4]))?", str(text).strip())
        if not match:
            raise ValidationError({"period": _("A period is a year (2025) or a quarter (2025-Q3).")})
        try:
            year_plausible(int(match.group(1)))
        except ValidationError as error:
            raise ValidationError({"period": error.messages}) from None
        return cls(int(match.group(1)), int(match.group(2)) if match.group(2) else None)

    def __str__(self) -> str:
        return f"{self.year}-Q{self.quarter}" if self.quarter else str(self.year)

    @property
    def start(self) -> dt.date:
        return dt.date(self.year, 1 if not self.quarter else 3 * self.quarter - 2, 1)

    @property
    def end(self) -> dt.date:
        if not self.quarter or self.quarter == 4:
            return dt.date(self.year, 12, 31)
        return dt.date(self.year, 3 * self.quarter + 1, 1) - dt.timedelta(days=1)

    @property
    def share_of_year(self) -> Decimal:
        return Decimal(self.quarter) / 4 if self.quarter else Decimal(1)

    def previous(self) -> Period:
        if not self.quarter:
            return Period(self.year - 1)
        return Period(self.year, self.quarter - 1) if self.quarter > 1 else Period(self.year - 1, 4)


def period_is_published(plan_id: int, period_text: str) -> bool:
    year = period_text[:4]
    return AssessmentPublication.objects.filter(
        plan_id=plan_id, period__in=[period_text, year], status="current"
    ).exists()


def plan_years(plan: Plan) -> range:
    return range(plan.start_year - 1, plan.end_year + 1)
