"""Working-day arithmetic: the package's years (2004–2026), a year entered in the table, the fallback."""

import datetime as dt

import chinese_calendar
import pytest
from django.utils import translation

from workdays import calendar
from workdays.models import CalendarDay

D = dt.date

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english():
    """Holiday names come in the active language; these tests read them in English unless they say."""
    with translation.override("en"):
        yield


def test_package_years_are_exactly_those_chinesecalendar_1_11_holds_whole():
    assert frozenset(range(2004, 2027)) == calendar.PACKAGE_YEARS
    # Outside that range the package refuses to answer; the calendar must not ask it.
    with pytest.raises(NotImplementedError):
        chinese_calendar.is_workday(D(2027, 1, 4))
    assert calendar.year_source(2003) == calendar.SOURCE_FALLBACK
    assert calendar.year_source(2004) == calendar.SOURCE_PACKAGE
    assert calendar.year_source(2026) == calendar.SOURCE_PACKAGE
    assert calendar.year_source(2027) == calendar.SOURCE_FALLBACK
    assert calendar.is_working_day(D(2027, 1, 4)) is True


def test_national_day_2026_from_the_package():
    # 国务院办公厅 2026 arrangement: 中秋 25–27 Sep, 国庆 1–7 Oct; Sunday 20 Sep and Saturday 10 Oct are worked.
    for day in range(1, 8):
        assert not calendar.is_working_day(D(2026, 10, day)), day
        assert calendar.holiday_name(D(2026, 10, day)) == "National Day"
    for day in (25, 26, 27):
        assert not calendar.is_working_day(D(2026, 9, day))
        assert calendar.holiday_name(D(2026, 9, day)) == "Mid-autumn Festival"
    assert calendar.is_working_day(D(2026, 9, 20)) and D(2026, 9, 20).weekday() == 6
    assert calendar.is_working_day(D(2026, 10, 10)) and D(2026, 10, 10).weekday() == 5
    assert calendar.holiday_name(D(2026, 10, 10)) == "National Day"
    assert calendar.day_info(D(2026, 10, 10)).mark == calendar.WORKDAY
    assert calendar.is_working_day(D(2026, 10, 8))
    assert calendar.holiday_name(D(2026, 10, 8)) is None
    assert not calendar.is_working_day(D(2026, 10, 11))  # an ordinary Sunday
    assert calendar.holiday_name(D(2026, 10, 11)) is None
    assert calendar.day_info(D(2026, 10, 11)).mark == ""


def test_spring_festival_2026_from_the_package():
    # 15–23 Feb off (9 days); Saturdays 14 Feb and 28 Feb are worked.
    for day in range(15, 24):
        assert not calendar.is_working_day(D(2026, 2, day)), day
    assert calendar.is_working_day(D(2026, 2, 14)) and D(2026, 2, 14).weekday() == 5
    assert calendar.is_working_day(D(2026, 2, 28)) and D(2026, 2, 28).weekday() == 5
    assert calendar.is_working_day(D(2026, 2, 13)) and calendar.is_working_day(D(2026, 2, 24))
    assert calendar.holiday_name(D(2026, 2, 16)) == "Spring Festival"
    assert calendar.holiday_name(D(2026, 2, 28)) == "Spring Festival"
    with translation.override("zh-hans"):
        assert calendar.holiday_name(D(2026, 2, 16)) == "春节"
        assert calendar.holiday_name(D(2026, 10, 1)) == "国庆节"


def test_adding_and_counting_working_days_across_holidays():
    add, between = calendar.add_working_days, calendar.working_days_between
    # Wednesday 30 Sep 2026 + 1 working day: the week off, then Thursday 8 Oct.
    assert add(D(2026, 9, 30), 1) == D(2026, 10, 8)
    assert add(D(2026, 9, 30), 3) == D(2026, 10, 10)  # the worked Saturday counts
    assert add(D(2026, 9, 24), 1) == D(2026, 9, 28)  # over 中秋 and its weekend
    assert add(D(2026, 2, 13), 1) == D(2026, 2, 14)  # the worked Saturday before it
    assert add(D(2026, 2, 14), 1) == D(2026, 2, 24)  # over the Spring Festival
    assert add(D(2026, 2, 12), 1) == D(2026, 2, 13)
    assert add(D(2026, 2, 11), 2) == D(2026, 2, 13)
    assert add(D(2026, 2, 13), -1) == D(2026, 2, 12)
    # Backwards; the start day itself never counts.
    assert add(D(2026, 10, 8), -1) == D(2026, 9, 30)
    assert add(D(2026, 10, 4), -1) == D(2026, 9, 30)
    assert add(D(2026, 10, 12), -2) == D(2026, 10, 9)
    # 0: the day itself when working, else the next working day.
    assert add(D(2026, 10, 8), 0) == D(2026, 10, 8)
    assert add(D(2026, 10, 1), 0) == D(2026, 10, 8)
    assert calendar.next_working_day(D(2026, 10, 3)) == D(2026, 10, 8)
    assert calendar.next_working_day(D(2026, 10, 10)) == D(2026, 10, 10)
    # Counting (a, b]; negative when b is before a.
    assert between(D(2026, 9, 30), D(2026, 10, 9)) == 2
    assert between(D(2026, 9, 30), D(2026, 10, 10)) == 3
    assert between(D(2026, 10, 10), D(2026, 9, 30)) == -3
    assert between(D(2026, 10, 5), D(2026, 10, 5)) == 0
    assert between(D(2026, 9, 30), D(2026, 10, 7)) == 0
    # A whole year: 261 weekdays − 19 weekday holidays + 6 worked weekend days.
    assert between(D(2025, 12, 31), D(2026, 12, 31)) == 248
    # Into the next year, which the package does not know: 1 Jan 2027 (a Friday) is off by the fallback rule.
    assert add(D(2026, 12, 31), 1) == D(2027, 1, 4)
    assert between(D(2026, 12, 30), D(2027, 1, 5)) == 3
    for start in (D(2026, 9, 18), D(2026, 2, 10), D(2026, 12, 20)):
        for n in range(1, 25):
            end = add(start, n)
            assert calendar.is_working_day(end)
            assert between(start, end) == n
            assert add(end, -n) <= start


