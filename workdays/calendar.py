"""The Chinese working-day calendar (工作日): pure functions over a per-year cache.

Where a year's days come from, in order:

1. ``CalendarDay`` rows (the table) override the day they are on, in any year.
2. For the years the ``chinesecalendar`` package knows (``PACKAGE_YEARS``: 2004–2026 in 1.11.0, read
   from its data, see below) the package's arrangement: statutory holidays with their 调休 weekend
   working days.
3. Any other year: weekends and the fixed-date statutory holidays (元旦 1 Jan, 劳动节 1 May — and
   2 May from 2025, by the 2024 revision of the holiday rules —, 国庆 1–3 Oct) are days off, then the
   table rows. If the year's official arrangement has been entered (at least one row that is not a
   local day off) ``year_source()`` says "table"; otherwise "fallback", and ``missing_years()``
   lists the year, so that the supervision office is told.

Speed: each year is built once per process into a flag per day and a running count, so
``is_working_day`` is two dictionary look-ups and ``working_days_between`` is arithmetic. The table is
read in one query per cache generation. A change to ``CalendarDay`` clears this process's cache at
once (signals in ``workdays.signals``) and writes a new version token in Django's cache; other
processes compare that token at most every ``VERSION_CHECK_SECONDS`` and rebuild when it moved.
When Django's cache is process-local (LocMemCache, the project's default), the token cannot reach
other processes, so they compare the table's newest history row instead (one query per check).
Writes that bypass model signals (``QuerySet.update``, ``bulk_create``, SQL) are seen by no one:
go through ``workdays.services`` or the admin, or call ``invalidate()`` after them.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
import time
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

import chinese_calendar
from django.core.cache import DEFAULT_CACHE_ALIAS, cache, caches
from django.core.cache.backends.dummy import DummyCache
from django.core.cache.backends.locmem import LocMemCache
from django.db.models import Max
from django.utils.translation import gettext_lazy as _

logger = logging.getLogger(__name__)

SHANGHAI = ZoneInfo("Asia/Shanghai")

SOURCE_TABLE = "table"
SOURCE_PACKAGE = "package"
SOURCE_FALLBACK = "fallback"

HOLIDAY = "holiday"  # a marked day off (a statutory holiday, its bridging days, a local day off)
WORKDAY = "workday"  # a marked working day (调休: a weekend day made a working day)

VERSION_KEY = "workdays:calendar-version"
VERSION_CHECK_SECONDS = 5.0


def _package_years() -> frozenset[int]:
    """The years whose whole arrangement the package holds.

    chinesecalendar 1.x keeps three dicts (``holidays``, ``workdays``, ``in_lieu_days``) generated from
    the State Council notices; ``is_workday`` raises NotImplementedError outside [min year, max year]
    of ``holidays`` (2004–2026 in 1.11.0). A year counts only if it holds the three holidays every
    notice has (New Year's Day, Spring Festival, National Day), so a release that carried part of a
    year would not be trusted for it.
    """
    required = {
        chinese_calendar.Holiday.new_years_day.value,
        chinese_calendar.Holiday.spring_festival.value,
        chinese_calendar.Holiday.national_day.value,
    }
    seen: dict[int, set[str]] = {}
    for day, name in chinese_calendar.holidays.items():
        seen.setdefault(day.year, set()).add(name)
    return frozenset(year for year, names in seen.items() if required <= names)


PACKAGE_YEARS = _package_years()

# The package's names (its Holiday enum values) and the usual Chinese names typed in the table, to the
# name shown in the user's language.
_NEW_YEAR = _("New Year's Day")
_SPRING = _("Spring Festival")
_TOMB = _("Tomb-sweeping Day")
_LABOUR = _("Labour Day")
_DRAGON = _("Dragon Boat Festival")
_MID_AUTUMN = _("Mid-autumn Festival")
_NATIONAL = _("National Day")
_KNOWN_NAMES = {
    "New Year's Day": _NEW_YEAR,
    "元旦": _NEW_YEAR,
    "Spring Festival": _SPRING,
    "春节": _SPRING,
    "Tomb-sweeping Day": _TOMB,
    "清明": _TOMB,
    "清明节": _TOMB,
    "Labour Day": _LABOUR,
    "劳动节": _LABOUR,
    "Dragon Boat Festival": _DRAGON,
    "端午": _DRAGON,
    "端午节": _DRAGON,
    "Mid-autumn Festival": _MID_AUTUMN,
    "中秋": _MID_AUTUMN,
    "中秋节": _MID_AUTUMN,
    "National Day": _NATIONAL,
    "国庆": _NATIONAL,
    "国庆节": _NATIONAL,
    "Anti-Fascist 70th Day": _("70th anniversary of the victory of the War of Resistance"),
}

# The fallback rule's days off besides weekends: the statutory holidays on fixed Gregorian dates
# (全国年节及纪念日放假办法). Its 2024 revision, in force from 2025, made 2 May a holiday too.
_FALLBACK_FIXED = {(1, 1): "New Year's Day", (5, 1): "Labour Day", (10, 1): "National Day",
                   (10, 2): "National Day", (10, 3): "National Day"}  # fmt: skip
_FALLBACK_FIXED_FROM_2025 = {**_FALLBACK_FIXED, (5, 2): "Labour Day"}


def _fixed_holidays(year: int) -> dict[tuple[int, int], str]:
    return _FALLBACK_FIXED_FROM_2025 if year >= 2025 else _FALLBACK_FIXED


def display_name(name: str | None) -> str | None:
    """A holiday's name in the active language when it is a known one, else as typed."""
    if not name:
        return None
    known = _KNOWN_NAMES.get(name.strip())
    return str(known) if known is not None else name


@dataclass(frozen=True)
class DayInfo:
    date: dt.date
    working: bool
    mark: str  # HOLIDAY, WORKDAY, or "" for an ordinary weekday or weekend day
    name: str | None  # in the active language when known

    @property
    def weekend(self) -> bool:
        return self.date.weekday() >= 5


@dataclass(frozen=True)
class _Row:
    date: dt.date
    kind: str
    name: str
    local: bool


@dataclass
class _Year:
    year: int
    source: str
    start: int  # ordinal of 1 January
    working: bytearray  # 1 = working day, one per day of the year
    through: list[int]  # through[i] = working days among days 0..i
    marks: dict[dt.date, tuple[str, str]]  # date -> (HOLIDAY | WORKDAY, name as stored)

    @property
    def total(self) -> int:
        return self.through[-1]

    def index(self, day: dt.date) -> int:
        return day.toordinal() - self.start


@dataclass
class _State:
    rows: dict[int, list[_Row]] | None = None
    years: dict[int, _Year] = field(default_factory=dict)
    version: object = None
    checked_at: float = float("-inf")
    generation: int = 0  # moves on every reset, so that a result read before it is not kept after it

    def clear(self) -> None:
        self.rows = None
        self.years = {}
        self.generation += 1


_state = _State()
_lock = threading.RLock()
_UNREAD = object()


def _cache_is_shared() -> bool:
    """Whether other processes read the same Django cache. The project's default cache is Django's
    in-process LocMemCache (no CACHES setting), which no other process sees."""
    return not isinstance(caches[DEFAULT_CACHE_ALIAS], LocMemCache | DummyCache)


def _shared_version() -> object:
    if not _cache_is_shared():
        # No shared cache: the newest history row of the table stands in for the token (simple_history
        # writes one on every save and delete) — one indexed query per check.
        from .models import CalendarDay

        return ("history", CalendarDay.history.aggregate(last=Max("history_id"))["last"])
    try:
        return cache.get(VERSION_KEY)
    except Exception:  # a cache server that is down must not take the calendar with it
        logger.warning("workdays: could not read the calendar version from the cache", exc_info=True)
        return _state.version


def _check_version() -> None:
    now = time.monotonic()
    if now - _state.checked_at < VERSION_CHECK_SECONDS:
        return
    version = _shared_version()
    with _lock:
        if version != _state.version or _state.version is _UNREAD:
            _state.clear()
            _state.version = version
        _state.checked_at = now


def invalidate(*, shared: bool = True) -> None:
    """Forget every built year in this process and, with ``shared``, tell the other processes."""
    token = uuid.uuid4().hex
    with _lock:
        _state.clear()
        if shared:
            _state.version = token
    if shared:
        try:
            cache.set(VERSION_KEY, token, timeout=None)
        except Exception:
            logger.warning("workdays: could not write the calendar version to the cache", exc_info=True)


def version() -> str:
    """The calendar's version as this process sees it (checked as the calendar itself checks): a
    page kept under it is drawn again once a day of the calendar changes."""
    _check_version()
    return repr(_state.version)


def reset() -> None:
    """Forget everything, including the version seen (tests; a restored database)."""
    with _lock:
        _state.clear()
        _state.version = _UNREAD
        _state.checked_at = float("-inf")


reset()


def _rows() -> dict[int, list[_Row]]:
    rows = _state.rows
    if rows is None:
        from .models import CalendarDay

        generation = _state.generation
        rows = {}
        for row in CalendarDay.objects.order_by("date").values_list("date", "kind", "name", "local"):
            rows.setdefault(row[0].year, []).append(_Row(*row))
        with _lock:
            if _state.generation == generation:
                _state.rows = rows
    return rows


def _source(year: int, rows: list[_Row]) -> str:
    if year in PACKAGE_YEARS:
        return SOURCE_PACKAGE
    if any(not row.local for row in rows):
        return SOURCE_TABLE
    return SOURCE_FALLBACK


def _build(year: int) -> _Year:
    rows = _rows().get(year, [])
    source = _source(year, rows)
    first = dt.date(year, 1, 1)
    length = (dt.date(year, 12, 31) - first).days + 1
    working = bytearray(length)
    marks: dict[dt.date, tuple[str, str]] = {}
    fixed = _fixed_holidays(year)
    for i in range(length):
        day = first + dt.timedelta(days=i)
        if source == SOURCE_PACKAGE:
            off, name = chinese_calendar.get_holiday_detail(day)
            if name:
                marks[day] = (HOLIDAY if off else WORKDAY, name)
        else:
            # The table's years start from the fallback rule too: every arrangement keeps the fixed
            # statutory days off, so a table holding only part of a year cannot make 1 January a
            # working day.
            off = day.weekday() >= 5
            if (day.month, day.day) in fixed:
                off = True
                marks[day] = (HOLIDAY, fixed[(day.month, day.day)])
        working[i] = 0 if off else 1
    for row in rows:
        working[(row.date - first).days] = 1 if row.kind == WORKDAY else 0
        marks[row.date] = (row.kind, row.name)
    through, count = [], 0
    for flag in working:
        count += flag
        through.append(count)
    return _Year(year, source, first.toordinal(), working, through, marks)


def _year(year: int) -> _Year:
    _check_version()
    built = _state.years.get(year)
    if built is None:
        generation = _state.generation
        built = _build(year)
        with _lock:
            if _state.generation == generation:
                _state.years[year] = built
    return built


def _as_date(value: dt.date | dt.datetime) -> dt.date:
    if isinstance(value, dt.datetime):
        if value.tzinfo is not None:
            value = value.astimezone(SHANGHAI)
        return value.date()
    return value


# --- the public functions --------------------------------------------------------------------------


def is_working_day(d: dt.date) -> bool:
    d = _as_date(d)
    year = _year(d.year)
    return bool(year.working[year.index(d)])


def next_working_day(d: dt.date) -> dt.date:
    """``d`` itself if it is a working day, else the first working day after it."""
    d = _as_date(d)
    while not is_working_day(d):
        d += dt.timedelta(days=1)
    return d


def add_working_days(d: dt.date, n: int) -> dt.date:
    """The ``n``-th working day after ``d`` (``n`` > 0), the ``-n``-th before it (``n`` < 0), or
    ``next_working_day(d)`` for 0. ``d`` itself is never counted: one working day after a Friday is
    the next working Monday, one before a Monday the last working Friday, one before a Sunday too."""
    d = _as_date(d)
    if n == 0:
        return next_working_day(d)
    step = dt.timedelta(days=1 if n > 0 else -1)
    remaining = abs(n)
    while remaining:
        d += step
        if is_working_day(d):
            remaining -= 1
    return d


def working_days_between(a: dt.date, b: dt.date) -> int:
    """The number of working days in (a, b]; negative (that of (b, a]) when b is before a."""
    a, b = _as_date(a), _as_date(b)
    if b < a:
        return -working_days_between(b, a)
    ya, yb = _year(a.year), _year(b.year)
    if a.year == b.year:
        return ya.through[ya.index(b)] - ya.through[ya.index(a)]
    count = ya.total - ya.through[ya.index(a)] + yb.through[yb.index(b)]
    for year in range(a.year + 1, b.year):
        count += _year(year).total
    return count


def year_source(year: int) -> str:
    """Where the year's days off come from: "table", "package" or "fallback" (see the module)."""
    _check_version()
    return _source(year, _rows().get(year, []))


def missing_years(years: Iterable[int]) -> list[int]:
    """Those of ``years`` that have no authoritative calendar (the fallback rule applies), sorted."""
    return sorted({year for year in years if year_source(year) == SOURCE_FALLBACK})


def holiday_name(d: dt.date) -> str | None:
    """The holiday a day belongs to, in the active language when it is a known one: for a day off
    that is a holiday (not a plain weekend), and for a weekend working day, the holiday it makes up
    for. None for an ordinary day."""
    d = _as_date(d)
    mark = _year(d.year).marks.get(d)
    return display_name(mark[1]) if mark else None


def day_info(d: dt.date) -> DayInfo:
    d = _as_date(d)
    year = _year(d.year)
    mark = year.marks.get(d)
    return DayInfo(
        date=d,
        working=bool(year.working[year.index(d)]),
        mark=mark[0] if mark else "",
        name=display_name(mark[1]) if mark else None,
    )


def today() -> dt.date:
    """Today in Asia/Shanghai, whatever the server's time zone."""
    return dt.datetime.now(SHANGHAI).date()
