"""What both channels share: configuration, bounded waits, the interface's contract, the token cache."""

import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from django.core.checks import run_checks
from django.test import override_settings

from messaging import DINGTALK, WECOM, configured_channels, send_to_people

from .conftest import messaging_settings
from .fake_vendor import DING_SEND, WECOM_SEND, WECOM_TOKEN, SilentServer, TrickleServer, closed_port_url

BOTH = [WECOM, DINGTALK]
REPO = Path(__file__).resolve().parents[2]


def _point(settings, channel, url, timeout):
    settings.MESSAGING = messaging_settings(
        url if channel == WECOM else None, url if channel == DINGTALK else None, timeout=timeout
    )


# --- bounded waits ---------------------------------------------------------------------------


@pytest.mark.parametrize("channel", BOTH)
def test_server_that_never_answers_gives_a_temporary_failure_within_the_timeout(settings, channel):
    silent = SilentServer()
    try:
        _point(settings, channel, silent.base_url, timeout=1)
        started = time.monotonic()
        result = send_to_people(channel, ["someone"], "t", "x")
        elapsed = time.monotonic() - started
    finally:
        silent.close()
    assert not result.ok and result.temporary
    assert "no answer within 1 s" in result.error
    assert result.failed_users == ["someone"]
    assert 0.9 <= elapsed < 1.8
    assert silent.accepted  # the connection was made; only the answer never came


def test_server_that_trickles_its_answer_is_cut_off_at_the_deadline(settings):
    # Each read gets a byte well within the timeout; only the overall deadline ends the wait.
    trickle = TrickleServer()
    try:
        _point(settings, WECOM, trickle.base_url, timeout=1)
        started = time.monotonic()
        result = send_to_people(WECOM, ["someone"], "t", "x")
        elapsed = time.monotonic() - started
    finally:
        trickle.close()
    assert not result.ok and result.temporary and "no answer within 1 s" in result.error
    assert 0.9 <= elapsed < 1.8


@pytest.mark.parametrize(("channel", "send_path"), [(WECOM, WECOM_SEND), (DINGTALK, DING_SEND)])
def test_send_that_hangs_after_the_token_gives_a_temporary_failure_within_the_timeout(
    settings, vendor, channel, send_path
):
    _point(settings, channel, vendor.base_url, timeout=1)
    vendor.hang_sends = True
    started = time.monotonic()
    result = send_to_people(channel, ["someone"], "t", "x")
    elapsed = time.monotonic() - started
    assert not result.ok and result.temporary and "no answer" in result.error
    assert 0.9 <= elapsed < 1.8
    assert len(vendor.requests_to(send_path)) == 1


@pytest.mark.parametrize("channel", BOTH)
def test_server_not_listening_gives_a_temporary_failure_at_once(settings, channel):
    _point(settings, channel, closed_port_url(), timeout=3)
    started = time.monotonic()
    result = send_to_people(channel, ["someone"], "t", "x")
    assert time.monotonic() - started < 1
    assert not result.ok and result.temporary
    assert result.error.startswith("access token: cannot connect: ConnectionRefusedError")


@pytest.mark.parametrize("channel", BOTH)
def test_wrong_base_path_is_permanent(settings, vendor, channel):
    _point(settings, channel, vendor.base_url + "/nothing-here", timeout=2)
    result = send_to_people(channel, ["someone"], "t", "x")
    assert not result.ok and not result.temporary and result.error == "access token: HTTP 404"


# --- configuration ---------------------------------------------------------------------------


def test_configured_channels_follow_the_settings(settings):
    settings.MESSAGING = messaging_settings()
    assert configured_channels() == []
    settings.MESSAGING = messaging_settings(wecom_url="https://qyapi.weixin.qq.com")
    assert configured_channels() == [WECOM]
    settings.MESSAGING = messaging_settings("https://qyapi.weixin.qq.com", "https://oapi.dingtalk.com")
    assert configured_channels() == [WECOM, DINGTALK]
    settings.MESSAGING["DINGTALK"]["AGENT_ID"] = "not-a-number"
    settings.MESSAGING["WECOM"]["BASE_URL"] = "file:///etc"
    assert configured_channels() == []