def test_spring_festival_2027_entered_in_the_table():
    # chinesecalendar 1.11.0 (the newest release) stops at 2026 and the real 2027 arrangement is not in
    # it, so this is a PLAUSIBLE arrangement, not the official one: 除夕 Fri 5 Feb to Sat 13 Feb off,
    # Sunday 31 Jan and Saturday 20 Feb worked.
    assert calendar.year_source(2027) == calendar.SOURCE_FALLBACK
    assert calendar.is_working_day(D(2027, 2, 8))
    for day in range(5, 14):
        CalendarDay.objects.create(date=D(2027, 2, day), kind="holiday", name="春节")
    CalendarDay.objects.create(date=D(2027, 1, 31), kind="workday", name="春节", note="调休")
    CalendarDay.objects.create(date=D(2027, 2, 20), kind="workday", name="春节", note="调休")

    assert calendar.year_source(2027) == calendar.SOURCE_TABLE
    assert calendar.missing_years([2026, 2027, 2031]) == [2031]
    assert not calendar.is_working_day(D(2027, 2, 8))
    assert calendar.is_working_day(D(2027, 1, 31)) and D(2027, 1, 31).weekday() == 6
    assert calendar.is_working_day(D(2027, 2, 20))
    assert calendar.add_working_days(D(2027, 2, 4), 1) == D(2027, 2, 15)
    # (1 Feb, 28 Feb]: 2–4 Feb, 15–19 Feb, Saturday 20 Feb, 22–26 Feb.
    assert calendar.working_days_between(D(2027, 2, 1), D(2027, 2, 28)) == 3 + 5 + 1 + 5
    with translation.override("en"):
        assert calendar.holiday_name(D(2027, 2, 8)) == "Spring Festival"  # the typed 春节, shown in English
    with translation.override("zh-hans"):
        assert calendar.holiday_name(D(2027, 2, 8)) == "春节"
    # A day the table does not hold keeps the fixed statutory holidays: 1 Jan stays off.
    assert not calendar.is_working_day(D(2027, 1, 1))


def test_the_fallback_rule_for_2031():
    assert calendar.year_source(2031) == calendar.SOURCE_FALLBACK
    assert calendar.missing_years([2031, 2026, 2031, 2030]) == [2030, 2031]
    # 2031: 1 Jan Wed, 1–2 May Thu–Fri, 1–3 Oct Wed–Fri.
    for day in (D(2031, 1, 1), D(2031, 5, 1), D(2031, 5, 2), D(2031, 10, 1), D(2031, 10, 2), D(2031, 10, 3)):
        assert day.weekday() < 5
        assert not calendar.is_working_day(day), day
    assert calendar.holiday_name(D(2031, 10, 2)) == "National Day"
    assert calendar.holiday_name(D(2031, 5, 2)) == "Labour Day"
    assert calendar.is_working_day(D(2031, 10, 6))  # no guessing of the rest of the week
    assert calendar.is_working_day(D(2031, 1, 23))  # nor of the Spring Festival (which the rule cannot know)
    assert not calendar.is_working_day(D(2031, 10, 4))  # a Saturday
    assert calendar.add_working_days(D(2031, 9, 30), 1) == D(2031, 10, 6)
    # Before the 2025 revision of the holiday rules, 2 May was not a statutory holiday.
    assert calendar.is_working_day(D(2003, 5, 2))
    assert not calendar.is_working_day(D(2003, 5, 1))


def test_a_local_day_off_applies_but_does_not_make_the_year_entered():
    CalendarDay.objects.create(date=D(2031, 3, 14), kind="holiday", name="本地放假", local=True)
    assert calendar.year_source(2031) == calendar.SOURCE_FALLBACK
    assert not calendar.is_working_day(D(2031, 3, 14))
    assert calendar.holiday_name(D(2031, 3, 14)) == "本地放假"


def test_table_rows_override_the_package():
    CalendarDay.objects.create(date=D(2026, 12, 1), kind="holiday", name="Local day off", local=True)
    CalendarDay.objects.create(date=D(2026, 10, 7), kind="workday", name="National Day", note="correction")
    assert calendar.year_source(2026) == calendar.SOURCE_PACKAGE
    assert not calendar.is_working_day(D(2026, 12, 1))
    assert calendar.is_working_day(D(2026, 10, 7))
    assert calendar.add_working_days(D(2026, 9, 30), 1) == D(2026, 10, 7)


def test_datetimes_are_read_in_shanghai():
    # 17:00 UTC on 30 Sep is 01:00 on 1 Oct in Suzhou: a holiday.
    assert not calendar.is_working_day(dt.datetime(2026, 9, 30, 17, 0, tzinfo=dt.UTC))
    assert calendar.is_working_day(dt.datetime(2026, 9, 30, 15, 0, tzinfo=dt.UTC))
