"""The working-day calendar page: a year's 12 months, readable by every signed-in user."""

import calendar as pycal
import datetime as dt

from django.http import Http404
from django.shortcuts import redirect, render

from . import calendar as workcal

MIN_YEAR, MAX_YEAR = 1900, 2199


def calendar_current_year(request):
    return redirect("workdays:calendar_year", year=workcal.today().year)


def _runs(days):
    """Consecutive marked days of one month with the same mark and name, as (first, last, mark, name)."""
    runs = []
    for info in days:
        if not info.mark:
            continue
        last = runs[-1] if runs else None
        if last and last[2] == info.mark and last[3] == info.name and (info.date - last[1]).days == 1:
            runs[-1] = (last[0], info.date, info.mark, info.name)
        else:
            runs.append((info.date, info.date, info.mark, info.name))
    return [{"first": first, "last": last, "mark": mark, "name": name} for first, last, mark, name in runs]


def calendar_year(request, year):
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise Http404
    today = workcal.today()
    months = []
    for month in range(1, 13):
        days = [workcal.day_info(dt.date(year, month, d)) for d in range(1, pycal.monthrange(year, month)[1] + 1)]
        by_date = {info.date: info for info in days}
        weeks = [
            [by_date.get(day) for day in week]  # None: a day of the month before or after
            for week in pycal.Calendar(firstweekday=0).monthdatescalendar(year, month)
        ]
        months.append(
            {
                "first": dt.date(year, month, 1),
                "weeks": weeks,
                "runs": _runs(days),
                "working_days": sum(info.working for info in days),
            }
        )
    source = workcal.year_source(year)
    context = {
        "year": year,
        "months": months,
        "source": source,
        "fallback": source == workcal.SOURCE_FALLBACK,
        "working_days": workcal.working_days_between(dt.date(year - 1, 12, 31), dt.date(year, 12, 31)),
        "today": today,
        "previous_year": year - 1 if year > MIN_YEAR else None,
        "next_year": year + 1 if year < MAX_YEAR else None,
        "can_enter": request.user.has_perm("workdays.add_calendarday"),
    }
    return render(request, "workdays/calendar.html", context)
