"""Signed-in sessions: recorded at sign-in, listed, ended one by one or all but this one; idle ones end."""

import time

from django.test import Client

from accounts.models import UserSession
from accounts.services import ACTIVITY_KEY

PASSWORD = "cbec-demo-2026"


def signed_in(username="district-sip", **headers):
    client = Client(**headers)
    response = client.post("/accounts/login/", {"username": username, "password": PASSWORD})
    assert response.status_code == 302
    return client


def test_sign_in_records_the_session_with_address_and_browser(demo_accounts):
    client = signed_in(HTTP_USER_AGENT="Mozilla/5.0 (Windows NT 10.0) TestBrowser/1", REMOTE_ADDR="198.51.100.7")
    record = UserSession.objects.get(user=demo_accounts["district-sip"])
    assert record.session_key == client.session.session_key
    assert record.ip_address == "198.51.100.7"
    assert "TestBrowser/1" in record.user_agent
    page = client.get("/accounts/security/").content.decode()
    assert "198.51.100.7" in page
    assert record.session_key not in page  # the key is a secret; pages name sessions by id


def test_sign_out_forgets_the_session(demo_accounts):
    client = signed_in()
    client.post("/accounts/logout/")
    assert not UserSession.objects.filter(user=demo_accounts["district-sip"]).exists()


def test_ending_one_session_signs_that_browser_out(demo_accounts):
    laptop, phone = signed_in(), signed_in()
    phone_record = UserSession.objects.get(session_key=phone.session.session_key)
    assert laptop.post(f"/accounts/security/sessions/{phone_record.pk}/revoke/").status_code == 302
    assert phone.get("/")["Location"].startswith("/accounts/login/")
    assert laptop.get("/").status_code == 200


def test_nobody_ends_another_accounts_session(demo_accounts):
    victim = signed_in()
    record = UserSession.objects.get(session_key=victim.session.session_key)
    intruder = signed_in("district-kunshan")
    assert intruder.post(f"/accounts/security/sessions/{record.pk}/revoke/").status_code == 404
    assert victim.get("/").status_code == 200


def test_sign_out_everywhere_else(demo_accounts):
    others = [signed_in() for _ in range(3)]
    someone_else = signed_in("district-kunshan")
    here = signed_in()
    response = here.post("/accounts/security/sessions/revoke-others/", follow=True)
    assert "3" in response.content.decode()
    for client in others:
        assert client.get("/")["Location"].startswith("/accounts/login/")
    assert here.get("/").status_code == 200
    assert someone_else.get("/").status_code == 200
    assert UserSession.objects.filter(user=demo_accounts["district-sip"]).count() == 1


def _set_activity(client, seconds_ago):
    session = client.session
    session[ACTIVITY_KEY] = int(time.time()) - seconds_ago
    session.save()


def test_an_idle_session_ends(demo_accounts, settings):
    settings.SESSION_IDLE_MINUTES = 30
    client = signed_in()
    _set_activity(client, 29 * 60)
    assert client.get("/").status_code == 200  # active within the limit: the activity is renewed
    assert time.time() - client.session[ACTIVITY_KEY] < 5
    _set_activity(client, 31 * 60)
    assert client.get("/")["Location"].startswith("/accounts/login/")
    assert not UserSession.objects.filter(user=demo_accounts["district-sip"]).exists()


def test_activity_updates_last_seen_at_most_once_a_minute(demo_accounts):
    client = signed_in()
    record = UserSession.objects.get(session_key=client.session.session_key)
    first_seen = record.last_seen
    client.get("/")
    record.refresh_from_db()
    assert record.last_seen == first_seen
    _set_activity(client, 120)
    client.get("/", REMOTE_ADDR="192.0.2.99")
    record.refresh_from_db()
    assert record.last_seen > first_seen
    assert record.ip_address == "192.0.2.99"


def test_session_cookie_and_store_expire_after_the_idle_time(demo_accounts, settings):
    client = signed_in()
    assert settings.SESSION_COOKIE_AGE == settings.SESSION_IDLE_MINUTES * 60 == 30 * 60
    assert 29 * 60 < client.session.get_expiry_age() <= 30 * 60
