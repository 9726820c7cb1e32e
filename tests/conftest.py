"""Shared fixtures.

The Suzhou plan and the demo accounts are loaded once per test session into the test database
(every test then runs in a transaction rolled back at its end), which keeps the permission matrix
fast. A transactional test empties the database when it ends; the fixtures below notice and load
the plan again.
"""

import io

import pytest
from django.core.management import call_command

DEMO_PASSWORD = "cbec-demo-2026"


def _load_plan_and_accounts():
    from departments.demo import seed_demo_accounts

    call_command("import_plan", stdout=io.StringIO())
    seed_demo_accounts(password=DEMO_PASSWORD)


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Each test starts with an empty cache: its database is rolled back, so a change counter can
    take the same value in two tests with different data (a restored database does the same:
    clear the cache after restoring a backup)."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        _load_plan_and_accounts()


@pytest.fixture
def suzhou_plan(db):
    """The Suzhou plan as imported from fixtures/ (loaded again if a transactional test flushed it)."""
    from departments.selectors import government_count
    from tasks_app.plan.selectors import current_plan

    plan = current_plan()
    if plan is None:
        _load_plan_and_accounts()
        plan = current_plan()
    government_count()  # cached across requests, as on a running site (the cache is emptied per test)
    return plan


@pytest.fixture
def demo_accounts(suzhou_plan):
    """Every demo account of PRODUCT.md, keyed by username."""
    from django.contrib.auth import get_user_model

    return {user.username: user for user in get_user_model().objects.all()}


@pytest.fixture
def empty_database(db):
    """No plan, departments, districts or accounts: as on a fresh installation (inside the test's
    transaction, so the preloaded data comes back for the next test)."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group
    from guardian.models import GroupObjectPermission

    from departments.models import Department, District
    from tasks_app.plan.models import Plan
    from tasks_app.workflow.models import Milestone

    Milestone.objects.all().delete()
    GroupObjectPermission.objects.all().delete()
    for plan in Plan.objects.all():
        plan.tasks.all().delete()
        plan.delete()
    Department.objects.all().delete()
    District.objects.all().delete()
    get_user_model().objects.all().delete()
    Group.objects.all().delete()
    for model in (Plan, Department, District):
        model.history.all().delete()


@pytest.fixture
def without_workflow_events():
    """Tests of the reminder scan alone count only what the scan makes: the notifications each
    workflow step sends to the people concerned (issue 16) are switched off for them."""
    from tasks_app.reminders.events import _on_workflow_event
    from tasks_app.workflow.events import workflow_event

    workflow_event.disconnect(dispatch_uid="reminders-workflow-event")
    yield
    workflow_event.connect(_on_workflow_event, dispatch_uid="reminders-workflow-event")


def pytest_collection_modifyitems(session, config, items):
    """The tests marked ``slow`` first: spread over processes, a test of minutes that starts last
    ends the run alone."""
    items.sort(key=lambda item: item.get_closest_marker("slow") is None)
