from __future__ import annotations

from decimal import Decimal

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_tables2 import RequestConfig
from django_tables2.export import TableExport

from departments.models import District
from tasks_app.assessment.forms import IndicatorReportForm, PublishForm
from tasks_app.assessment.notice_docx import notice_docx
from tasks_app.assessment.periods import plan_years
from tasks_app.assessment.permissions import (
    can_publish_assessment,
    can_see_all_assessments,
    indicator_reports_visible_to,
)
from tasks_app.assessment.scoring import Figures, Period, assessment_for, assessment_publish, assessment_visible_to
from tasks_app.assessment.services import indicator_report_submit
from tasks_app.assessment.tables import DepartmentScoreTable, DistrictScoreTable
from tasks_app.core.errors import InvalidState, NotAllowed
from tasks_app.core.form_actions import form_errors_apply
from tasks_app.exports import services as exports
from tasks_app.plan.models import Implementation, ImplementationStatus
from tasks_app.plan.permissions import implementations_visible_to
from tasks_app.plan.selectors import current_government_units, current_plan
from tasks_app.reminders.overdue_board import _overdue_export_source
from tasks_app.reminders.selectors import overdue_milestones
from tasks_app.workflow.models import Milestone, MilestoneStatus
from tasks_app.workflow.permissions import milestones_visible_to

EXPORT_FORMATS = ("csv", "xlsx")


def _row_name(row) -> str:
    """A scorecard row's district or department in the reader's language."""
    return row.name_en if (get_language() or "").startswith("en") and row.name_en else row.name


def _plan():
    plan = current_plan()
    if plan is None:
        raise Http404(_("No plan is loaded."))
    return plan


def _period(text: str) -> Period:
    try:
        return Period.parse(text)
    except ValidationError:
        raise Http404(_("A period is a year (2025) or a quarter (2025-Q3).")) from None


def assessment_home(request):
    return redirect("tasks_app:assessment", period=str(timezone.localdate().year))


def _district_rows(result):
    rows = []
    for row in result.districts:
        volume = next(
            (c for c in row.components if c.kind == "indicator" and c.label.startswith("跨境电商进出口额")), None
        )
        rows.append(
            {
                "code": row.code,
                "rank": row.rank,
                "name": _row_name(row),
                "score": row.score,
                "change": row.change,
                "rag": row.rag,
                "volume": volume.attainment if volume else None,
                "confirmations": f"{row.facts.get('confirmed', 0)}/{row.facts.get('implementations', 0)}",
                "overdue": row.facts.get("overdue", 0),
            }
        )
    return rows


def _department_rows(result):
    return [
        {
            "code": row.code,
            "rank": row.rank,
            "name": _row_name(row),
            "score": row.score,
            "change": row.change,
            "rag": row.rag,
            "milestones_due": row.facts.get("milestones_due", 0),
            "on_time": row.facts.get("on_time", 0),
            "overdue": row.facts.get("overdue", 0),
            "average_days_overdue": row.facts.get("average_days_overdue", "0"),
            "monthly": f"{row.facts.get('monthly_updates', 0)}/{row.facts.get('monthly_expected', 0)}",
        }
        for row in result.departments
    ]


def assessment_page(request, period: str):
    plan = _plan()
    period_ = _period(period)
    if not plan.start_year - 1 <= period_.year <= plan.end_year + 1:
        raise Http404(_("The plan does not cover that period."))
    result = assessment_visible_to(request.user, assessment_for(plan, period_))
    rag = request.GET.get("rag")
    district_rows, department_rows = _district_rows(result), _department_rows(result)
    if rag in ("green", "amber", "red"):
        district_rows = [r for r in district_rows if r["rag"] == rag]
        department_rows = [r for r in department_rows if r["rag"] == rag]
    districts = DistrictScoreTable(district_rows, prefix="d-")
    departments = DepartmentScoreTable(department_rows, prefix="p-")
    RequestConfig(request, paginate=False).configure(districts)
    RequestConfig(request, paginate=False).configure(departments)
    export = request.GET.get("_export")
    if export in EXPORT_FORMATS:
        table = departments if request.GET.get("table") == "departments" else districts
        name = "departments" if table is departments else "districts"
        return TableExport(export, table).response(f"assessment-{period_}-{name}.{export}")
    publish_form = None
    if not result.published and can_publish_assessment(request.user):
        publish_form = PublishForm()
    periods = [str(y) for y in plan_years(plan) if y >= plan.start_year] + [
        f"{timezone.localdate().year}-Q{q}" for q in range(1, 5)
    ]
    return render(
        request,
        "assessment/assessment.html",
        {
            "plan": plan,
            "result": result,
            "period": str(period_),
            "districts_table": districts,
            "departments_table": departments,
            "publish_form": publish_form,
            "periods": periods,
            "own_only": not result.published and not can_see_all_assessments(request.user),
            # The notice exists once published; before that only the offices read its draft.
            "notice_available": result.published or can_see_all_assessments(request.user),
            "rag": rag,
            "rag_choices": [("green", _("green")), ("amber", _("amber")), ("red", _("red"))],
        },
    )


