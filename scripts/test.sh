#!/usr/bin/env bash
# Run the test suite: creates .venv with the test tools, then pytest (arguments are passed on;
# its exit status is this script's). SQLite by default; DATABASE_URL from the environment if set
# (e.g. postgres://postgres@127.0.0.1:5432/cbec: pytest-django creates and drops test_cbec), and
# REDIS_URL if set (otherwise the Celery tests use the embedded broker). Runs in as many processes
# as the machine has cores (at most 4): CBEC_TEST_PROCESSES=1 for one.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/_venv.sh"
ensure_venv requirements-dev.txt
cd "$ROOT"
# Spread the tests over the machine's cores (at most 4; pytest-xdist): each process has its own test
# database and Redis database (cbec_tracker/test_settings.py). CBEC_TEST_PROCESSES=1 runs them in one.
processes="${CBEC_TEST_PROCESSES:-$(nproc 2>/dev/null || echo 1)}"
(( processes > 4 )) && processes=4
if (( processes > 1 )); then
  # The default distribution: worksteal was tried (2026-12-06) and cost 5 more CPU minutes — it splits
  # files whose fixtures are then made in both processes — for a longer run.
  exec "$VENV/bin/python" -m pytest -n "$processes" "$@"
fi
exec "$VENV/bin/python" -m pytest "$@"
