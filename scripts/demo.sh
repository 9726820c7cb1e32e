#!/usr/bin/env bash
# Run the product on this machine with embedded defaults (SQLite, no Redis): creates .venv,
# migrates, loads the Suzhou plan, creates the demo accounts, and starts the site.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/_venv.sh"
ensure_venv requirements.txt
cd "$ROOT"

export DEBUG="${DEBUG:-1}"
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
  Reminders: a Celery worker with its beat runs beside the site (embedded broker in .celery/);
  run a scan for any day with  .venv/bin/python manage.py send_reminders --as-of 2026-12-01
  Stop with Ctrl-C.

TXT
# The reminder worker and its scheduler: no Redis needed here (a broker in files, see settings).
"$VENV/bin/celery" -A cbec_tracker worker --beat --pool=solo --loglevel=WARNING &
CELERY_PID=$!
trap 'kill "$CELERY_PID" 2>/dev/null || true' EXIT INT TERM
"$PY" manage.py runserver "$HOST:$PORT"
