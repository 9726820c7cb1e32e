"""Lockout addresses: X-Forwarded-For believed only through the configured trusted proxies."""

import pytest
from django.test import Client, RequestFactory

from accounts.client_ip import client_ip

PROXY = "10.0.0.5"


def fail_three_times(xff):
    client = Client(REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=xff)
    for _ in range(3):
        client.post("/accounts/login/", {"username": "supervisor", "password": "wrong-password"})
    return client


def right_password(xff):
    return Client(REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=xff).post(
        "/accounts/login/", {"username": "supervisor", "password": "cbec-demo-2026"}
    )


def test_clients_behind_a_trusted_proxy_are_locked_out_separately(demo_accounts, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    settings.AXES_FAILURE_LIMIT = 3
    fail_three_times("203.0.113.10")
    assert right_password("203.0.113.10").status_code == 429
    assert right_password("203.0.113.20").status_code == 302
    # A client cannot escape its lock by writing its own X-Forwarded-For entry: the proxy appends.
    assert right_password("198.51.100.1, 203.0.113.10").status_code == 429


def test_without_a_trusted_proxy_x_forwarded_for_is_ignored(demo_accounts, settings):
    settings.TRUSTED_PROXY_COUNT = 0
    settings.AXES_FAILURE_LIMIT = 3
    fail_three_times("203.0.113.10")
    # Same connection address: a different forged header does not open a new lock.
    assert right_password("203.0.113.20").status_code == 429


@pytest.mark.parametrize(
    ("count", "xff", "expected"),
    [
        (0, "203.0.113.10", PROXY),
        (1, "203.0.113.10", "203.0.113.10"),
        (1, "1.1.1.1, 203.0.113.10", "203.0.113.10"),
        (2, "203.0.113.10, 10.0.0.4", "203.0.113.10"),
        (2, "10.0.0.4", PROXY),  # fewer entries than proxies: only the connection is believed
        (1, "", PROXY),
        (1, "not-an-address", PROXY),
        (1, "203.0.113.10:5123", "203.0.113.10"),
        (1, "[2001:db8::1]:443", "2001:db8::1"),
    ],
)
def test_client_ip(settings, count, xff, expected):
    settings.TRUSTED_PROXY_COUNT = count
    request = RequestFactory().get("/", REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=xff)
    assert client_ip(request) == expected
