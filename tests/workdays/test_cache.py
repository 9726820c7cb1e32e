"""The per-process cache: built once, cleared by a change in this process at once, and by the version
token in Django's cache for a change made by another process."""

import datetime as dt
from contextlib import contextmanager

import pytest
from django.core.cache import cache
from django.db.models.signals import post_delete, post_save

from workdays import calendar
from workdays.models import CalendarDay
from workdays.signals import calendar_day_changed

pytestmark = pytest.mark.django_db

MONDAY = dt.date(2027, 2, 8)


@pytest.fixture
def shared_cache(monkeypatch):
    """As with a Redis or memcached cache: the version token in Django's cache reaches every process.
    (The test settings use LocMemCache, which is process-local; that case has tests of its own below.)"""
    monkeypatch.setattr(calendar, "_cache_is_shared", lambda: True)


@contextmanager
def signals_of_another_process():
    """Save rows as another process would: this process's invalidation receivers do not run (the
    history is still written, by simple_history's own receivers)."""
    post_save.disconnect(dispatch_uid="workdays-calendar-saved", sender=CalendarDay)
    post_delete.disconnect(dispatch_uid="workdays-calendar-deleted", sender=CalendarDay)
    try:
        yield
    finally:
        post_save.connect(calendar_day_changed, sender=CalendarDay, dispatch_uid="workdays-calendar-saved")
        post_delete.connect(calendar_day_changed, sender=CalendarDay, dispatch_uid="workdays-calendar-deleted")


@pytest.mark.parametrize("shared", [True, False])
def test_a_built_year_is_answered_without_queries(shared, monkeypatch, django_assert_num_queries):
    monkeypatch.setattr(calendar, "_cache_is_shared", lambda: shared)
    with django_assert_num_queries(1 if shared else 2):  # the table, once (and the newest history row)
        assert calendar.is_working_day(MONDAY)
        assert calendar.working_days_between(dt.date(2026, 1, 1), dt.date(2027, 12, 31)) > 400
        assert calendar.year_source(2031) == calendar.SOURCE_FALLBACK
    with django_assert_num_queries(0):
        for day in range(1, 366):
            calendar.is_working_day(dt.date(2026, 1, 1) + dt.timedelta(days=day))
        calendar.add_working_days(MONDAY, 40)
        calendar.missing_years(range(2020, 2035))


def test_saving_changing_and_deleting_a_row_is_seen_at_once():
    assert calendar.is_working_day(MONDAY)
    assert calendar.year_source(2027) == calendar.SOURCE_FALLBACK

    row = CalendarDay.objects.create(date=MONDAY, kind="holiday", name="春节")
    assert not calendar.is_working_day(MONDAY)
    assert calendar.year_source(2027) == calendar.SOURCE_TABLE

    row.kind = "workday"
    row.save()
    assert calendar.is_working_day(MONDAY)

    row.kind = "holiday"
    row.local = True
    row.save()
    assert not calendar.is_working_day(MONDAY)
    assert calendar.year_source(2027) == calendar.SOURCE_FALLBACK

    row.delete()
    assert calendar.is_working_day(MONDAY)
    assert CalendarDay.history.filter(date=MONDAY).count() == 4  # created, changed twice, deleted


def test_a_committed_change_moves_the_shared_version(shared_cache, django_capture_on_commit_callbacks):
    calendar.is_working_day(MONDAY)
    before = cache.get(calendar.VERSION_KEY)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        CalendarDay.objects.create(date=MONDAY, kind="holiday", name="春节")
    assert callbacks  # invalidated again once the transaction commits
    after = cache.get(calendar.VERSION_KEY)
    assert after is not None and after != before


def test_a_change_made_by_another_process_is_seen_through_the_version_token(shared_cache, monkeypatch):
    assert calendar.is_working_day(MONDAY)
    # Another process writes the row: this process gets no signal (bulk_create sends none either).
    CalendarDay.objects.bulk_create([CalendarDay(date=MONDAY, kind="holiday", name="春节")])

    monkeypatch.setattr(calendar, "VERSION_CHECK_SECONDS", 0)
    assert calendar.is_working_day(MONDAY), "the version did not move: the built year is kept"

    cache.set(calendar.VERSION_KEY, "set-by-another-process", timeout=None)  # what its invalidate() does
    assert not calendar.is_working_day(MONDAY)


def test_the_version_is_read_at_most_every_few_seconds(shared_cache, monkeypatch):
    clock = [1000.0]
    monkeypatch.setattr(calendar.time, "monotonic", lambda: clock[0])
    calendar.reset()
    assert calendar.is_working_day(MONDAY)
    CalendarDay.objects.bulk_create([CalendarDay(date=MONDAY, kind="holiday", name="春节")])
    cache.set(calendar.VERSION_KEY, "moved", timeout=None)

    clock[0] += calendar.VERSION_CHECK_SECONDS / 2
    assert calendar.is_working_day(MONDAY)  # not yet looked at
    clock[0] += calendar.VERSION_CHECK_SECONDS
    assert not calendar.is_working_day(MONDAY)


def test_an_emptied_cache_makes_every_process_rebuild(shared_cache, monkeypatch):
    monkeypatch.setattr(calendar, "VERSION_CHECK_SECONDS", 0)
    CalendarDay.objects.create(date=MONDAY, kind="holiday", name="春节")  # a version token is set
    assert not calendar.is_working_day(MONDAY)
    CalendarDay.objects.filter(date=MONDAY).update(kind="workday")  # no signal
    cache.clear()  # e.g. Redis restarted: the token is gone, which is a change too
    assert calendar.is_working_day(MONDAY)


def test_a_cache_server_that_is_down_does_not_break_the_calendar(shared_cache, monkeypatch):
    def down(*args, **kwargs):
        raise ConnectionError("cache down")

    monkeypatch.setattr(calendar, "VERSION_CHECK_SECONDS", 0)
    monkeypatch.setattr(calendar.cache, "get", down)
    monkeypatch.setattr(calendar.cache, "set", down)
    assert calendar.is_working_day(MONDAY)
    CalendarDay.objects.create(date=MONDAY, kind="holiday", name="春节")  # local invalidation still works
    assert not calendar.is_working_day(MONDAY)


def test_without_a_shared_cache_another_process_is_seen_through_the_history(monkeypatch):
    monkeypatch.setattr(calendar, "VERSION_CHECK_SECONDS", 0)
    assert not calendar._cache_is_shared()  # the test settings, like the project, use LocMemCache
    assert calendar.is_working_day(MONDAY)
    with signals_of_another_process():
        row = CalendarDay.objects.create(date=MONDAY, kind="holiday", name="春节")
    assert not calendar.is_working_day(MONDAY)
    with signals_of_another_process():
        row.delete()
    assert calendar.is_working_day(MONDAY)


def test_without_a_shared_cache_the_history_is_read_at_most_every_few_seconds(monkeypatch):
    clock = [1000.0]
    monkeypatch.setattr(calendar.time, "monotonic", lambda: clock[0])
    calendar.reset()
    assert calendar.is_working_day(MONDAY)
    with signals_of_another_process():
        CalendarDay.objects.create(date=MONDAY, kind="holiday", name="春节")
    clock[0] += calendar.VERSION_CHECK_SECONDS / 2
    assert calendar.is_working_day(MONDAY)
    clock[0] += calendar.VERSION_CHECK_SECONDS
    assert not calendar.is_working_day(MONDAY)
