"""Stand-ins (代理): a liaison names a colleague of the same unit for a date range; during it the
colleague may do what the liaison may do, every change is recorded "by X for Y", and it ends by
itself (the middleware's daily check, or ``manage.py reconcile_stand_ins``)."""

import datetime as dt
import io

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts import selectors, services
from accounts.models import ActingRecord, StandIn, TemporaryMembership
from departments.models import Department
from tasks_app.plan.models import KeyTask
from tasks_app.workflow.services import milestone_create

PASSWORD = "cbec-demo-2026"


@pytest.fixture
def office(demo_accounts):
    return demo_accounts["supervisor"]


@pytest.fixture
def customs(demo_accounts):
    return Department.objects.get(code="customs")


@pytest.fixture
def deputy(demo_accounts, customs, office):
    """A colleague of 苏州海关 without access of their own."""
    user = get_user_model().objects.create_user("customs-deputy", password=PASSWORD, first_name="海关副联络员王五")
    services.colleague_add(group=customs.group, user=user, by=office)
    return user


@pytest.fixture
def milestone(demo_accounts, customs):
    return milestone_create(
        task=KeyTask.objects.get(number=5),
        owner=customs,
        title="海关:计划节点",
        due_date=timezone.localdate() + dt.timedelta(days=30),
        by=demo_accounts["supervisor"],
    )


def signed_in(user):
    client = Client()
    client.force_login(user)
    return client


def name(person, stand_in, start_offset=0, days=3):
    start = timezone.localdate() + dt.timedelta(days=start_offset)
    return services.stand_in_name(
        person=person, stand_in=stand_in, start=start, end=start + dt.timedelta(days=days), by=person
    )


def milestone_page(client, milestone):
    return client.get(reverse("tasks_app:milestone_detail", kwargs={"pk": milestone.pk}))


def start_it(client, milestone):
    url = reverse("tasks_app:milestone_transition", kwargs={"pk": milestone.pk})
    return client.post(url, {"action": "start", "note": "开始"})


def test_the_page_names_a_stand_in_and_the_stand_in_acts_for_the_liaison(demo_accounts, deputy, milestone):
    liaison = demo_accounts["liaison-customs"]
    deputy_client = signed_in(deputy)
    assert milestone_page(deputy_client, milestone).status_code == 404  # not yet

    today = timezone.localdate()
    response = signed_in(liaison).post(
        reverse("accounts:stand_ins"),
        {"stand_in": deputy.pk, "start": today.isoformat(), "end": (today + dt.timedelta(days=5)).isoformat()},
    )
    assert response.status_code == 302, response.content.decode()[:500]
    assert StandIn.objects.filter(person=liaison, stand_in=deputy).exists()

    # During the stand-in the deputy does what the liaison may do, on the pages and the API.
    assert milestone_page(deputy_client, milestone).status_code == 200
    assert start_it(deputy_client, milestone).status_code == 302
    milestone.refresh_from_db()
    assert milestone.status == "in_progress"
    # … and the history says by whom for whom.
    record = milestone.history.latest("history_date")
    assert record.history_user == deputy
    assert ActingRecord.objects.filter(history_id=record.pk, stand_in=deputy, person=liaison).exists()
    html = milestone_page(signed_in(demo_accounts["supervisor"]), milestone).content.decode()
    assert "海关副联络员王五（苏州海关）（代 苏州海关联络员）" in html

    # The deputy is not shown as a member of the unit: the stand-in lends access, not membership.
    customs = Department.objects.get(code="customs")
    assert deputy not in selectors.unit_members(customs.group)
    assert selectors.stand_ins_for([liaison.pk, demo_accounts["liaison-amr"].pk]) == {
        liaison.pk: [deputy],
        demo_accounts["liaison-amr"].pk: [],
    }


def test_a_changes_of_the_liaison_themselves_is_not_marked(demo_accounts, deputy, milestone):
    name(demo_accounts["liaison-customs"], deputy)
    assert start_it(signed_in(demo_accounts["liaison-customs"]), milestone).status_code == 302
    assert not ActingRecord.objects.exists()


@pytest.mark.parametrize(
    ("field", "data"),
    [
        ("stand_in", {"colleague": "liaison-amr"}),  # not of the unit
        ("start", {"start": -1}),  # in the past
        ("end", {"end": -1}),  # before the start
        ("end", {"end": 200}),  # too long
    ],
)
def test_the_form_refuses_with_the_field(demo_accounts, deputy, field, data):
    today = timezone.localdate()
    colleague = demo_accounts[data["colleague"]] if "colleague" in data else deputy
    start = today + dt.timedelta(days=data.get("start", 0))
    end = today + dt.timedelta(days=data.get("end", 2))
    response = signed_in(demo_accounts["liaison-customs"]).post(
        reverse("accounts:stand_ins"), {"stand_in": colleague.pk, "start": start.isoformat(), "end": end.isoformat()}
    )
    assert response.status_code == 400
    assert response.context["form"].errors.get(field), response.context["form"].errors
    assert not StandIn.objects.exists()


def test_the_office_and_the_leadership_cannot_name_stand_ins(demo_accounts, deputy):
    for username in ("supervisor", "leader"):
        client = signed_in(demo_accounts[username])
        assert client.get(reverse("accounts:stand_ins")).status_code == 200
        response = client.post(reverse("accounts:stand_ins"), {"stand_in": deputy.pk})
        assert response.status_code == 403


