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
  # worksteal: a process that runs out of tests takes some of the other's (the browser tests and the
  # schema run are long; with a fixed split one process ended minutes after the other).
  exec "$VENV/bin/python" -m pytest -n "$processes" --dist worksteal "$@"
fi
exec "$VENV/bin/python" -m pytest "$@"
