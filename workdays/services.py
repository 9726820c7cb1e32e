"""Writes to the calendar table: loading a year from a sheet, all or nothing."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction

from . import calendar
from .models import CalendarDay, CalendarDayKind

# Kinds as a sheet may write them: the codes, and the marks Chinese calendars use.
KIND_ALIASES = {
    "holiday": CalendarDayKind.HOLIDAY,
    "休": CalendarDayKind.HOLIDAY,
    "假": CalendarDayKind.HOLIDAY,
    "workday": CalendarDayKind.WORKDAY,
    "班": CalendarDayKind.WORKDAY,
}
HEADER_FIRST_CELLS = {"date", "日期"}
_DATE = re.compile(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})$")
_WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


class CalendarImportError(Exception):
    """The sheet has bad lines; nothing was written. ``errors`` holds one message per problem."""

    def __init__(self, errors: list[str]):
        super().__init__("\n".join(errors))
        self.errors = errors


@dataclass(frozen=True)
class SheetRow:
    line: int
    date: dt.date
    kind: str
    name: str
    note: str = ""


@dataclass(frozen=True)
class ImportResult:
    created: int
    updated: int
    unchanged: int
    deleted: int
    years: tuple[int, ...]


def _parse_date(text: str) -> dt.date | None:
    match = _DATE.match(text)
    if not match:
        return None
    try:
        return dt.date(*(int(part) for part in match.groups()))
    except ValueError:
        return None


def parse_calendar_sheet(text: str) -> list[SheetRow]:
    """Rows ``date,kind,name[,note]`` (a header line is allowed) → SheetRows, or CalendarImportError
    with every bad line. Dates are YYYY-MM-DD (or YYYY/M/D, as spreadsheets write them); kind is
    holiday (休, 假) or workday (班: a weekend day made a working day)."""
    rows: list[SheetRow] = []
    errors: list[str] = []
    first_line_of: dict[dt.date, int] = {}
    max_name = CalendarDay._meta.get_field("name").max_length
    seen_content = False
    for line, cells in enumerate(csv.reader(io.StringIO(text)), start=1):
        cells = [cell.strip() for cell in cells]
        if not any(cells):
            continue
        if not seen_content:
            seen_content = True
            if cells[0].lower() in HEADER_FIRST_CELLS:
                continue
        if len(cells) not in (3, 4):
            errors.append(f"line {line}: expected 3 fields date,kind,name (and an optional note), found {len(cells)}")
            continue
        date_text, kind_text, name = cells[:3]
        note = cells[3] if len(cells) == 4 else ""
        problems = []
        day = _parse_date(date_text)
        if day is None:
            problems.append(f"'{date_text}' is not a date (YYYY-MM-DD)")
        kind = KIND_ALIASES.get(kind_text.lower())
        if kind is None:
            problems.append(f"kind '{kind_text}' is not holiday or workday")
        if not name:
            problems.append("the name is empty (e.g. 春节)")
        elif len(name) > max_name:
            problems.append(f"the name is longer than {max_name} characters")
        if day is not None:
            if day in first_line_of:
                problems.append(f"{day:%Y-%m-%d} is listed twice (first on line {first_line_of[day]})")
            else:
                first_line_of[day] = line
            if kind == CalendarDayKind.WORKDAY and day.weekday() < 5:
                problems.append(
                    f"{day:%Y-%m-%d} is a {_WEEKDAYS[day.weekday()]}, a working day anyway: "
                    "only a Saturday or Sunday can be made a working day"
                )
        if problems:
            errors.append(f"line {line}: " + "; ".join(problems))
            continue
        rows.append(SheetRow(line=line, date=day, kind=kind, name=name, note=note))
    if not rows and not errors:
        errors.append("the file holds no days")
    if errors:
        raise CalendarImportError(errors)
    return rows


def calendar_days_import(*, rows: list[SheetRow], replace: bool = False) -> ImportResult:
    """Write the sheet's days to the table in one transaction: a day already there is updated (and
    becomes part of the official calendar, not a local day off). With ``replace``, the other official
    (non-local) days of the sheet's years are deleted, so the table holds exactly the sheet."""
    created = updated = unchanged = deleted = 0
    years = tuple(sorted({row.date.year for row in rows}))
    errors: list[str] = []
    with transaction.atomic():
        dates = [row.date for row in rows]
        existing = {day.date: day for day in CalendarDay.objects.select_for_update().filter(date__in=dates)}
        for row in rows:
            day = existing.get(row.date) or CalendarDay(date=row.date)
            fresh = day.pk is None
            values = {"kind": row.kind, "name": row.name, "note": row.note, "local": False}
            if not fresh and all(getattr(day, field) == value for field, value in values.items()):
                unchanged += 1
                continue
            for field, value in values.items():
                setattr(day, field, value)
            try:
                day.full_clean(validate_unique=False)
            except ValidationError as error:
                errors.append(f"line {row.line}: " + "; ".join(error.messages))
                continue
            day.save()
            if fresh:
                created += 1
            else:
                updated += 1
        if errors:
            raise CalendarImportError(errors)  # rolls the transaction back
        if replace:
            stale = CalendarDay.objects.filter(date__year__in=years, local=False).exclude(date__in=dates)
            for day in stale:  # one by one, so that the history records each deletion
                day.delete()
                deleted += 1
        transaction.on_commit(calendar.invalidate)
    return ImportResult(created=created, updated=updated, unchanged=unchanged, deleted=deleted, years=years)
