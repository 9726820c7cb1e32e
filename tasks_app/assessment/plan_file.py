"""The assessment's part of the plan file: indicators with their targets and the figures that
came with the plan (baselines), and the districts' featured industrial belts. The plan concern reads
and writes the rest of the file and calls this part through ``plan_file_part_register``."""

from __future__ import annotations

from typing import Any

from tasks_app.assessment.models import Indicator, IndicatorReport, IndicatorTarget, IndustrialBelt
from tasks_app.plan.models import Plan
from tasks_app.plan.plan_file import PlanFilePart, decimal_text, decimal_value, plan_file_part_register, year_problem
from tasks_app.plan.plan_io import PlanWriter


def _check(data: dict, district_codes: set, duplicates, problems: list) -> None:
    indicators = data.get("indicators", [])
    duplicates(indicators, lambda i: i["code"], "$.indicators", "indicator code")
    for i_index, indicator in enumerate(indicators):
        place = f"$.indicators[{i_index}]"
        target_keys: dict[tuple, int] = {}
        for t_index, target in enumerate(indicator.get("targets", [])):
            t_place = f"{place}.targets[{t_index}]"
            district = target.get("district")
            if district is not None and district not in district_codes:
                problems.append((f"{t_place}.district", f"unknown district {district!r}"))
            if target["level"] == "city" and district is not None:
                problems.append((f"{t_place}.district", "a city-level target has no district"))
            if target.get("value") is None and target.get("growth_factor") is None:
                problems.append((t_place, "a target needs a value, a growth factor, or both"))
            if target.get("value") is not None and not target.get("comparison"):
                problems.append((f"{t_place}.comparison", "a target value needs a comparison (gte, gt or between)"))
            if target.get("comparison") == "between" and target.get("value_max") is None:
                problems.append((f"{t_place}.value_max", 'a "between" target needs an upper bound'))
            year_problem(target["year"], f"{t_place}.year", problems)
            key = (target["level"], district, target["year"])
            if key in target_keys:
                problems.append((t_place, f"duplicate target for {key} (first at {place}.targets[{target_keys[key]}])"))
            target_keys[key] = t_index
        report_keys: dict[tuple, int] = {}
        for r_index, report in enumerate(indicator.get("reports", [])):
            r_place = f"{place}.reports[{r_index}]"
            district = report.get("district")
            if district is not None and district not in district_codes:
                problems.append((f"{r_place}.district", f"unknown district {district!r}"))
            year_problem(report["period"], f"{r_place}.period", problems)
            key = (district, report["period"])
            if key in report_keys:
                problems.append((r_place, f"duplicate report for {key} (first at {place}.reports[{report_keys[key]}])"))
            report_keys[key] = r_index
    for b_index, belt in enumerate(data.get("belts", [])):
        if belt["district"] not in district_codes:
            problems.append((f"$.belts[{b_index}].district", f"unknown district {belt['district']!r}"))
    duplicates(data.get("belts", []), lambda b: (b["district"], b["name"]), "$.belts", "belt")


def _write(writer: PlanWriter, plan: Plan, data: dict, districts: dict) -> None:
    _sync_indicators(writer, plan, data.get("indicators", []), districts)
    _sync_belts(writer, plan, data.get("belts", []), districts)


def _sync_indicators(writer: PlanWriter, plan: Plan, indicators: list[dict], districts: dict) -> None:
    codes = [i["code"] for i in indicators]
    writer.delete(Indicator.objects.filter(plan=plan).exclude(code__in=codes), "$.indicators")
    for position, item in enumerate(indicators, start=1):
        indicator = writer.sync(
            Indicator,
            {"plan": plan, "code": item["code"]},
            {
                "name": item["name"],
                "name_en": item["name_en"],
                "unit": item["unit"],
                "description": item.get("description", ""),
                "position": position,
            },
        )
        kept_targets = []
        for target in item.get("targets", []):
            district = districts.get(target.get("district"))
            row = writer.sync(
                IndicatorTarget,
                {"indicator": indicator, "level": target["level"], "district": district, "year": target["year"]},
                {
                    "comparison": target.get("comparison") or "",
                    "value": decimal_value(target.get("value")),
                    "value_max": decimal_value(target.get("value_max")),
                    "growth_factor": decimal_value(target.get("growth_factor")),
                    "source_text": target.get("source_text", ""),
                },
            )
            kept_targets.append(row.pk)
        writer.delete(indicator.targets.exclude(pk__in=kept_targets), f"$.indicators[{position - 1}].targets")
        # Reports are only added or corrected here, never deleted: later ones come from users.
        for report in item.get("reports", []):
            writer.sync(
                IndicatorReport,
                {"indicator": indicator, "district": districts.get(report.get("district")), "period": report["period"]},
                {"value": decimal_value(report["value"]), "source": report.get("source", "")},
            )


def _sync_belts(writer: PlanWriter, plan: Plan, belts: list[dict], districts: dict) -> None:
    kept = []
    for belt in belts:
        row = writer.sync(
            IndustrialBelt,
            {"plan": plan, "district": districts[belt["district"]], "name": belt["name"]},
            {"name_en": belt["name_en"]},
        )
        kept.append(row.pk)
    writer.delete(IndustrialBelt.objects.filter(plan=plan).exclude(pk__in=kept), "$.belts")


def _target_order(target: IndicatorTarget) -> tuple:
    # City first, then the general district target, then each district in the plan's order.
    district = target.district
    return (target.level, district is not None, district.position if district else 0, target.year)


def _report_order(report: IndicatorReport) -> tuple:
    district = report.district
    return (district is not None, district.position if district else 0, report.period)


def _read(plan: Plan) -> dict[str, Any]:
    indicators = []
    for indicator in plan.indicators.order_by("position", "code").prefetch_related(
        "targets__district", "reports__district"
    ):
        indicators.append(
            {
                "code": indicator.code,
                "name": indicator.name,
                "name_en": indicator.name_en,
                "unit": indicator.unit,
                "description": indicator.description,
                "targets": [
                    {
                        "level": t.level,
                        "district": t.district.code if t.district else None,
                        "year": t.year,
                        "comparison": t.comparison or None,
                        "value": decimal_text(t.value),
                        "value_max": decimal_text(t.value_max),
                        "growth_factor": decimal_text(t.growth_factor),
                        "source_text": t.source_text,
                    }
                    for t in sorted(indicator.targets.all(), key=_target_order)
                ],
                # Only the figures that came with the plan (no reporting user) belong to the plan file.
                "reports": [
                    {
                        "district": r.district.code if r.district else None,
                        "period": r.period,
                        "value": decimal_text(r.value),
                        "source": r.source,
                    }
                    for r in sorted(indicator.reports.all(), key=_report_order)
                    if r.reported_by_id is None
                ],
            }
        )

    return {
        "indicators": indicators,
        "belts": [
            {"district": b.district.code, "name": b.name, "name_en": b.name_en}
            for b in plan.belts.select_related("district").order_by("district__position", "district__code", "name")
        ],
    }


plan_file_part_register(PlanFilePart(name="assessment", check=_check, write=_write, read=_read))