def test_it_ends_by_itself_at_the_next_day(demo_accounts, deputy, milestone, monkeypatch):
    name(demo_accounts["liaison-customs"], deputy, days=0)  # today only
    client = signed_in(deputy)
    assert milestone_page(client, milestone).status_code == 200
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    monkeypatch.setattr(selectors, "today", lambda: tomorrow)
    # The same session, the next day: the middleware's daily check takes the access back.
    assert milestone_page(client, milestone).status_code == 404
    assert start_it(client, milestone).status_code == 404
    assert not TemporaryMembership.objects.filter(user=deputy).exists()
    assert not deputy.groups.exists()


def test_an_upcoming_stand_in_gives_nothing_until_its_first_day(demo_accounts, deputy, milestone, monkeypatch):
    name(demo_accounts["liaison-customs"], deputy, start_offset=2, days=1)
    client = signed_in(deputy)
    assert milestone_page(client, milestone).status_code == 404
    first_day = timezone.localdate() + dt.timedelta(days=2)
    monkeypatch.setattr(selectors, "today", lambda: first_day)
    assert milestone_page(client, milestone).status_code == 200


def test_the_nightly_command_reconciles_everyone(demo_accounts, deputy, monkeypatch):
    name(demo_accounts["liaison-customs"], deputy, days=0)
    assert deputy.groups.filter(department__code="customs").exists()
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    monkeypatch.setattr(selectors, "today", lambda: tomorrow)
    out = io.StringIO()
    call_command("reconcile_stand_ins", stdout=out)
    assert "1 group change" in out.getvalue()
    assert not deputy.groups.exists()


def test_ending_early(demo_accounts, deputy, milestone):
    record = name(demo_accounts["liaison-customs"], deputy)
    client = signed_in(deputy)
    assert milestone_page(client, milestone).status_code == 200
    cancel = reverse("accounts:stand_in_cancel", kwargs={"pk": record.pk})
    # Another liaison does not see it; the person ends it.
    assert signed_in(demo_accounts["liaison-amr"]).post(cancel).status_code == 404
    assert signed_in(demo_accounts["liaison-customs"]).post(cancel).status_code == 302
    assert milestone_page(client, milestone).status_code == 404
    assert signed_in(demo_accounts["liaison-customs"]).post(cancel).status_code == 409


def test_removing_the_person_from_the_unit_ends_the_stand_ins_access(demo_accounts, deputy, milestone, office):
    liaison = demo_accounts["liaison-customs"]
    name(liaison, deputy)
    client = signed_in(deputy)
    assert milestone_page(client, milestone).status_code == 200
    services.member_remove(group=Department.objects.get(code="customs").group, user=liaison, by=office)
    assert milestone_page(client, milestone).status_code == 404


def test_no_chains_a_stand_in_lends_only_their_own_units(demo_accounts, deputy, office):
    """The deputy stands in for customs' liaison; a colleague of the deputy's own unit (none) — and
    someone naming the deputy gets only the deputy's own units, never what the deputy borrows."""
    amr = Department.objects.get(code="amr")
    services.member_add(group=amr.group, user=deputy, by=office)
    name(demo_accounts["liaison-customs"], deputy)
    amr_colleague = demo_accounts["liaison-amr"]
    name(deputy, amr_colleague)
    assert set(amr_colleague.groups.values_list("department__code", flat=True)) == {"amr"}
    assert set(deputy.groups.values_list("department__code", flat=True)) == {"amr", "customs"}


def test_the_service_refuses_a_self_or_overlapping_stand_in(demo_accounts, deputy):
    liaison = demo_accounts["liaison-customs"]
    with pytest.raises(ValidationError):
        name(liaison, liaison)
    name(liaison, deputy)
    with pytest.raises(ValidationError) as error:
        name(liaison, deputy, start_offset=1)
    assert "start" in error.value.message_dict


def test_deactivating_the_stand_in_ends_everything(demo_accounts, deputy, milestone, office):
    name(demo_accounts["liaison-customs"], deputy)
    services.account_deactivate(user=deputy, by=office)
    assert not deputy.groups.exists()
    assert StandIn.objects.get().cancelled_by == office


def test_during_the_stand_in_the_deputy_hears_what_the_person_hears(demo_accounts, customs, deputy):
    """Workflow news and reminders for 苏州海关 reach its liaison's stand-in while it lasts, and not after."""
    from tasks_app.reminders.models import Notification

    liaison = demo_accounts["liaison-customs"]
    today = timezone.localdate()
    services.stand_in_name(person=liaison, stand_in=deputy, start=today, end=today + dt.timedelta(days=2), by=liaison)
    during = milestone_create(
        task=KeyTask.objects.get(number=5),
        owner=customs,
        title="代理期间新建节点",
        due_date=today + dt.timedelta(days=40),
        by=demo_accounts["liaison-commerce"],
    )
    assert Notification.objects.filter(recipient=deputy, reminder__milestone=during).exists()
    assert Notification.objects.filter(recipient=liaison, reminder__milestone=during).exists()
    services.stand_in_cancel(stand_in=StandIn.objects.get(stand_in=deputy), by=liaison)
    after = milestone_create(
        task=KeyTask.objects.get(number=5),
        owner=customs,
        title="代理结束后新建节点",
        due_date=today + dt.timedelta(days=40),
        by=demo_accounts["liaison-commerce"],
    )
    assert not Notification.objects.filter(recipient=deputy, reminder__milestone=after).exists()
