"""Production settings: refuse to start without a real SECRET_KEY; check --deploy is clean; no demo
accounts with DEBUG off.

The settings are read at start-up, so most of these run `manage.py` in a subprocess with the real
settings module (not the test settings) and a production environment.
"""

import io
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

REPO = Path(__file__).resolve().parents[2]
GOOD_KEY = "k" * 20 + "9Q2x-7vB!rT4mZp8LwE3nHs6YcJ0uAfD1gKq5"
DEVELOPMENT_KEY = "dev-insecure-cbec-tracker-key-do-not-use-in-production"  # settings._DEVELOPMENT_SECRET_KEY
HOST = "tracker.example.gov.cn"


def manage(*args, **env_overrides):
    """Run manage.py with cbec_tracker.settings; DATABASE_URL and REDIS_URL stay as in this run."""
    dropped = {"DEBUG", "SECRET_KEY", "ALLOWED_HOSTS", "DJANGO_ALLOW_ASYNC_UNSAFE", "CBEC_DEMO_PASSWORD"}
    env = {k: v for k, v in os.environ.items() if k not in dropped}
    env.update(DJANGO_SETTINGS_MODULE="cbec_tracker.settings", **env_overrides)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        stdin=subprocess.DEVNULL,
    )


def test_refuses_to_start_without_a_secret_key():
    result = manage("check", DEBUG="0", ALLOWED_HOSTS=HOST)
    assert result.returncode != 0
    assert "SECRET_KEY is not set" in result.stderr


@pytest.mark.parametrize("key", ["short", DEVELOPMENT_KEY], ids=["short", "development-key"])
def test_refuses_a_short_or_development_secret_key(key):
    result = manage("check", DEBUG="0", SECRET_KEY=key, ALLOWED_HOSTS=HOST)
    assert result.returncode != 0
    assert "SECRET_KEY must be a random string of at least 50 characters" in result.stderr


def test_refuses_to_start_without_allowed_hosts():
    result = manage("check", DEBUG="0", SECRET_KEY=GOOD_KEY)
    assert result.returncode != 0
    assert "ALLOWED_HOSTS" in result.stderr


def test_deploy_check_is_clean_with_production_settings():
    result = manage("check", "--deploy", "--fail-level", "WARNING", DEBUG="0", SECRET_KEY=GOOD_KEY, ALLOWED_HOSTS=HOST)
    assert result.returncode == 0, result.stderr + result.stdout
    assert result.stdout.strip().startswith("System check identified no issues"), result.stdout
    assert "WARNING" not in result.stderr + result.stdout


def test_seed_demo_refuses_with_debug_off():
    result = manage("seed_demo", DEBUG="0", SECRET_KEY=GOOD_KEY, ALLOWED_HOSTS=HOST)
    assert result.returncode != 0
    assert "DEBUG off" in result.stderr
    assert "demo accounts ready" not in result.stdout


def test_seed_demo_with_debug_off_creates_nothing(empty_database, settings):
    call_command("import_plan", stdout=io.StringIO())  # everything seed_demo needs is there
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG off"):
        call_command("seed_demo", "--sample", stdout=io.StringIO())
    assert not get_user_model().objects.exists()
