"""The placeholder SECRET_KEY of .env.example is refused at start-up with DEBUG off."""

import re

from tests.project.test_settings_production import GOOD_KEY, HOST, REPO, manage


def test_env_example_placeholder_key_is_refused():
    placeholder = re.search(r"^SECRET_KEY=(.+)$", (REPO / ".env.example").read_text(), re.M).group(1)
    assert len(placeholder) >= 50  # long enough for the length rule: refused for being public
    result = manage("check", DEBUG="0", SECRET_KEY=placeholder, ALLOWED_HOSTS=HOST)
    assert result.returncode != 0
    assert "placeholder" in result.stderr


def test_a_random_key_still_starts():
    result = manage("check", DEBUG="0", SECRET_KEY=GOOD_KEY, ALLOWED_HOSTS=HOST)
    assert result.returncode == 0, result.stderr
