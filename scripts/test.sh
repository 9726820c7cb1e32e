#!/usr/bin/env bash
# Run the test suite: creates .venv with the test tools, then pytest (arguments are passed on;
# its exit status is this script's). SQLite by default; DATABASE_URL from the environment if set
# (e.g. postgres://postgres@127.0.0.1:5432/cbec: pytest-django creates and drops test_cbec), and
# REDIS_URL if set (otherwise the Celery tests use the embedded broker).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/_venv.sh"
ensure_venv requirements-dev.txt
cd "$ROOT"
exec "$VENV/bin/python" -m pytest "$@"