def test_settings_read_from_the_environment():
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "cbec_tracker.test_settings",
        "WECOM_CORP_ID": "ww1",
        "WECOM_SECRET": "s1",
        "WECOM_AGENT_ID": "1000002",
        "DINGTALK_APP_KEY": "k",
        "MESSAGING_TIMEOUT_SECONDS": "3.5",
    }
    env.pop("DINGTALK_APP_SECRET", None)
    env.pop("DINGTALK_AGENT_ID", None)
    code = (
        "import django; django.setup(); from django.conf import settings; from messaging import configured_channels;"
        "print(configured_channels(), settings.MESSAGING['TIMEOUT_SECONDS'], settings.MESSAGING['WECOM']['BASE_URL'])"
    )
    out = subprocess.run([sys.executable, "-c", code], env=env, cwd=REPO, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "['wecom'] 3.5 https://qyapi.weixin.qq.com"


def test_check_warns_about_a_half_configured_channel(settings):
    settings.MESSAGING = messaging_settings()
    assert [m for m in run_checks() if m.id == "messaging.W001"] == []
    settings.MESSAGING["DINGTALK"].update({"BASE_URL": "https://oapi.dingtalk.com", "APP_KEY": "k"})
    warnings = [m for m in run_checks() if m.id == "messaging.W001"]
    assert len(warnings) == 1
    assert "dingtalk" in warnings[0].msg and "APP_SECRET, AGENT_ID" in warnings[0].msg


def test_unconfigured_channel_is_a_permanent_failure_not_an_exception(settings):
    settings.MESSAGING = messaging_settings()
    result = send_to_people(WECOM, ["zhangsan"], "t", "x")
    assert not result.ok and not result.temporary
    assert result.error.startswith("wecom is not configured: not set: BASE_URL, CORP_ID, SECRET, AGENT_ID")


# --- the interface's contract ----------------------------------------------------------------


def test_programming_errors_raise(configured):
    with pytest.raises(ValueError, match="unknown channel"):
        send_to_people("sms", ["zhangsan"], "t", "x")
    with pytest.raises(ValueError, match="unknown msgtype"):
        send_to_people(WECOM, ["zhangsan"], "t", "x", msgtype="news")
    with pytest.raises(TypeError):
        send_to_people(WECOM, "zhangsan", "t", "x")
    with pytest.raises(TypeError):
        send_to_people(WECOM, [42], "t", "x")


def test_nobody_to_send_to_sends_nothing(configured, vendor):
    result = send_to_people(WECOM, [], "t", "x")
    assert result.ok and result.failed_users == []
    assert vendor.received == []


def test_a_person_named_twice_gets_one_message(configured, vendor):
    assert send_to_people(DINGTALK, ["a", "b", "a"], "t", "x").ok
    assert vendor.requests_to(DING_SEND)[0].body["userid_list"] == "a,b"


def test_cache_that_is_down_does_not_stop_the_message(configured, vendor, settings):
    nobody_there = closed_port_url().replace("http://", "redis://") + "/13"
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
        "broken": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": nobody_there},
    }
    settings.MESSAGING["CACHE_ALIAS"] = "broken"
    assert send_to_people(WECOM, ["zhangsan"], "t", "x").ok
    assert send_to_people(WECOM, ["zhangsan"], "t", "y").ok
    assert len(vendor.requests_to(WECOM_TOKEN)) == 2  # no cache: one token per message, but sent


# --- the token is shared by processes through a shared cache -----------------------------------


def _redis_available() -> bool:
    try:
        import redis

        return bool(redis.Redis(host="127.0.0.1", port=6379, db=13, socket_connect_timeout=1).ping())
    except Exception:
        return False


@pytest.mark.skipif(not _redis_available(), reason="Redis at 127.0.0.1:6379 is needed")
def test_processes_share_one_token_through_redis(vendor):
    prefix = f"cbec-messaging-test-{uuid.uuid4().hex}"
    caches = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
        "shared": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:6379/13",
            "KEY_PREFIX": prefix,
        },
    }
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "cbec_tracker.test_settings",
        "WECOM_BASE_URL": vendor.base_url,
        "WECOM_CORP_ID": "ww-corp",
        "WECOM_SECRET": "wecom-secret-xyz",
        "WECOM_AGENT_ID": "1000002",
        "MESSAGING_CACHE_ALIAS": "shared",
    }
    code = (
        "import sys, django; django.setup(); from django.test import override_settings;"
        f"override_settings(CACHES={caches!r}).enable();"
        "from messaging import send_to_people; r = send_to_people('wecom', ['zhangsan'], 't', sys.argv[1]);"
        "print(r.ok, r.error)"
    )
    try:
        for n in range(2):
            out = subprocess.run(
                [sys.executable, "-c", code, f"from process {n}"],
                env=env,
                cwd=REPO,
                capture_output=True,
                text=True,
                timeout=60,
                check=True,
            )
            assert out.stdout.strip() == "True"
        settings_here = messaging_settings(vendor.base_url)
        settings_here["CACHE_ALIAS"] = "shared"
        with override_settings(CACHES=caches, MESSAGING=settings_here):
            assert send_to_people(WECOM, ["zhangsan"], "t", "from the test process").ok
        assert len(vendor.requests_to(WECOM_TOKEN)) == 1
        assert [r.query["access_token"] for r in vendor.requests_to(WECOM_SEND)] == ["token-1"] * 3
    finally:
        import redis

        client = redis.Redis(host="127.0.0.1", port=6379, db=13)
        for key in client.scan_iter(f"{prefix}:*"):
            client.delete(key)
