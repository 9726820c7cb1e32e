#!/usr/bin/env bash
# Run the product on this machine in embedded mode (SQLite, no Redis, DEBUG on): creates .venv,
# migrates, loads the Suzhou plan, creates the demo accounts and a sample scenario, and serves the
# site with the reminder worker beside it. Safe to run again: every step is idempotent.
#   HOST / PORT           where the site listens (default 127.0.0.1:8000)
#   CBEC_DEMO_PASSWORD    the demo accounts' password (default cbec-demo-2026)
#   DATABASE_URL          respected if set (default: the SQLite file db.sqlite3)
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/_venv.sh"
ensure_venv requirements.txt
cd "$ROOT"

export DEBUG=1  # demo mode: a development key, and seed_demo is allowed
export CBEC_PRODUCT_ERROR_PAGES=1  # ...but the product's own 404 / 500 pages, not Django's debug pages
HOST="${HOST:-127.0.0.1}"
PORT="${PORT:-8000}"
PY="$VENV/bin/python"

"$PY" manage.py migrate --noinput
"$PY" manage.py import_plan
"$PY" manage.py seed_demo --sample

cat <<TXT

  CBEC Plan Tracker is starting at  http://$HOST:$PORT/
  Sign in as one of (password: ${CBEC_DEMO_PASSWORD:-cbec-demo-2026}):
    supervisor         督查室 / 综试区办 (supervision office)
    leader             领导小组 (leadership, read-only)
    liaison-commerce   市商务局 liaison (lead of every task); liaison-customs, liaison-drc, ... one per department
    district-sip       苏州工业园区; district-kunshan, district-changshu, ... one per district
    admin              administrator (also http://$HOST:$PORT/admin/)
  API: http://$HOST:$PORT/api/v1/   (schema: /api/v1/schema/)
  Database: ${DATABASE_URL:-SQLite file $ROOT/db.sqlite3}
  Reminders: a Celery worker with its beat runs beside the site (embedded broker in .celery/);
  run a scan for any day with  .venv/bin/python manage.py send_reminders --as-of 2026-12-01
  Stop with Ctrl-C.

TXT

# The reminder worker and its scheduler (no Redis needed: a broker in files, see settings), and
# the site. Both run in the background so that Ctrl-C or a TERM sent to this script stops both.
PIDS=()
stop() {
  trap - EXIT INT TERM
  kill "${PIDS[@]}" 2>/dev/null || true
  wait 2>/dev/null || true
}
trap stop EXIT
trap 'stop; exit 130' INT
trap 'stop; exit 143' TERM
"$VENV/bin/celery" -A cbec_tracker worker --beat --pool=solo --loglevel=WARNING &
PIDS+=($!)
"$PY" manage.py runserver "$HOST:$PORT" &
SERVER_PID=$!
PIDS+=("$SERVER_PID")
status=0
wait "$SERVER_PID" || status=$?
exit "$status"
