# Sourced by demo.sh, test.sh and .ci/run: a project-local virtual environment in .venv,
# (re)installed only when a requirements file changed. Needs nothing but Python 3.11+.
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PYTHON="${PYTHON:-python3}"
VENV="${VENV:-$ROOT/.venv}"

# ensure_venv REQUIREMENTS_FILE: create $VENV if needed, install the file unless the stamp says
# the requirements files are unchanged since the last successful install of that file.
ensure_venv() {
  local requirements="$ROOT/$1"
  if ! "$PYTHON" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
    echo "Python 3.11 or newer is needed (found: $("$PYTHON" --version 2>&1 || echo none))." \
      "Set PYTHON=/path/to/python3.11." >&2
    exit 1
  fi
  # A missing or half-made environment (e.g. an earlier attempt without ensurepip) is made anew.
  if [ ! -x "$VENV/bin/python" ] || ! "$VENV/bin/python" -m pip --version >/dev/null 2>&1; then
    echo "Creating the virtual environment in $VENV ..."
    if ! "$PYTHON" -m venv --clear "$VENV"; then
      echo "Could not create $VENV. On Debian/Ubuntu: apt-get install python3-venv" >&2
      exit 1
    fi
  fi
  local stamp digest
  stamp="$VENV/.installed-$(basename "$requirements")"
  # requirements-dev.txt includes requirements.txt: hash every requirements file, and the Python.
  digest="$(cat "$ROOT"/requirements*.txt | "$VENV/bin/python" -c \
    'import hashlib, sys; print(hashlib.sha256(sys.stdin.buffer.read() + sys.version.encode()).hexdigest())')"
  if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$digest" ]; then
    echo "Installing $(basename "$requirements") into $VENV ..."
    "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check --upgrade pip
    "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check -r "$requirements"
    echo "$digest" >"$stamp"
  fi
}
