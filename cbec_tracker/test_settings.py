"""Settings for the test suite: the real settings, in development mode, with a fast password hasher.

DATABASE_URL and REDIS_URL still come from the environment, so CI runs the suite on PostgreSQL.
"""

import os

os.environ.setdefault("DEBUG", "1")

from .settings import *  # noqa: F403

# Hashing cost is not under test; the hundreds of logins in the permission matrix are.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

# SQLite: a file, not memory, so that the threads of the concurrency tests share one database.
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F405
    DATABASES["default"]["TEST"] = {"NAME": str(BASE_DIR / ".test-db.sqlite3")}  # noqa: F405

# With ``pytest -n N`` (pytest-xdist) each worker process has its own database (pytest-django adds
# the suffix) and its own Redis database, so one worker's Celery messages never reach another's.
_XDIST_WORKER = os.environ.get("PYTEST_XDIST_WORKER", "")  # "gw0", "gw1", …
if REDIS_URL and _XDIST_WORKER[2:].isdigit():  # noqa: F405
    _base, _, _db = REDIS_URL.rpartition("/")  # noqa: F405
    if _db.isdigit():
        REDIS_URL = CELERY_BROKER_URL = f"{_base}/{int(_db) - int(_XDIST_WORKER[2:])}"

# The embedded Celery broker (used when REDIS_URL is not set) keeps its files out of the tree.
if not REDIS_URL:
    import tempfile

    _celery_dir = Path(tempfile.mkdtemp(prefix="cbec-celery-"))  # noqa: F405
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_celery_dir / "broker"),
        "data_folder_out": str(_celery_dir / "broker"),
        "control_folder": str(_celery_dir / "control"),
    }
    for _folder in ("broker", "control"):
        (_celery_dir / _folder).mkdir()
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