def assessment_notice(request, period: str):
    """The printable 通报 of a published period (or a draft for the offices)."""
    plan = _plan()
    period_ = _period(period)
    result = assessment_for(plan, period_)
    if not result.published and not can_see_all_assessments(request.user):
        raise Http404(_("Not published yet."))
    overdue = list(overdue_milestones(request.user, as_of=timezone.localdate())[:50])
    if request.GET.get("format") == "docx":
        issued_on = result.published_at[:10] if result.published else f"{timezone.localdate():%Y-%m-%d}(草稿)"
        content = notice_docx(plan=plan, result=result, overdue=overdue, issued_on=issued_on)
        response = HttpResponse(
            content, content_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document"
        )
        response["Content-Disposition"] = f'attachment; filename="notice-{period_}.docx"'
        return response
    return render(
        request,
        "assessment/assessment_notice.html",
        {
            "plan": plan,
            "result": result,
            "period": str(period_),
            "overdue": overdue,
            "today": timezone.localdate(),
        },
    )


@require_POST
def assessment_publish_page(request, period: str):
    plan = _plan()
    form = PublishForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Check the remarks."))
        return redirect("tasks_app:assessment", period=period)
    try:
        assessment_publish(plan=plan, period=_period(period), by=request.user, remarks=form.cleaned_data["remarks"])
    except NotAllowed as error:
        raise PermissionDenied(str(error)) from None
    except InvalidState as error:
        messages.error(request, str(error))
        return redirect("tasks_app:assessment", period=period)
    messages.success(request, _("Published."))
    return redirect("tasks_app:assessment", period=period)


exports.BOARDS["overdue"] = _overdue_export_source


def _chart(points: list[dict], width=520, height=220, pad=36):
    """Coordinates of a target path and the reported values for an inline SVG (no chart library)."""
    values = [p[k] for p in points for k in ("target", "actual") if p[k] is not None]
    if not values:
        return None
    top = max(values) * Decimal("1.1") or Decimal(1)
    step = (width - 2 * pad) / max(1, len(points) - 1)

    def xy(index, value):
        return (round(pad + index * step, 1), round(height - pad - float(value / top) * (height - 2 * pad), 1))

    def line(key):
        coords = [xy(i, p[key]) for i, p in enumerate(points) if p[key] is not None]
        return " ".join(f"{x},{y}" for x, y in coords), coords

    target_line, target_points = line("target")
    actual_line, actual_points = line("actual")
    return {
        "width": width,
        "height": height,
        "pad": pad,
        "baseline": height - pad,
        "target_line": target_line,
        "actual_line": actual_line,
        "target_points": [
            (x, y, p["target"])
            for (x, y), p in zip(target_points, [p for p in points if p["target"] is not None], strict=True)
        ],
        "actual_points": [
            (x, y, p["actual"])
            for (x, y), p in zip(actual_points, [p for p in points if p["actual"] is not None], strict=True)
        ],
        "years": [(round(pad + i * step, 1), p["year"]) for i, p in enumerate(points)],
    }


def indicators_page(request):
    """Trajectories: each city indicator's target path against the reported figures, and for a
    district (its own, or any for the offices) its volume and belt export."""
    return _indicators_page(request)


