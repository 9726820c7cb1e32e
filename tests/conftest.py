"""Shared fixtures.

The Suzhou plan and the demo accounts are loaded once per test session into the test database
(every test then runs in a transaction rolled back at its end), which keeps the permission matrix
fast. A transactional test empties the database when it ends; the fixtures below notice and load
the plan again — on PostgreSQL by copying back a snapshot of the tables taken after the first load
(see ``TableSnapshot``), elsewhere by importing it again.
"""

import io

import pytest
from django.core.management import call_command

DEMO_PASSWORD = "cbec-demo-2026"


def _load_plan_and_accounts():
    from departments.demo import seed_demo_accounts

    call_command("import_plan", stdout=io.StringIO())
    seed_demo_accounts(password=DEMO_PASSWORD)


class TableSnapshot:
    """A copy of every model table in a schema of the test database (PostgreSQL), put back in a
    fraction of a second. The browser tests are transactional: each empties the database when it
    ends, and the next one needed the plan imported, the 49 demo accounts made (password hashing)
    and often the sample scenario made through the services again — 5 to 15 seconds per test, most
    of the suite's time. Copying the rows back is the same data by construction."""

    def __init__(self, name: str):
        self.schema = f"test_snapshot_{name}"
        self.tables: list[tuple[str, bool]] = []
        self.sequences: list[tuple[str, int | None]] = []

    @staticmethod
    def supported() -> bool:
        from django.db import connection

        return connection.vendor == "postgresql"

    def take(self) -> None:
        from django.db import connection

        quote = connection.ops.quote_name
        tables = sorted(connection.introspection.django_table_names(only_existing=True, include_views=False))
        with connection.cursor() as cursor:
            cursor.execute(f"DROP SCHEMA IF EXISTS {self.schema} CASCADE")
            cursor.execute(f"CREATE SCHEMA {self.schema}")
            self.tables = []
            for table in tables:
                cursor.execute(f"CREATE TABLE {self.schema}.{quote(table)} AS TABLE public.{quote(table)}")
                cursor.execute(f"SELECT EXISTS (SELECT 1 FROM {self.schema}.{quote(table)})")
                self.tables.append((table, cursor.fetchone()[0]))
            cursor.execute("SELECT sequencename, last_value FROM pg_sequences WHERE schemaname = 'public'")
            self.sequences = cursor.fetchall()

    def restore(self) -> None:
        from django.contrib.contenttypes.models import ContentType
        from django.db import connection

        quote = connection.ops.quote_name
        with connection.cursor() as cursor:
            # Foreign keys and triggers are not checked while the rows come back (in any order):
            # they were checked when the rows were first written.
            cursor.execute("SET session_replication_role = replica")
            try:
                # The emptied database already has the content types and permissions that the flush's
                # post_migrate made again, under new ids: the snapshot's replace them.
                cursor.execute("TRUNCATE " + ", ".join(quote(table) for table, _ in self.tables))
                for table, has_rows in self.tables:
                    if has_rows:
                        cursor.execute(f"INSERT INTO {quote(table)} SELECT * FROM {self.schema}.{quote(table)}")
            finally:
                cursor.execute("SET session_replication_role = DEFAULT")
            for sequence, last_value in self.sequences:
                cursor.execute("SELECT setval(%s, %s, %s)", [sequence, last_value or 1, last_value is not None])
        ContentType.objects.clear_cache()  # ids read before the restore are gone


_snapshots: dict[str, TableSnapshot] = {}


def _restore_or(name: str, make) -> None:
    """Put back the snapshot called ``name`` if one was taken, otherwise call ``make`` and take it
    (outside a test's transaction only: a snapshot of rows that are rolled back would be wrong)."""
    from django.db import connection

    if not TableSnapshot.supported():
        make()
        return
    if name in _snapshots:
        _snapshots[name].restore()
        return
    make()
    if not connection.in_atomic_block:
        snapshot = TableSnapshot(name)
        snapshot.take()
        _snapshots[name] = snapshot


def load_sample() -> None:
    """The sample scenario (``seed_demo --sample``) on the plan and demo accounts, for a test that
    starts from them: from a snapshot after the first time in this process and day."""
    from django.utils import timezone

    from departments.sample import seed_sample
    from tasks_app.workflow.models import Milestone

    if Milestone.objects.exists():  # not the plan alone: make it the ordinary way
        seed_sample()
        return
    _restore_or(f"sample_{timezone.localdate():%Y%m%d}", seed_sample)


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Each test starts with an empty cache: its database is rolled back, so a change counter can
    take the same value in two tests with different data (a restored database does the same:
    clear the cache after restoring a backup)."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture(autouse=True)
def _default_language():
    """Each test starts in the site's language: a request in English (the test client's locale
    middleware) leaves English active in the thread for whatever runs next."""
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        _restore_or("plan", _load_plan_and_accounts)


@pytest.fixture
def suzhou_plan(db):
    """The Suzhou plan as imported from fixtures/ (loaded again if a transactional test flushed it)."""
    from departments.selectors import government_count
    from tasks_app.plan.selectors import current_plan

    plan = current_plan()
    if plan is None:
        _restore_or("plan", _load_plan_and_accounts)
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
