"""Search finds a milestone by a word of its title and by its number, within the pages' permission
rules: nothing is found that the user may not see."""

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from departments.models import Department
from tasks_app.plan.models import KeyTask
from tasks_app.workflow.services import milestone_create


def _client(user):
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def customs_milestone(demo_accounts):
    return milestone_create(
        task=KeyTask.objects.get(number=5),
        owner=Department.objects.get(code="customs"),
        title="海外仓品牌推介会",
        due_date=timezone.localdate() + dt.timedelta(days=9),
        by=demo_accounts["supervisor"],
    )


def _search(user, q):
    return _client(user).get(reverse("tasks_app:search"), {"q": q})


def test_a_word_of_the_title_finds_the_milestone(demo_accounts, customs_milestone):
    response = _search(demo_accounts["liaison-customs"], "推介会")
    assert [m.pk for m in response.context["milestones"]] == [customs_milestone.pk]


def test_the_number_goes_straight_to_the_milestone(demo_accounts, customs_milestone):
    response = _search(demo_accounts["liaison-customs"], f"#{customs_milestone.pk}")
    assert response.status_code == 302
    assert response["Location"] == reverse("tasks_app:milestone_detail", kwargs={"pk": customs_milestone.pk})


@pytest.mark.parametrize("query", ["推介会", "#{pk}", "{pk}"])
def test_nothing_is_found_that_the_user_may_not_see(demo_accounts, customs_milestone, query):
    response = _search(demo_accounts["liaison-qiaolian"], query.format(pk=customs_milestone.pk))
    milestone_url = reverse("tasks_app:milestone_detail", kwargs={"pk": customs_milestone.pk})
    if response.status_code == 302:  # a bare number may name a (public) key task
        assert response["Location"] != milestone_url
        return
    assert response.context["milestones"] == []
    assert milestone_url not in response.content.decode()


def test_tasks_are_found_by_number_and_by_words(demo_accounts):
    by_number = _search(demo_accounts["leader"], "5")
    assert by_number.status_code in (200, 302)
    by_words = _search(demo_accounts["leader"], "品牌")
    assert 5 in [task.number for task in by_words.context["tasks"]]
