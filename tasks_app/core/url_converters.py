"""Path converters that only match plausible values, so an impossible one is a 404 before any view
runs (``/assessment/0000/notice/`` used to build its notice first and fail after).

The years come from the one plausibility range (tasks_app/core/validators.py, settings
``CBEC_EARLIEST_YEAR`` … ``CBEC_LATEST_YEAR``)."""

from __future__ import annotations

from django.urls import register_converter

from tasks_app.core.validators import plausible_years


def _plausible(year: int) -> int:
    earliest, latest = plausible_years()
    if not earliest <= year <= latest:
        raise ValueError(f"year {year} is outside {earliest}–{latest}")
    return year


class YearConverter:
    """``<year:year>``: four digits within the plausible range, as an int."""

    regex = "[0-9]{4}"

    def to_python(self, value: str) -> int:
        return _plausible(int(value))

    def to_url(self, value) -> str:
        return f"{int(value):04d}"


class PeriodConverter:
    """``<period:period>``: a year ("2025") or a quarter ("2025-Q3") within the plausible range, as text."""

    regex = "[0-9]{4}(?:-Q[1-4])?"

    def to_python(self, value: str) -> str:
        _plausible(int(value[:4]))
        return value

    def to_url(self, value) -> str:
        return str(value)


register_converter(YearConverter, "year")
register_converter(PeriodConverter, "period")
