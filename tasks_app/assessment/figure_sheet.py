"""Reported figures as a spreadsheet: the export of the figures the user may see, the sheet a
district or a data-source department fills in (indicator × period × value), and its import.

The import follows the figure form's rules exactly — a district reports its own figures, the
data-source departments the city's, the office any; a figure of a published period changes only
with the office — and writes through ``indicator_report_submit`` (history, corrections kept).
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tasks_app.assessment.models import Indicator, IndicatorReport
from tasks_app.assessment.periods import Period, period_is_published
from tasks_app.assessment.permissions import (
    can_publish_assessment,
    indicator_report_scope,
    indicator_reports_visible_to,
)
from tasks_app.assessment.services import indicator_report_submit
from tasks_app.core.people import person_label
from tasks_app.exports import services as exports
from tasks_app.exports.imports import ImportColumn, Importer, RowAction, RowProblems, cell_text, register
from tasks_app.exports.sheets import Sheet
from tasks_app.plan.selectors import current_plan

COLUMNS = [
    ImportColumn("indicator", gettext_lazy("Indicator"), required=True),
    ImportColumn("district", gettext_lazy("District")),
    ImportColumn("period", gettext_lazy("Period"), required=True),
    ImportColumn("value", gettext_lazy("Value"), required=True),
    ImportColumn("unit", gettext_lazy("unit")),  # shown, not imported
    ImportColumn("source", gettext_lazy("Source")),
    ImportColumn("reported_by", gettext_lazy("reported by")),  # shown, not imported
    ImportColumn("reported_at", gettext_lazy("reported at")),  # shown, not imported
]
PERIOD = re.compile(r"^[0-9]{4}(-Q[1-4])?$")


def _city() -> str:
    return _("the city (全市)")


def figure_rows(queryset):
    for report in queryset.select_related("indicator", "district", "reported_by").iterator(chunk_size=2000):
        yield [
            str(report.indicator),
            str(report.district) if report.district_id else _city(),
            report.period,
            report.value,
            report.indicator.unit,
            report.source,
            person_label(report.reported_by) if report.reported_by_id else "",
            report.reported_at,
        ]


def figure_export_source(user, params: dict):
    plan = current_plan(user)
    queryset = (
        indicator_reports_visible_to(user)
        .filter(indicator__plan=plan)
        .order_by("indicator__position", "district__position", "period")
    )
    filters = ""
    if params.get("period"):
        queryset = queryset.filter(period=params["period"])
        filters = f"{_('Period')}：{params['period']}"
    spec = Sheet(
        name=_("Indicator reports"),
        headers=[str(column.header) for column in COLUMNS],
        rows=figure_rows(queryset),
        filters=filters,
    )
    return queryset.count(), spec


exports.BOARDS["figures"] = figure_export_source


class FigureImporter(Importer):
    kind = "figures"
    label = gettext_lazy("Indicator reports")
    columns = COLUMNS

    def may_import(self, user) -> bool:
        if not user.is_authenticated:
            return False
        districts, city = indicator_report_scope(user)
        return city or districts.exists()

    def template(self, user, params) -> Sheet:
        districts, city = indicator_report_scope(user)
        plan = current_plan(user)
        reports = IndicatorReport.objects.filter(indicator__plan=plan).filter(district__in=districts)
        if city:
            reports = reports | IndicatorReport.objects.filter(indicator__plan=plan, district__isnull=True)
        reports = reports.order_by("indicator__position", "district__position", "period")
        return Sheet(
            name=_("Indicator reports"),
            headers=[str(column.header) for column in COLUMNS],
            rows=list(figure_rows(reports)),
            choices={
                0: [str(i) for i in Indicator.objects.filter(plan=plan).order_by("position")],
                1: [str(d) for d in districts] + ([_city()] if city else []),
            },
            instructions=[
                _("How to fill in this sheet"),
                _("One row per figure: indicator, district (or the city), period (2025 or 2025-Q3), value."),
                _("A row for a figure already reported corrects it; the old value stays in the history."),
                _("Unit, reported by and reported at are for your information."),
            ],
        )

    def check(self, user, rows, problems: RowProblems) -> list[RowAction]:
        header = {column.key: str(column.header) for column in COLUMNS}
        plan = current_plan(user)
        indicators = {}
        for indicator in Indicator.objects.filter(plan=plan):
            for key in (indicator.name, indicator.name_en, indicator.code, str(indicator)):
                if key:
                    indicators.setdefault(key.strip().lower(), indicator)
        districts, city = indicator_report_scope(user)
        allowed = {}
        for district in districts:
            for key in (district.name, district.name_en, district.code):
                if key:
                    allowed[key.strip().lower()] = district
        city_names = {_city().lower(), "全市", "the city", "city", ""}
        office = can_publish_assessment(user)
        existing = {
            (r.indicator_id, r.district_id, r.period): r for r in IndicatorReport.objects.filter(indicator__plan=plan)
        }
        published: dict[str, bool] = {}
        seen = set()
        actions = []
        for number, record in rows:
            before = len(problems.items)

            def problem(key, message, number=number):
                problems.add(number, header[key], message)

            indicator = indicators.get(cell_text(record.get("indicator")).lower())
            if indicator is None:
                problem(
                    "indicator",
                    _("Unknown indicator “%(name)s”.") % {"name": cell_text(record.get("indicator"))},
                )
            district_text = cell_text(record.get("district"))
            district = None
            if district_text.lower() in city_names:
                if not city:
                    problem("district", _("The city's figures come from the data-source departments."))
            else:
                district = allowed.get(district_text.lower())
                if district is None:
                    problem(
                        "district",
                        _("You do not report figures for “%(name)s”.") % {"name": district_text},
                    )
            period_text = cell_text(record.get("period"))
            if not PERIOD.match(period_text):
                problem("period", _("A period is a year (2025) or a quarter (2025-Q3)."))
            else:
                try:
                    period_text = str(Period.parse(period_text))
                except ValidationError as error:
                    problem("period", " ".join(error.messages))
            raw = record.get("value")
            value = None
            try:
                value = Decimal(cell_text(raw).replace(",", ""))
                if not value.is_finite() or value < 0 or abs(value) >= Decimal(10) ** 14:
                    raise InvalidOperation
                value = value.quantize(Decimal("0.01"))
            except (InvalidOperation, ValueError):
                problem(
                    "value",
                    _("“%(value)s” is not a number of at most 14 digits, not negative.") % {"value": cell_text(raw)},
                )
            source = cell_text(record.get("source"))[:300]
            if len(problems.items) > before:
                continue
            key = (indicator.pk, district.pk if district else None, period_text)
            if key in seen:
                problem("period", _("This figure is already on an earlier row of the sheet."))
                continue
            seen.add(key)
            report = existing.get(key)
            if report is not None and report.value == value and (not source or source == report.source):
                actions.append(RowAction(number, "unchanged", f"{indicator} · {period_text}"))
                continue
            if period_text not in published:
                published[period_text] = period_is_published(plan.pk, period_text)
            if published[period_text] and not office:
                problem(
                    "period",
                    _("The assessment for %(period)s is published; ask the supervision office to correct the figure.")
                    % {"period": period_text},
                )
                continue
            where = str(district) if district else _city()
            payload = {
                "indicator": indicator,
                "district": district,
                "period": period_text,
                "value": value,
                "source": source,
            }
            if report is None:
                actions.append(RowAction(number, "new", f"{indicator} · {where} · {period_text}: {value}", payload))
            else:
                actions.append(
                    RowAction(
                        number, "changed", f"{indicator} · {where} · {period_text}: {report.value} → {value}", payload
                    )
                )
        return actions

    def apply_row(self, user, action: RowAction) -> None:
        indicator_report_submit(by=user, **action.payload)


register(FigureImporter())
