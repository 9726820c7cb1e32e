from __future__ import annotations

from decimal import Decimal

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_tables2 import RequestConfig

from departments.models import District
from tasks_app.assessment import figure_sheet
from tasks_app.assessment.charts import indicator_chart
from tasks_app.assessment.forms import IndicatorReportForm, InterimTargetForm, PublishForm, RubricForm, WithdrawForm
from tasks_app.assessment.models import (
    AssessmentPublication,
    InterimTarget,
    Rubric,
    RubricComponent,
    RubricScope,
)
from tasks_app.assessment.notice_docx import (
    content_disposition,
    notice_content,
    notice_docx,
    notice_filename,
    notice_pdf,
)
from tasks_app.assessment.periods import plan_years
from tasks_app.assessment.permissions import (
    can_manage_assessment,
    can_publish_assessment,
    can_see_all_assessments,
    indicator_reports_visible_to,
)
from tasks_app.assessment.results import zh_date, zh_period
from tasks_app.assessment.scoring import (
    Figures,
    PartSpec,
    Period,
    RubricSpec,
    active_rubric,
    assessment_compute,
    assessment_for,
    assessment_visible_to,
    from_publication,
)
from tasks_app.assessment.services import (
    assessment_publish,
    assessment_withdraw,
    indicator_report_submit,
    interim_targets_save,
    rubric_update,
)
from tasks_app.assessment.tables import DepartmentScoreTable, DistrictScoreTable, RagColumn, headline_column
from tasks_app.core.errors import InvalidState, NotAllowed
from tasks_app.core.form_actions import form_errors_apply
from tasks_app.core.people import person_label
from tasks_app.exports import services as exports
from tasks_app.plan.models import Implementation, ImplementationStatus
from tasks_app.plan.permissions import implementations_visible_to
from tasks_app.plan.selectors import current_government_units, current_plan, plan_writable
from tasks_app.workflow.models import Milestone, MilestoneStatus
from tasks_app.workflow.permissions import milestones_visible_to

EXPORT_FORMATS = exports.FORMATS
OVERDUE_PAGE_SIZE = 50


def _score_number(value):
    """A score, a change or an average as a number for the spreadsheet ("12.5" → 12.5)."""
    if isinstance(value, str):
        try:
            return Decimal(value)
        except ArithmeticError:  # decimal.InvalidOperation: not a number ("3/5")
            return value
    return value


def _score_sheet(table, name: str, filters: str) -> exports.Sheet:
    """A score table as the page shows it (its sort), RAG in the reader's language."""
    columns = list(table.columns)
    rows = []
    for row in table.rows:
        values = []
        for column in columns:
            value = row.record.get(column.name)
            if column.name == "rag":
                value = str(RagColumn.LABELS.get(value, value or ""))
            values.append(_score_number(value))
        rows.append(values)
    return exports.Sheet(name=name, headers=[str(c.header) for c in columns], rows=rows, filters=filters)


def _row_name(row) -> str:
    """A scorecard row's district or department in the reader's language."""
    return row.name_en if (get_language() or "").startswith("en") and row.name_en else row.name


def _plan():
    plan = current_plan()
    if plan is None:
        raise Http404(_("No plan is loaded."))
    return plan


def _period(text: str, plan=None) -> Period:
    try:
        period = Period.parse(text)
    except ValidationError:
        raise Http404(_("A period is a year (2025) or a quarter (2025-Q3).")) from None
    if plan is not None and not plan.start_year - 1 <= period.year <= plan.end_year + 1:
        raise Http404(_("The plan does not cover that period."))
    return period


def assessment_home(request):
    return redirect("tasks_app:assessment", period=str(timezone.localdate().year))


def _district_rows(result):
    rows = []
    for row in result.districts:
        volume = next(
            (c for c in row.components if c.kind == "indicator" and result.headline and c.label == result.headline),
            None,
        )
        rows.append(
            {
                "code": row.code,
                "rank": row.rank,
                "name": _row_name(row),
                "score": row.score,
                "change": row.change,
                "rag": row.rag,
                "volume": (volume.attainment if volume.assessed else _("not assessed")) if volume else None,
                "confirmations": f"{row.facts.get('confirmed', 0)}/{row.facts.get('implementations', 0)}",
                "overdue": row.facts.get("overdue", 0),
                "note": row.note,
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
            "note": row.note,
        }
        for row in result.departments
    ]


def _english() -> bool:
    return (get_language() or "").startswith("en")


def _period_words(period: str) -> str:
    return period if _english() else zh_period(period)


