#!/usr/bin/env bash
# Run the test suite: creates .venv with the test tools, then pytest (arguments are passed on).
# SQLite by default; set DATABASE_URL (e.g. postgres://postgres@127.0.0.1:5432/cbec) for PostgreSQL.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/_venv.sh"
ensure_venv requirements-dev.txt
cd "$ROOT"
exec "$VENV/bin/python" -m pytest "$@"
