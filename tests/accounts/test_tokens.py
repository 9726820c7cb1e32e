"""API tokens (django-rest-knox): they expire, a password change ends them, the owner revokes them."""

from datetime import datetime, timedelta

import pytest
from django.test import Client
from django.utils import timezone
from knox.models import AuthToken
from rest_framework.test import APIClient

PASSWORD = "cbec-demo-2026"


def get_token(username="liaison-tax", password=PASSWORD):
    response = APIClient().post("/api/v1/auth/token/", {"username": username, "password": password})
    assert response.status_code == 200, response.content
    return response.json()


def api_with(token):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    return client


def test_token_expires_after_the_configured_hours(demo_accounts, settings):
    settings.API_TOKEN_TTL_HOURS = 2
    body = get_token()
    expiry = AuthToken.objects.get(user=demo_accounts["liaison-tax"]).expiry
    assert abs(expiry - (timezone.now() + timedelta(hours=2))) < timedelta(minutes=1)
    assert datetime.fromisoformat(body["expiry"].replace("Z", "+00:00")) == expiry
    client = api_with(body["token"])
    assert client.get("/api/v1/tasks/1/").status_code == 200

    AuthToken.objects.filter(user=demo_accounts["liaison-tax"]).update(expiry=timezone.now() - timedelta(seconds=1))
    assert client.get("/api/v1/tasks/1/").status_code == 401


def test_default_lifetime_is_720_hours(demo_accounts):
    get_token()
    expiry = AuthToken.objects.get(user=demo_accounts["liaison-tax"]).expiry
    assert abs(expiry - (timezone.now() + timedelta(hours=720))) < timedelta(minutes=1)


def test_tokens_are_stored_hashed(demo_accounts):
    token = get_token()["token"]
    stored = AuthToken.objects.get(user=demo_accounts["liaison-tax"])
    assert token not in (stored.digest, stored.token_key)
    assert token.startswith(stored.token_key)


def test_password_change_revokes_every_token_and_other_session(demo_accounts):
    first, second = get_token()["token"], get_token()["token"]
    elsewhere = Client()
    assert elsewhere.post("/accounts/login/", {"username": "liaison-tax", "password": PASSWORD}).status_code == 302
    here = Client()
    here.post("/accounts/login/", {"username": "liaison-tax", "password": PASSWORD})

    response = here.post(
        "/accounts/password/",
        {"old_password": PASSWORD, "new_password1": "Gusu-canal-2027!", "new_password2": "Gusu-canal-2027!"},
    )
    assert response.status_code == 302
    assert api_with(first).get("/api/v1/tasks/1/").status_code == 401
    assert api_with(second).get("/api/v1/tasks/1/").status_code == 401
    assert here.get("/").status_code == 200  # this session stays signed in
    assert elsewhere.get("/")["Location"].startswith("/accounts/login/")
    # and it is listed again, under its new key
    assert here.get("/accounts/security/").context["sessions"].count() == 1


def test_password_change_elsewhere_also_revokes_tokens(demo_accounts):
    token = get_token()["token"]
    user = demo_accounts["liaison-tax"]
    user.set_password("another-Password-9")
    user.save()
    assert api_with(token).get("/api/v1/tasks/1/").status_code == 401


def test_saving_an_account_without_a_new_password_keeps_its_tokens(demo_accounts):
    token = get_token()["token"]
    user = demo_accounts["liaison-tax"]
    user.first_name = "税务联络员"
    user.save()
    assert api_with(token).get("/api/v1/tasks/1/").status_code == 200


def test_owner_revokes_a_token_on_the_security_page_and_nobody_else_can(demo_accounts):
    token = get_token()["token"]
    other = get_token("liaison-customs")["token"]
    stored = AuthToken.objects.get(user=demo_accounts["liaison-tax"])
    mine = Client()
    mine.force_login(demo_accounts["liaison-tax"])
    page = mine.get("/accounts/security/")
    assert stored.token_key[:8] in page.content.decode()
    assert token not in page.content.decode()

    intruder = Client()
    intruder.force_login(demo_accounts["liaison-customs"])
    assert intruder.post(f"/accounts/security/tokens/{stored.digest}/revoke/").status_code == 404
    assert api_with(token).get("/api/v1/tasks/1/").status_code == 200

    assert mine.post(f"/accounts/security/tokens/{stored.digest}/revoke/").status_code == 302
    assert api_with(token).get("/api/v1/tasks/1/").status_code == 401
    assert api_with(other).get("/api/v1/tasks/1/").status_code == 200


def test_locked_account_gets_429_with_retry_after(demo_accounts, settings):
    settings.AXES_FAILURE_LIMIT = 2
    client = APIClient()
    for _ in range(2):
        assert client.post("/api/v1/auth/token/", {"username": "leader", "password": "nope"}).status_code == 400
    response = client.post("/api/v1/auth/token/", {"username": "leader", "password": PASSWORD})
    assert response.status_code == 429
    assert "token" not in response.json()
    assert 0 < int(response["Retry-After"]) <= 30 * 60 + 1


@pytest.mark.parametrize("header", ["Bearer abc", "Token", "Token a b"])
def test_malformed_or_foreign_authorization_is_not_accepted(suzhou_plan, header):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=header)
    assert client.get("/api/v1/tasks/1/").status_code == 401
