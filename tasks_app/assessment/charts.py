"""An indicator's trajectory as a chart: the target path by year, the reported yearly figures and the
quarterly ones between them, on one time axis (a year's figure sits at the year's end, a quarter's at
its quarter's end), laid out by tasks_app.core.charts."""

from __future__ import annotations

from django.utils.translation import gettext as _

from tasks_app.assessment.components import Figures
from tasks_app.assessment.models import Indicator
from tasks_app.core.charts import LineChart, Series, line_chart


def indicator_chart(
    figures: Figures, indicator: Indicator, district_id: int | None, years: range, allowed=None
) -> LineChart:
    """``allowed``: the (indicator id, period) pairs the reader may see reported, or None for all."""
    first = years[0]

    def reported(period: str):
        if allowed is not None and (indicator.pk, period) not in allowed:
            return None
        return figures.reports.get((indicator.pk, district_id, period))

    target = Series(
        _("Target path"),
        "target",
        [(year - first + 1, figures.annual_target(indicator, district_id, year)) for year in years],
    )
    yearly = Series(_("Reported"), "actual", [(year - first + 1, reported(str(year))) for year in years])
    quarterly = Series(
        _("Reported, by quarter"),
        "quarter",
        [(year - first + q / 4, reported(f"{year}-Q{q}")) for year in years for q in (1, 2, 3, 4)],
        line=False,
    )
    series = [target, yearly] + ([quarterly] if any(v is not None for _x, v in quarterly.points) else [])
    missing = ""
    if all(v is None for _x, v in yearly.points) and all(v is None for _x, v in quarterly.points):
        missing = _("No figure reported yet for %(first)s–%(last)s.") % {"first": first, "last": years[-1]}
    elif all(v is None for _x, v in target.points):
        missing = _("No target set for %(first)s–%(last)s.") % {"first": first, "last": years[-1]}
    chart = line_chart(
        series,
        [(year - first + 0.5, str(year)) for year in years],
        (0, len(years)),
        unit=indicator.unit_label,
        missing=missing,
    )
    chart.table = [
        {
            "period": period,
            "target": next((v for x, v in target.points if x == year - first + 1), None) if "Q" not in period else None,
            "actual": reported(period),
        }
        for year in years
        for period in [f"{year}-Q{q}" for q in (1, 2, 3, 4)] + [str(year)]
        if reported(period) is not None or "Q" not in period
    ]
    return chart
