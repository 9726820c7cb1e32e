"""Saved filters on the lists: saved from the filter in view (without paging or export keys),
replaced by name, capped per list, shown only to their owner; another's filter is 404."""

import pytest
from django.test import Client
from django.urls import reverse

from tasks_app.dashboards.models import SavedFilter
from tasks_app.dashboards.saved_filters import filter_query

ROLES = ["supervisor", "leader", "liaison-commerce", "district-sip"]


def _client(user):
    client = Client()
    client.force_login(user)
    return client


def test_a_filter_keeps_only_its_filter_values():
    assert (
        filter_query("status=in_progress&page=3&owner=&_export=csv&district=sip") == "district=sip&status=in_progress"
    )


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(("list_name", "url_name"), [("milestones", "milestone_list"), ("overdue", "overdue_board")])
def test_each_role_saves_and_uses_a_filter(demo_accounts, role, list_name, url_name):
    client = _client(demo_accounts[role])
    response = client.post(
        reverse("tasks_app:saved_filter_save"),
        {"list_name": list_name, "name": "我的 推进中", "query": "status=in_progress&page=2"},
    )
    assert response.status_code == 302
    assert response["Location"] == reverse(f"tasks_app:{url_name}") + "?status=in_progress"
    page = client.get(response["Location"])
    assert page.status_code == 200
    html = page.content.decode()
    assert "我的 推进中" in html and 'aria-current="true"' in html


def test_saving_the_same_name_replaces_it_and_the_list_has_a_cap(demo_accounts):
    user = demo_accounts["liaison-commerce"]
    client = _client(user)
    save = reverse("tasks_app:saved_filter_save")
    client.post(save, {"list_name": "milestones", "name": "a", "query": "status=planned"})
    client.post(save, {"list_name": "milestones", "name": "a", "query": "status=submitted"})
    assert list(SavedFilter.objects.filter(user=user).values_list("name", "query")) == [("a", "status=submitted")]
    for n in range(SavedFilter.MAX_PER_LIST - 1):
        client.post(save, {"list_name": "milestones", "name": f"f{n}", "query": "status=planned"})
    response = client.post(
        save, {"list_name": "milestones", "name": "one too many", "query": "status=planned"}, follow=True
    )
    assert SavedFilter.objects.filter(user=user).count() == SavedFilter.MAX_PER_LIST
    assert "最多" in response.content.decode()


def test_bad_input_is_a_message_not_an_error(demo_accounts):
    client = _client(demo_accounts["supervisor"])
    save = reverse("tasks_app:saved_filter_save")
    assert client.post(save, {"list_name": "nonsense", "name": "x"}).status_code == 404
    response = client.post(save, {"list_name": "overdue", "name": "  ", "query": "district=sip"}, follow=True)
    assert response.status_code == 200 and "请为筛选命名" in response.content.decode()
    assert not SavedFilter.objects.exists()
    assert client.get(save).status_code == 405


@pytest.mark.parametrize("role", ROLES)
def test_another_persons_filter_is_invisible_and_cannot_be_deleted(demo_accounts, role):
    owner = demo_accounts["liaison-customs"]
    saved = SavedFilter.objects.create(user=owner, list_name="milestones", name="海关的", query="status=planned")
    client = _client(demo_accounts[role])
    assert "海关的" not in client.get(reverse("tasks_app:milestone_list")).content.decode()
    assert client.post(reverse("tasks_app:saved_filter_delete", args=[saved.pk])).status_code == 404
    assert SavedFilter.objects.filter(pk=saved.pk).exists()
    assert _client(owner).post(reverse("tasks_app:saved_filter_delete", args=[saved.pk])).status_code == 302
    assert not SavedFilter.objects.filter(pk=saved.pk).exists()