def _date_words(value) -> str:
    """A date the reader's way: 2026年11月24日 in Chinese, 2026-11-24 in English."""
    if not value:
        return ""
    return str(value)[:10] if _english() else zh_date(value)


def _versions(plan, period) -> list[AssessmentPublication]:
    return list(
        AssessmentPublication.objects.filter(plan=plan, period=str(period))
        .select_related("published_by", "withdrawn_by")
        .order_by("-version")
    )


def _result(request, plan, period):
    """The version asked for (?version=N: any version on record, in force or not), else the
    version in force, else the results computed now — cut to what the reader may see."""
    version = request.GET.get("version")
    if version:
        publication = AssessmentPublication.objects.filter(
            plan=plan, period=str(period), version=version if version.isdigit() else -1
        ).first()
        if publication is None:
            raise Http404(_("No such version."))
        return from_publication(publication)
    return assessment_visible_to(request.user, assessment_for(plan, period))


def _version_rows(versions):
    return [
        {
            "version": v.version,
            "status": v.get_status_display(),
            "status_code": v.status,
            "published_at": _date_words(timezone.localdate(v.published_at)),
            "published_by": v.snapshot.get("record", {}).get("published_by") or person_label(v.published_by),
            "reason": v.reason,
            "remarks": v.remarks,
            "withdrawn_at": _date_words(timezone.localdate(v.withdrawn_at)) if v.withdrawn_at else "",
            "withdrawn_by": person_label(v.withdrawn_by) if v.withdrawn_by_id else "",
            "withdrawal_reason": v.withdrawal_reason,
        }
        for v in versions
    ]


def assessment_page(request, period: str):
    plan = _plan()
    period_ = _period(period, plan)
    result = _result(request, plan, period_)
    rag = request.GET.get("rag")
    district_rows, department_rows = _district_rows(result), _department_rows(result)
    if rag in ("green", "amber", "red", "grey"):
        district_rows = [r for r in district_rows if r["rag"] == rag]
        department_rows = [r for r in department_rows if r["rag"] == rag]
    english = (get_language() or "").startswith("en")
    headline = (result.headline_en if english else None) or result.headline
    extra = headline_column(headline) if headline else []
    districts = DistrictScoreTable(district_rows, prefix="d-", extra_columns=extra)
    departments = DepartmentScoreTable(department_rows, prefix="p-")
    RequestConfig(request, paginate=False).configure(districts)
    RequestConfig(request, paginate=False).configure(departments)
    export = request.GET.get("_export")
    if export in EXPORT_FORMATS:
        table = departments if request.GET.get("table") == "departments" else districts
        what = _("Department scores") if table is departments else _("District scores")
        filters = _("RAG: %(rag)s") % {"rag": RagColumn.LABELS[rag]} if rag in RagColumn.LABELS else ""
        return exports.streamed_export(export, _score_sheet(table, f"{what} {period_}", filters))
    versions = _versions(plan, period_)
    # An ended plan's assessments are read, not published or withdrawn (until the office reopens it).
    office = can_publish_assessment(request.user) and plan_writable(request.user, plan.pk)
    current = next((v for v in versions if v.status == "current"), None)
    publish_form = PublishForm(correction=current is not None) if office else None
    periods = [str(y) for y in plan_years(plan) if y >= plan.start_year] + [
        f"{timezone.localdate().year}-Q{q}" for q in range(1, 5)
    ]
    overdue_page = Paginator(result.overdue, OVERDUE_PAGE_SIZE).get_page(request.GET.get("overdue_page"))
    return render(
        request,
        "assessment/assessment.html",
        {
            "plan": plan,
            "result": result,
            "period": str(period_),
            "period_label": _period_words(str(period_)),
            "as_of_label": _date_words(result.as_of),
            "published_label": _date_words(result.published_at),
            "districts_table": districts,
            "departments_table": departments,
            "publish_form": publish_form,
            "withdraw_form": WithdrawForm() if office and current is not None else None,
            "current": current,
            "versions": _version_rows(versions),
            "periods": periods,
            "own_only": result.version is None and not can_see_all_assessments(request.user),
            # The notice exists once published; before that only the offices read its draft.
            "notice_available": result.version is not None or can_see_all_assessments(request.user),
            "rag": rag,
            "rag_choices": [
                ("green", _("green")),
                ("amber", _("amber")),
                ("red", _("red")),
                ("grey", _("not assessed")),
            ],
            "overdue_page": overdue_page,
            "version_query": f"version={result.version}&" if request.GET.get("version") else "",
        },
    )


