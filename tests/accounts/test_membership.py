"""The supervision office manages the units' people on /accounts/members/…: adds and removes the
liaisons of a department and the officers of a district, with history (who, when, by whom);
removing a person takes the unit's access away at once; a deactivated account's history stays."""

import datetime as dt

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from knox.models import AuthToken

from accounts import services
from accounts.models import MembershipAction, MembershipChange, UserSession
from departments.models import Department, District
from tasks_app.plan.models import KeyTask
from tasks_app.workflow.services import milestone_create, milestone_transition

PASSWORD = "cbec-demo-2026"


def signed_in(user):
    client = Client()
    client.force_login(user)
    return client


def unit_url(kind, code):
    return reverse("accounts:members_unit", kwargs={"kind": kind, "code": code})


@pytest.fixture
def newcomer(demo_accounts):
    return get_user_model().objects.create_user("customs-new", password=PASSWORD, first_name="赵六")


@pytest.fixture
def customs_milestone(demo_accounts):
    return milestone_create(
        task=KeyTask.objects.get(number=5),
        owner=Department.objects.get(code="customs"),
        title="海关:计划节点",
        due_date=timezone.localdate() + dt.timedelta(days=30),
        by=demo_accounts["supervisor"],
    )


def milestone_page(client, milestone):
    return client.get(reverse("tasks_app:milestone_detail", kwargs={"pk": milestone.pk}))


def test_the_office_adds_a_liaison_and_removes_them_again(demo_accounts, newcomer, customs_milestone):
    office = signed_in(demo_accounts["supervisor"])
    person = signed_in(newcomer)
    assert milestone_page(person, customs_milestone).status_code == 404

    page = office.get(unit_url("department", "customs"))
    assert page.status_code == 200
    assert "苏州海关联络员" in page.content.decode()
    added = office.post(unit_url("department", "customs"), {"user": newcomer.pk, "kind": "member"})
    assert added.status_code == 302
    assert newcomer.groups.filter(department__code="customs").exists()
    assert milestone_page(person, customs_milestone).status_code == 200  # the unit's access, at once

    removed = office.post(
        reverse("accounts:members_remove", kwargs={"kind": "department", "code": "customs", "user_id": newcomer.pk})
    )
    assert removed.status_code == 302
    assert milestone_page(person, customs_milestone).status_code == 404  # gone with the next request
    changes = list(MembershipChange.objects.filter(user=newcomer).order_by("at", "id"))
    assert [(c.action, c.by.username, c.group.department.code) for c in changes] == [
        (MembershipAction.ADDED, "supervisor", "customs"),
        (MembershipAction.REMOVED, "supervisor", "customs"),
    ]
    history = office.get(unit_url("department", "customs")).content.decode()
    assert "赵六" in history and "加入单位" in history and "移出单位" in history
    assert "督查室" in history  # by whom, by name and unit


def test_a_district_officer_likewise(demo_accounts, newcomer):
    office = signed_in(demo_accounts["supervisor"])
    assert office.post(unit_url("district", "sip"), {"user": newcomer.pk, "kind": "member"}).status_code == 302
    assert newcomer.groups.get() == District.objects.get(code="sip").group
    page = office.get(unit_url("district", "sip")).content.decode()
    assert "工作人员" in page and "赵六" in page


@pytest.mark.parametrize("username", ["leader", "liaison-customs", "district-sip"])
def test_only_the_office_manages_people(demo_accounts, newcomer, username):
    client = signed_in(demo_accounts[username])
    assert client.get(reverse("accounts:members_index")).status_code == 403
    assert client.get(unit_url("department", "customs")).status_code == 403
    assert client.post(unit_url("department", "customs"), {"user": newcomer.pk, "kind": "member"}).status_code == 403
    assert not newcomer.groups.exists()
    assert "单位人员" not in client.get(reverse("accounts:profile")).content.decode()


def test_an_administrator_manages_people_too(demo_accounts, newcomer):
    client = signed_in(demo_accounts["admin"])
    assert client.post(unit_url("department", "amr"), {"user": newcomer.pk, "kind": "member"}).status_code == 302
    assert MembershipChange.objects.get(user=newcomer).by == demo_accounts["admin"]


