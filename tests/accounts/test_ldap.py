"""Directory sign-in against a real slapd: group mapping, access gone after the directory removes a
membership, wrong directory passwords counting toward the lockout, and the settings switch.

Skipped when slapd or python-ldap is missing, unless CI is set (then they fail)."""

import importlib.util
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from departments.roles import Role, user_roles

from .ldap_server import CUSTOMS_GROUP, PASSWORDS, SIP_GROUP, USERS_BASE, Slapd, slapd_binary

REPO = Path(__file__).resolve().parents[2]
MISSING = [
    what
    for what, present in [
        ("slapd", slapd_binary() is not None),
        ("ldapmodify", shutil.which("ldapmodify") is not None),
        ("python-ldap", importlib.util.find_spec("ldap") is not None),
        ("django-auth-ldap", importlib.util.find_spec("django_auth_ldap") is not None),
    ]
    if not present
]
if MISSING and not os.environ.get("CI"):
    pytestmark = pytest.mark.skip(reason="directory tests need " + ", ".join(MISSING))

UNIT_GROUPS = json.dumps({CUSTOMS_GROUP.upper(): "department:customs", SIP_GROUP: "district:sip"})


@pytest.fixture(scope="module")
def slapd(tmp_path_factory):
    if MISSING:
        pytest.fail("CI is set but the directory tests cannot run without: " + ", ".join(MISSING))
    server = Slapd(tmp_path_factory.mktemp("slapd")).start()
    yield server
    server.stop()


@pytest.fixture
def directory(slapd, settings, suzhou_plan):
    from accounts.ldap_config import backends, directory_settings

    for name, value in directory_settings(slapd.environment(UNIT_GROUPS)).items():
        setattr(settings, name, value)
    settings.AUTHENTICATION_BACKENDS = backends(settings.AUTHENTICATION_BACKENDS)
    return slapd


def sign_in(username, password):
    client = Client()
    response = client.post("/accounts/login/", {"username": username, "password": password})
    return client, response


def unit_groups(user):
    return set(user.groups.filter(name__contains=":").values_list("name", flat=True))


def test_directory_sign_in_maps_groups_and_a_removed_membership_loses_access(directory, demo_accounts):
    from django.contrib.auth.models import Group

    # A group given by hand but not by the directory is taken away at sign-in.
    alice = get_user_model().objects.create_user(username="alice", password="old-local-password")
    alice.groups.add(Group.objects.get(name="department:commerce"))

    client, response = sign_in("alice", PASSWORDS["alice"])
    assert response.status_code == 302, response.content.decode()[:500]
    assert response["Location"] == "/"
    alice = get_user_model().objects.get(username="alice")
    assert (alice.first_name, alice.last_name, alice.email) == ("Alice", "Wang", "alice@example.gov.cn")
    assert unit_groups(alice) == {"department:customs", "district:sip"}
    assert user_roles(alice) == {Role.LIAISON, Role.DISTRICT}
    assert not alice.has_usable_password()  # the local password no longer signs in
    assert sign_in("alice", "old-local-password")[1].status_code == 200
    assert alice.profile.directory_dn == f"uid=alice,{USERS_BASE}"
    assert client.get("/").status_code == 200
    # The directory changes the password, not this site.
    page = client.get("/accounts/password/")
    assert page.status_code == 200
    assert page.templates[0].name == "accounts/password_directory.html"
    assert "请在统一身份认证目录中修改密码" in page.content.decode()

    directory.modify(f"dn: {CUSTOMS_GROUP}\nchangetype: modify\ndelete: member\nmember: uid=alice,{USERS_BASE}\n")
    client, response = sign_in("alice", PASSWORDS["alice"])
    assert response.status_code == 302
    alice.refresh_from_db()
    assert unit_groups(alice) == {"district:sip"}
    assert user_roles(alice) == {Role.DISTRICT}

    # Local accounts still sign in through ModelBackend, their groups untouched.
    client, response = sign_in("liaison-customs", "cbec-demo-2026")
    assert response.status_code == 302
    assert unit_groups(demo_accounts["liaison-customs"]) == {"department:customs"}


def test_wrong_directory_passwords_count_toward_the_lockout(directory, settings):
    settings.AXES_FAILURE_LIMIT = 3
    _, response = sign_in("bob", PASSWORDS["bob"])
    assert response.status_code == 302
    assert unit_groups(get_user_model().objects.get(username="bob")) == {"district:sip"}

    for _ in range(2):
        _, response = sign_in("bob", "not-the-password")
        assert response.status_code == 200  # the form again, with an error
    _, response = sign_in("bob", "not-the-password")
    assert response.status_code == 429
    # Now even the right password is refused, with the time to try again.
    _, response = sign_in("bob", PASSWORDS["bob"])
    assert response.status_code == 429
    assert "可于" in response.content.decode()
    assert int(response["Retry-After"]) > 0


def test_token_endpoint_accepts_directory_accounts(directory):
    from rest_framework.test import APIClient

    response = APIClient().post("/api/v1/auth/token/", {"username": "bob", "password": PASSWORDS["bob"]})
    assert response.status_code == 200
    assert response.json()["token"]


def _backends_with(env):
    base = {k: v for k, v in os.environ.items() if not k.startswith("LDAP_")}
    base.update(DJANGO_SETTINGS_MODULE="cbec_tracker.settings", DEBUG="1", **env)
    return subprocess.run(
        [sys.executable, "manage.py", "shell", "-c",
         "from django.conf import settings; print('BACKENDS', settings.AUTHENTICATION_BACKENDS); "
         "print('GROUPS', settings.LDAP_UNIT_GROUPS)"],
        cwd=REPO, env=base, capture_output=True, text=True, timeout=120, stdin=subprocess.DEVNULL,
    )


def test_settings_switch_the_directory_on_only_with_a_server_uri(slapd):
    result = _backends_with({})
    assert result.returncode == 0, result.stderr
    assert "DirectoryBackend" not in result.stdout

    result = _backends_with(slapd.environment(UNIT_GROUPS))
    assert result.returncode == 0, result.stderr
    backends = next(line for line in result.stdout.splitlines() if line.startswith("BACKENDS "))
    assert backends == "BACKENDS " + str(
        [
            "axes.backends.AxesStandaloneBackend",
            "accounts.backends.RememberedPermissionsBackend",
            "accounts.ldap_backend.DirectoryBackend",
            "django.contrib.auth.backends.ModelBackend",
            "guardian.backends.ObjectPermissionBackend",
        ]
    )
    assert CUSTOMS_GROUP in result.stdout  # the mapping, its DNs in lower case

    result = _backends_with({**slapd.environment('{"cn=x,dc=example": "somebody-else"}')})
    assert result.returncode != 0
    assert "not a unit group" in result.stderr


def test_group_names_match_the_roles_module():
    from accounts import ldap_config
    from departments import roles

    for name in ["DEPARTMENT_GROUP_PREFIX", "DISTRICT_GROUP_PREFIX", "SUPERVISION_GROUP", "LEADERSHIP_GROUP"]:
        assert getattr(ldap_config, name) == getattr(roles, name)