def assessment_notice(request, period: str):
    """The 通报 of a published period (a version on record with ?version=N; a draft for the
    offices before publication): on the page, as .docx or as PDF — the same content for everyone."""
    plan = _plan()
    period_ = _period(period, plan)
    result = _result(request, plan, period_)
    if result.version is None and not can_see_all_assessments(request.user):
        raise Http404(_("Not published yet."))
    file_format = request.GET.get("format")
    if file_format in ("docx", "pdf"):
        if file_format == "docx":
            content = notice_docx(result)
            kind = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
        else:
            content, kind = notice_pdf(result), "application/pdf"
        response = HttpResponse(content, content_type=kind)
        response["Content-Disposition"] = content_disposition(notice_filename(result, file_format))
        return response
    notice = notice_content(result)
    overdue_heading, overdue_header, overdue_rows = notice["sections"][2]
    page = Paginator(overdue_rows, OVERDUE_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "assessment/assessment_notice.html",
        {
            "plan": plan,
            "result": result,
            "period": str(period_),
            "notice": notice,
            "ranking_sections": notice["sections"][:2],
            "overdue_heading": overdue_heading,
            "overdue_header": overdue_header,
            "overdue_page": page,
            "version_query": f"version={result.version}&" if request.GET.get("version") else "",
        },
    )


def _answer_on_page(request, period, status: int):
    """A refused publish or withdrawal: the period's page again, with the message, and the status."""
    response = assessment_page(request, str(period))
    response.status_code = status
    return response


@require_POST
def assessment_publish_page(request, period: str):
    plan = _plan()
    period_ = _period(period, plan)
    if not can_publish_assessment(request.user):
        raise PermissionDenied(_("Only the supervision office may publish an assessment."))
    correction = AssessmentPublication.objects.filter(plan=plan, period=str(period_), status="current").exists()
    form = PublishForm(request.POST, correction=correction)
    if not form.is_valid():
        messages.error(request, _("A corrected version needs a reason.") if correction else _("Check the remarks."))
        return _answer_on_page(request, period_, 400)
    try:
        publication = assessment_publish(
            plan=plan,
            period=period_,
            by=request.user,
            remarks=form.cleaned_data["remarks"],
            reason=form.cleaned_data.get("reason", ""),
        )
    except NotAllowed as error:
        raise PermissionDenied(str(error)) from None
    except InvalidState as error:
        messages.error(request, str(error))
        return _answer_on_page(request, period_, 409)
    messages.success(request, _("Published as version %(version)s.") % {"version": publication.version})
    return redirect("tasks_app:assessment", period=str(period_))


@require_POST
def assessment_withdraw_page(request, period: str):
    plan = _plan()
    period_ = _period(period, plan)
    if not can_publish_assessment(request.user):
        raise PermissionDenied(_("Only the supervision office may withdraw a publication."))
    form = WithdrawForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Say why the publication is withdrawn."))
        return _answer_on_page(request, period_, 400)
    try:
        publication = assessment_withdraw(
            plan=plan, period=period_, by=request.user, reason=form.cleaned_data["reason"]
        )
    except InvalidState as error:
        messages.error(request, str(error))
        return _answer_on_page(request, period_, 409)
    messages.success(request, _("Version %(version)s withdrawn.") % {"version": publication.version})
    return redirect("tasks_app:assessment", period=str(period_))


def _manager_only(request):
    if not can_manage_assessment(request.user):
        raise PermissionDenied(_("Only the supervision office sets targets and edits the rubric."))


