"""seed_demo: the demo accounts of PRODUCT.md, each in its own group, and only in demo mode."""

import io

import pytest
from django.contrib.auth import authenticate, get_user_model
from django.core.management import CommandError, call_command
from django.test import RequestFactory

from departments.models import Department, District


def seed(**kwargs):
    call_command("seed_demo", stdout=io.StringIO(), **kwargs)


def expected_usernames():
    return (
        {"supervisor", "leader", "admin"}
        | {f"liaison-{code}" for code in Department.objects.values_list("code", flat=True)}
        | {f"district-{code}" for code in District.objects.values_list("code", flat=True)}
    )


def test_creates_every_account_in_its_own_group(suzhou_plan, settings):
    settings.DEBUG = True
    seed()
    users = {u.username: u for u in get_user_model().objects.prefetch_related("groups")}
    assert set(users) == expected_usernames()
    assert len(users) == 35
    for department in Department.objects.all():
        assert [g.name for g in users[f"liaison-{department.code}"].groups.all()] == [department.group.name]
    for district in District.objects.all():
        assert [g.name for g in users[f"district-{district.code}"].groups.all()] == [district.group.name]
    assert [g.name for g in users["supervisor"].groups.all()] == ["supervision-office"]
    assert [g.name for g in users["leader"].groups.all()] == ["leadership"]
    assert users["admin"].is_superuser and users["admin"].is_staff
    assert not users["supervisor"].is_staff


def test_password_from_the_environment(suzhou_plan, settings, monkeypatch):
    settings.DEBUG = True
    monkeypatch.setenv("CBEC_DEMO_PASSWORD", "another-demo-pass-77")
    seed()
    request = RequestFactory().post("/accounts/login/")
    assert authenticate(request, username="district-kunshan", password="another-demo-pass-77") is not None
    assert authenticate(request, username="district-kunshan", password="cbec-demo-2026") is None


def test_running_twice_changes_nothing_more(suzhou_plan, settings):
    settings.DEBUG = True
    seed()
    seed()
    assert get_user_model().objects.count() == 35


def test_refuses_with_debug_off_unless_forced(suzhou_plan, settings, empty_database):
    call_command("import_plan", stdout=io.StringIO())
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG off"):
        seed()
    assert get_user_model().objects.count() == 0
    seed(force=True)
    assert get_user_model().objects.count() == 35


def test_refuses_before_the_plan_is_imported(empty_database, settings):
    settings.DEBUG = True
    with pytest.raises(CommandError, match="import_plan"):
        seed()


def test_running_again_keeps_sessions_signed_in(suzhou_plan, settings, client):
    settings.DEBUG = True
    seed()
    client.post("/accounts/login/", {"username": "district-sip", "password": "cbec-demo-2026"})
    assert client.get("/").status_code == 200
    seed()
    assert client.get("/").status_code == 200  # still signed in: the password hash did not change
