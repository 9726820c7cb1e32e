import pytest


@pytest.fixture(autouse=True)
def _fresh_calendar():
    """The calendar caches built years in the process; each test's database is rolled back behind
    its back (no signal), so every test starts and ends with nothing built."""
    from workdays import calendar

    calendar.reset()
    yield
    calendar.reset()
