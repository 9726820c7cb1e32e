"""manage.py workdays_import: a year from a sheet, all or nothing, one clear message per bad line."""

import datetime as dt
import io

import pytest
from django.core.management import CommandError, call_command

from workdays import calendar
from workdays.models import CalendarDay

pytestmark = pytest.mark.django_db

# A plausible 2027 Spring Festival (the official arrangement is not in chinesecalendar 1.11.0).
GOOD = """date,kind,name,note
2027-02-05,holiday,春节,除夕
2027-02-06,holiday,春节
2027-02-07,holiday,春节
2027-02-08,holiday,春节
2027-02-09,holiday,春节
2027-02-10,holiday,春节
2027-02-11,holiday,春节
2027-02-12,holiday,春节
2027-02-13,holiday,春节

2027-01-31,workday,春节,调休
2027-02-20,workday,春节,调休
"""


def run(tmp_path, text, *args, encoding="utf-8"):
    path = tmp_path / "calendar.csv"
    path.write_bytes(text.encode(encoding))
    out = io.StringIO()
    call_command("workdays_import", str(path), *args, stdout=out)
    return out.getvalue()


def test_a_good_sheet_loads_the_year_and_a_second_run_changes_nothing(tmp_path):
    assert calendar.year_source(2027) == calendar.SOURCE_FALLBACK
    out = run(tmp_path, GOOD)
    assert "2027: 11 created, 0 updated, 0 unchanged, 0 deleted." in out
    assert "2027: calendar from the table" in out
    assert CalendarDay.objects.count() == 11
    assert CalendarDay.objects.get(date=dt.date(2027, 1, 31)).note == "调休"
    assert calendar.year_source(2027) == calendar.SOURCE_TABLE
    assert not calendar.is_working_day(dt.date(2027, 2, 8))
    assert calendar.is_working_day(dt.date(2027, 2, 20))

    out = run(tmp_path, GOOD)
    assert "0 created, 0 updated, 11 unchanged" in out
    assert CalendarDay.history.count() == 11


def test_a_row_already_there_is_updated_and_becomes_official(tmp_path):
    CalendarDay.objects.create(date=dt.date(2027, 2, 5), kind="holiday", name="local", local=True)
    out = run(tmp_path, GOOD)
    assert "10 created, 1 updated" in out
    day = CalendarDay.objects.get(date=dt.date(2027, 2, 5))
    assert (day.name, day.local, day.note) == ("春节", False, "除夕")


def test_bad_lines_are_each_reported_and_nothing_is_written(tmp_path):
    bad = (
        "2027-02-05,holiday,春节\n"  # line 1: good (no header)
        "2027-02-30,holiday,春节\n"  # 2
        "2027-02-06,off,春节\n"  # 3
        "2027-02-07,holiday,\n"  # 4
        "2027-02-05,holiday,春节\n"  # 5: twice
        "2027-02-08,workday,春节\n"  # 6: a Monday
        "2027-02-09,holiday\n"  # 7
        "07/02/2027,holiday,春节\n"  # 8
        "2027-02-10,holiday,春节\n"  # 9: good
    )
    with pytest.raises(CommandError) as error:
        run(tmp_path, bad)
    message = str(error.value)
    assert "7 bad line(s), nothing imported" in message
    assert "line 2: '2027-02-30' is not a date (YYYY-MM-DD)" in message
    assert "line 3: kind 'off' is not holiday or workday" in message
    assert "line 4: the name is empty" in message
    assert "line 5: 2027-02-05 is listed twice (first on line 1)" in message
    assert "line 6: 2027-02-08 is a Monday, a working day anyway" in message
    assert "line 7: expected 3 fields date,kind,name (and an optional note), found 2" in message
    assert "line 8: '07/02/2027' is not a date" in message
    assert "line 1:" not in message and "line 9:" not in message
    assert not CalendarDay.objects.exists()
    assert calendar.year_source(2027) == calendar.SOURCE_FALLBACK


def test_a_failure_while_writing_rolls_back_the_rows_already_written(tmp_path, monkeypatch):
    from workdays import services

    original = services.CalendarDay.full_clean
    seen = []

    def full_clean(self, *args, **kwargs):
        seen.append(self.date)
        if self.date == dt.date(2027, 2, 20):
            from django.core.exceptions import ValidationError

            raise ValidationError("refused by the model")
        return original(self, *args, **kwargs)

    monkeypatch.setattr(services.CalendarDay, "full_clean", full_clean)
    with pytest.raises(CommandError, match=r"line 13: refused by the model"):
        run(tmp_path, GOOD)
    assert len(seen) == 11  # the ten before it were saved, then rolled back
    assert not CalendarDay.objects.exists()


def test_a_sheet_saved_by_chinese_excel(tmp_path):
    sheet = "日期,类型,名称\r\n2027/2/5,休,春节\r\n2027/1/31,班,春节\r\n"
    out = run(tmp_path, sheet, encoding="gb18030")
    assert "2 created" in out
    assert CalendarDay.objects.get(date=dt.date(2027, 1, 31)).kind == "workday"
    out = run(tmp_path, "\ufeff" + GOOD)  # UTF-8 with the BOM Excel writes
    assert "9 created, 2 updated" in out  # the two days above get their notes


def test_replace_removes_the_years_other_official_days_but_not_local_ones(tmp_path):
    CalendarDay.objects.create(date=dt.date(2027, 3, 1), kind="holiday", name="wrongly entered")
    CalendarDay.objects.create(date=dt.date(2027, 3, 2), kind="holiday", name="本地放假", local=True)
    CalendarDay.objects.create(date=dt.date(2028, 3, 1), kind="holiday", name="another year")
    out = run(tmp_path, GOOD, "--replace")
    assert "11 created, 0 updated, 0 unchanged, 1 deleted" in out
    assert not CalendarDay.objects.filter(date=dt.date(2027, 3, 1)).exists()
    assert CalendarDay.objects.filter(date__in=[dt.date(2027, 3, 2), dt.date(2028, 3, 1)]).count() == 2
    assert calendar.is_working_day(dt.date(2027, 3, 1))


def test_missing_or_empty_files(tmp_path):
    with pytest.raises(CommandError, match="no such file"):
        call_command("workdays_import", str(tmp_path / "nope.csv"))
    with pytest.raises(CommandError, match="the file holds no days"):
        run(tmp_path, "date,kind,name\n\n")