def test_unknown_units_and_wrong_input(demo_accounts, newcomer):
    office = signed_in(demo_accounts["supervisor"])
    assert office.get(unit_url("department", "no-such")).status_code == 404
    assert office.get(unit_url("office", "customs")).status_code == 404
    response = office.post(unit_url("department", "customs"), {"user": "", "kind": "member"})
    assert response.status_code == 400 and response.context["form"].errors["user"]
    # Already a member: a field error, not a second row.
    liaison = demo_accounts["liaison-customs"]
    response = office.post(unit_url("department", "customs"), {"user": liaison.pk, "kind": "member"})
    assert response.status_code == 400
    remove = reverse(
        "accounts:members_remove", kwargs={"kind": "department", "code": "amr", "user_id": newcomer.pk}
    )
    assert office.post(remove).status_code == 404  # not a member of it


def test_deactivating_keeps_the_history_readable(demo_accounts, customs_milestone):
    liaison = demo_accounts["liaison-customs"]
    milestone_transition(milestone=customs_milestone, action="start", by=liaison, note="开始")
    client = Client()
    assert client.post("/accounts/login/", {"username": "liaison-customs", "password": PASSWORD}).status_code == 302
    AuthToken.objects.create(user=liaison)
    office = signed_in(demo_accounts["supervisor"])
    url = reverse("accounts:account_deactivate", kwargs={"user_id": liaison.pk})
    response = office.post(url, {"next": unit_url("department", "customs")})
    assert response.status_code == 302 and response["Location"] == unit_url("department", "customs")
    liaison.refresh_from_db()
    assert not liaison.is_active
    # Signed out everywhere, no token, cannot sign in.
    assert not UserSession.objects.filter(user=liaison).exists()
    assert not AuthToken.objects.filter(user=liaison).exists()
    assert client.get(reverse("tasks_app:home")).status_code == 302
    assert Client().post("/accounts/login/", {"username": "liaison-customs", "password": PASSWORD}).status_code == 200
    # What they did still reads with their name; the unit's page lists them as deactivated.
    html = milestone_page(office, customs_milestone).content.decode()
    assert "苏州海关联络员" in html
    page = office.get(unit_url("department", "customs")).content.decode()
    assert "已停用" in page and "账号停用" in page
    # And back.
    office.post(reverse("accounts:account_reactivate", kwargs={"user_id": liaison.pk}))
    liaison.refresh_from_db()
    assert liaison.is_active


def test_the_office_cannot_deactivate_itself_the_leadership_or_an_administrator(demo_accounts):
    office = signed_in(demo_accounts["supervisor"])
    for username in ("supervisor", "admin", "leader"):
        url = reverse("accounts:account_deactivate", kwargs={"user_id": demo_accounts[username].pk})
        assert office.post(url).status_code == 403
        demo_accounts[username].refresh_from_db()
        assert demo_accounts[username].is_active


def test_a_stand_in_who_becomes_a_member_keeps_the_access_after_the_stand_in(demo_accounts, newcomer):
    customs = Department.objects.get(code="customs")
    office = demo_accounts["supervisor"]
    services.colleague_add(group=customs.group, user=newcomer, by=office)
    today = timezone.localdate()
    services.stand_in_name(
        person=demo_accounts["liaison-customs"], stand_in=newcomer, start=today, end=today, by=office
    )
    services.member_add(group=customs.group, user=newcomer, by=office)
    services.reconcile_stand_ins(on=today + dt.timedelta(days=1))
    assert newcomer.groups.filter(pk=customs.group_id).exists()


def test_directory_group_changes_are_in_the_history(demo_accounts, newcomer):
    customs = Department.objects.get(code="customs")
    mapping = {"cn=customs,ou=groups,dc=example,dc=org": customs.group.name}
    services.apply_directory_groups(newcomer, ["cn=customs,ou=groups,dc=example,dc=org"], mapping)
    services.apply_directory_groups(newcomer, [], mapping)
    changes = list(MembershipChange.objects.filter(user=newcomer).order_by("at", "id"))
    assert [(c.action, c.by, c.note) for c in changes] == [
        (MembershipAction.ADDED, None, "directory"),
        (MembershipAction.REMOVED, None, "directory"),
    ]