def _indicators_page(request, *, form=None, status=200):
    plan = _plan()
    figures = Figures(plan)
    years = plan_years(plan)
    charts = []
    for indicator in figures.indicators.values():
        if any(figures.target_row(indicator, None, y) for y in years):
            charts.append(
                {
                    "indicator": indicator,
                    "scope": _("city"),
                    "chart": _chart(figures.path(indicator, None, years)),
                    "path": figures.path(indicator, None, years),
                }
            )
    district = _chart_district(request)
    if district is not None:
        reports = indicator_reports_visible_to(request.user).filter(district=district)
        allowed = {(r.indicator_id, r.period) for r in reports}
        for code in ("cbec_volume", "belt_export"):
            indicator = figures.indicators.get(code)
            if indicator is None:
                continue
            path = [
                {**p, "actual": p["actual"] if (indicator.pk, str(p["year"])) in allowed else None}
                for p in figures.path(indicator, district.pk, years)
            ]
            charts.append({"indicator": indicator, "scope": str(district), "chart": _chart(path), "path": path})
    if form is None:
        form = IndicatorReportForm(user=request.user, plan=plan, initial={"period": str(timezone.localdate().year)})
    return render(
        request,
        "assessment/indicators.html",
        {
            "plan": plan,
            "charts": charts,
            "district": district,
            # No form for whoever may report nothing (leadership, most liaisons).
            "form": form if form.may_report else None,
            "districts": current_government_units(District).order_by("position")
            if can_see_all_assessments(request.user)
            else [],
        },
        status=status,
    )


def _chart_district(request):
    own = District.objects.filter(group__user=request.user).first()
    if can_see_all_assessments(request.user):
        return current_government_units(District).filter(code=request.GET.get("district")).first() or own
    return own


@require_POST
def indicator_report_page(request):
    """Save a figure; any problem comes back on the page with the typed input kept."""
    plan = _plan()
    form = IndicatorReportForm(request.POST, user=request.user, plan=plan)
    if not form.may_report:
        raise PermissionDenied(_("You do not report figures."))
    if not form.is_valid():
        return _indicators_page(request, form=form, status=400)
    data = form.cleaned_data
    try:
        indicator_report_submit(
            indicator=data["indicator"],
            district=data["district"],
            period=data["period"],
            value=data["value"],
            source=data["source"],
            by=request.user,
        )
    except NotAllowed as error:
        form.add_error("district", str(error))
        return _indicators_page(request, form=form, status=403)
    except InvalidState as error:
        form.add_error(None, str(error))
        return _indicators_page(request, form=form, status=409)
    except ValidationError as error:
        form_errors_apply(form, error)
        return _indicators_page(request, form=form, status=400)
    messages.success(request, _("Figure saved."))
    return redirect("tasks_app:indicators")


def heatmap_page(request):
    """Task × district: each district's confirmation and the share of completed milestones."""
    plan = _plan()
    tasks = list(plan.tasks.order_by("number"))
    districts = list(District.objects.filter(government_id=plan.government_id).order_by("position"))
    visible = implementations_visible_to(request.user).filter(task__plan=plan)
    status = {(i.task_id, i.district_id): i.status for i in visible.only("task_id", "district_id", "status")}
    counts: dict[tuple, list[int]] = {}
    for task_id, district_id, state in (
        milestones_visible_to(request.user)
        .filter(task__plan=plan, district__isnull=False)
        .values_list("task_id", "district_id", "status")
    ):
        done, total = counts.setdefault((task_id, district_id), [0, 0])
        counts[(task_id, district_id)] = [done + (state == MilestoneStatus.COMPLETED), total + 1]
    grid = [
        {
            "task": task,
            "cells": [
                {
                    "district": d,
                    "status": status.get((task.pk, d.pk)),
                    "milestones": counts.get((task.pk, d.pk)),
                }
                for d in districts
            ],
        }
        for task in tasks
    ]
    totals = [sum(1 for t in tasks if status.get((t.pk, d.pk)) == ImplementationStatus.CONFIRMED) for d in districts]
    return render(
        request,
        "assessment/heatmap.html",
        {
            "plan": plan,
            "grid": grid,
            "districts": districts,
            "totals": zip(districts, totals, strict=True),
            "task_count": len(tasks),
            "legend": Implementation._meta.get_field("status").choices,
            "milestone_model": Milestone,
        },
    )