def targets_page(request):
    """The office's interim targets: one indicator and one period at a time, a value for the city
    and each district, pre-filled with the saved target or the suggested one; with the history."""
    _manager_only(request)
    plan = _plan()
    figures = Figures(plan)
    indicators = list(figures.indicators.values())
    if not indicators:
        raise Http404(_("The plan has no indicators."))
    source = request.POST if request.method == "POST" else request.GET
    indicator = figures.indicators.get(source.get("indicator")) or indicators[0]
    try:
        period = Period.parse(source.get("period") or str(timezone.localdate().year))
    except ValidationError:
        period = Period(timezone.localdate().year)
    if not plan.start_year <= period.year <= plan.end_year:
        period = Period(min(max(period.year, plan.start_year), plan.end_year))
    districts = list(District.objects.order_by("position"))
    saved = {t.district_id: t for t in InterimTarget.objects.filter(indicator=indicator, period=str(period))}
    suggestions = {d: figures.suggested(indicator, d.pk if d else None, period) for d in [None, *districts]}
    status = 200
    if request.method == "POST":
        form = InterimTargetForm(request.POST, districts=districts)
        status = 400
        if form.is_valid():
            try:
                changed = interim_targets_save(
                    indicator=indicator,
                    period=period,
                    values=form.values(),
                    by=request.user,
                    note=form.cleaned_data["note"],
                )
            except InvalidState as error:
                form.add_error(None, str(error))
                status = 409
            else:
                messages.success(request, _("%(count)s targets changed.") % {"count": changed})
                return redirect(f"{request.path}?indicator={indicator.code}&period={period}")
    else:
        initial = {}
        for district, name, _label in InterimTargetForm(districts=districts).scopes:
            target = saved.get(district.pk if district else None)
            value = target.value if target else suggestions[district]
            initial[name] = value
        form = InterimTargetForm(initial=initial, districts=districts)
    rows = []
    for district, name, label in form.scopes:
        target = saved.get(district.pk if district else None)
        plan_target, plan_source = figures.period_target(indicator, district.pk if district else None, period)
        rows.append(
            {
                "label": label,
                "field": form[name],
                "saved": target,
                "set_by": person_label(target.set_by) if target else "",
                "set_at": _date_words(timezone.localdate(target.set_at)) if target else "",
                "suggested": suggestions[district],
                "plan_target": plan_target if plan_source == "plan" else None,
            }
        )
    history = (
        InterimTarget.history.filter(indicator_id=indicator.pk)
        .select_related("history_user", "district")
        .order_by("-history_date", "-history_id")[:50]
    )
    history_rows = [
        {
            "when": _date_words(timezone.localdate(h.history_date)),
            "who": person_label(h.history_user),
            "what": {"+": _("set"), "~": _("changed"), "-": _("cleared")}.get(h.history_type, h.history_type),
            "period": h.period,
            "scope": h.district.name if h.district_id else _("the city (全市)"),
            "value": h.value,
            "note": h.history_change_reason or h.note,
        }
        for h in history
    ]
    periods = [str(y) for y in range(plan.start_year, plan.end_year + 1)] + [
        f"{y}-Q{q}" for y in range(plan.start_year, plan.end_year + 1) for q in range(1, 5)
    ]
    return render(
        request,
        "assessment/targets.html",
        {
            "plan": plan,
            "indicators": indicators,
            "indicator": indicator,
            "period": str(period),
            "period_label": _period_words(str(period)),
            "periods": periods,
            "form": form,
            "writable": plan_writable(request.user, plan.pk),
            "rows": rows,
            "history": history_rows,
        },
        status=status,
    )


def _preview(plan, rubric, form):
    """The ranking the edited rubric would give for the current year (nothing saved)."""
    specs = {scope: RubricSpec.of(active_rubric(scope)) for scope in RubricScope.values}
    values = form.values()
    parts = form.part_values()
    specs[rubric.scope] = RubricSpec(
        name=rubric.name,
        green_threshold=values["green_threshold"],
        amber_threshold=values["amber_threshold"],
        reporting_days=values["reporting_days"],
        parts=[PartSpec(p.kind, p.indicator_code, parts[p.pk]["weight"], parts[p.pk]["cap"]) for p in form.parts],
    )
    period = Period(timezone.localdate().year)
    before = assessment_compute(plan, period, with_change=False)
    after = assessment_compute(plan, period, with_change=False, rubrics=specs)
    key = "districts" if rubric.scope == RubricScope.DISTRICT else "departments"
    ranks = {r.code: (r.rank, r.score) for r in getattr(before, key)}
    return {
        "period": str(period),
        "rows": [
            {"name": r.name, "rank": r.rank, "score": r.score, "rag": r.rag, "was": ranks.get(r.code, (None, None))}
            for r in getattr(after, key)
        ],
    }


