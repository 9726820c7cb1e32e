import io

import pytest
from django.core.management import call_command


@pytest.fixture
def suzhou_plan(db):
    """The Suzhou plan, loaded from fixtures/ by the import command."""
    from tasks_app.selectors import current_plan

    call_command("import_plan", stdout=io.StringIO())
    return current_plan()


@pytest.fixture
def demo_accounts(suzhou_plan):
    """Every demo account of PRODUCT.md, keyed by username."""
    from departments.demo import seed_demo_accounts

    return {user.username: user for user in seed_demo_accounts(password="cbec-demo-2026")}
