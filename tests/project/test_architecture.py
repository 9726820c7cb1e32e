"""The architecture of docs/architecture.md holds: the import-linter contracts of .importlinter are
kept, and a module importing against the arrows breaks them."""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")


def _lint_imports(root: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-cache"], cwd=root, capture_output=True, text=True, timeout=300, check=False
    )


def test_the_import_contracts_are_kept():
    result = _lint_imports(REPO)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "broken" not in result.stdout.lower().replace("0 broken", "")


@pytest.mark.parametrize(
    ("module", "forbidden_import", "contract"),
    [
        # a lower concern reaching up: the plan must not know the workflow
        ("tasks_app/plan/selectors.py", "from tasks_app.workflow.models import Milestone", "Concerns depend only"),
        # a service importing a Celery task module instead of enqueueing by name
        ("tasks_app/workflow/services.py", "from tasks_app.reminders import tasks", "never import a Celery task"),
        # a service importing a page
        ("tasks_app/assessment/services.py", "from tasks_app.assessment import views", "never import pages"),
    ],
)
def test_an_import_against_the_arrows_breaks_a_contract(tmp_path, module, forbidden_import, contract):
    copy = tmp_path / "repo"
    shutil.copytree(REPO / "tasks_app", copy / "tasks_app", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copytree(REPO / "departments", copy / "departments", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(REPO / ".importlinter", copy / ".importlinter")
    target = copy / module
    target.write_text(target.read_text() + f"\n{forbidden_import}  # noqa\n")
    result = _lint_imports(copy)
    assert result.returncode != 0
    assert "BROKEN" in result.stdout
    broken_section = result.stdout.split("Broken contracts", 1)[1]
    assert contract in broken_section.replace("\n", " ")