def rubric_page(request):
    """The office's rubric: thresholds, the reporting-day rule, each component's weight (and the
    penalty's cap), with a preview of the ranking it would give and the history of changes."""
    _manager_only(request)
    plan = _plan()
    rubrics = list(Rubric.objects.filter(is_active=True).prefetch_related("components").order_by("scope"))
    if not rubrics:
        raise Http404(_("No active rubric."))
    scope = (request.POST if request.method == "POST" else request.GET).get("scope") or RubricScope.DISTRICT
    rubric = next((r for r in rubrics if r.scope == scope), rubrics[0])
    preview, status = None, 200
    if request.method == "POST":
        form = RubricForm(request.POST, rubric=rubric)
        if form.is_valid() and "preview" in request.POST:
            preview = _preview(plan, rubric, form)
        elif form.is_valid():
            try:
                rubric_update(
                    rubric=rubric,
                    values=form.values(),
                    parts=form.part_values(),
                    by=request.user,
                    reason=form.cleaned_data["reason"],
                )
            except ValidationError as error:
                form_errors_apply(form, error)
                status = 400
            else:
                messages.success(request, _("Rubric saved."))
                return redirect(f"{request.path}?scope={rubric.scope}")
        else:
            status = 400
    else:
        form = RubricForm(rubric=rubric)
    history = []
    for record in rubric.history.select_related("history_user").order_by("-history_date")[:30]:
        history.append(
            {
                "when": _date_words(timezone.localdate(record.history_date)),
                "who": person_label(record.history_user),
                "what": _("green from %(green)s, amber from %(amber)s, figures due %(days)s days after the period")
                % {"green": record.green_threshold, "amber": record.amber_threshold, "days": record.reporting_days},
                "reason": record.history_change_reason or "",
                "moment": record.history_date,
            }
        )
    for record in (
        RubricComponent.history.filter(rubric_id=rubric.pk)
        .select_related("history_user")
        .order_by("-history_date")[:60]
    ):
        history.append(
            {
                "when": _date_words(timezone.localdate(record.history_date)),
                "who": person_label(record.history_user),
                "what": f"{record.get_kind_display()} {record.indicator_code}: {record.weight}"
                + (f" / {record.cap}" if record.cap is not None else ""),
                "reason": record.history_change_reason or "",
                "moment": record.history_date,
            }
        )
    history.sort(key=lambda h: h["moment"], reverse=True)
    return render(
        request,
        "assessment/rubric.html",
        {
            "plan": plan,
            "rubrics": rubrics,
            "rubric": rubric,
            "form": form,
            "preview": preview,
            "history": history,
        },
        status=status,
    )


def indicators_page(request):
    """Trajectories: each city indicator's target path against the reported figures, and for a
    district (its own, or any for the offices) its volume and belt export. ``?_export=csv|xlsx``:
    the figures the user may see, as a sheet (the same columns as the figure import)."""
    export = request.GET.get("_export")
    if export in EXPORT_FORMATS:
        _total, spec = figure_sheet.figure_export_source(request.user, request.GET)
        return exports.streamed_export(export, spec)
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
                    "chart": indicator_chart(figures, indicator, None, years),
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
            chart = indicator_chart(figures, indicator, district.pk, years, allowed=allowed)
            charts.append({"indicator": indicator, "scope": str(district), "chart": chart, "path": path})
    writable = plan_writable(request.user, plan.pk)  # an ended plan's figures are read as they are
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
            "form": form if form.may_report and writable else None,
            "districts": current_government_units(District).order_by("position")
            if can_see_all_assessments(request.user)
            else [],
            "may_import_figures": writable and figure_sheet.FigureImporter().may_import(request.user),
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


def _implementation_sheet(implementations) -> exports.Sheet:
    """The district implementations (落实确认) the user may see, task by task."""

    def rows():
        queryset = implementations.select_related("task", "district", "confirmed_by").order_by(
            "task__number", "district__position"
        )
        for item in queryset.iterator(chunk_size=2000):
            yield [
                item.task.number,
                item.task.title,
                str(item.district),
                item.get_status_display(),
                item.confirmed_at,
                person_label(item.confirmed_by) if item.confirmed_by_id else "",
                item.note,
            ]

    return exports.Sheet(
        name=_("Implementations"),
        headers=[
            _("Key task"),
            _("Task title"),
            _("District"),
            _("Status"),
            Implementation._meta.get_field("confirmed_at").verbose_name,
            Implementation._meta.get_field("confirmed_by").verbose_name,
            Implementation._meta.get_field("note").verbose_name,
        ],
        rows=rows(),
    )


def heatmap_page(request):
    """Task × district: each district's confirmation and the share of completed milestones."""
    plan = _plan()
    tasks = list(plan.tasks.order_by("number"))
    districts = list(District.objects.filter(government_id=plan.government_id).order_by("position"))
    visible = implementations_visible_to(request.user).filter(task__plan=plan)
    if request.GET.get("_export") in EXPORT_FORMATS:
        return exports.streamed_export(request.GET["_export"], _implementation_sheet(visible))
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
