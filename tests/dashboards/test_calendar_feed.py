"""Each person's private calendar feed (.ics): valid iCalendar (read back by two parsers), exactly
the deadlines its owner may see, and a reset makes the old address 404."""

import datetime as dt

import icalendar
import pytest
import vobject
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from departments.models import Department, District
from tasks_app.plan.models import KeyTask
from tasks_app.workflow.services import milestone_create, milestone_transition


def _client(user=None):
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


@pytest.fixture
def deadlines(demo_accounts):
    today = timezone.localdate()

    def new(owner, title, days, district=None):
        return milestone_create(
            task=KeyTask.objects.get(number=5),
            owner=Department.objects.get(code=owner),
            district=District.objects.get(code=district) if district else None,
            title=title,
            due_date=today + dt.timedelta(days=days),
            by=demo_accounts["supervisor"],
        )

    customs = new("customs", "海关:品牌名单", 12)
    customs_sip = new("customs", "海关:园区节点", 30, district="sip")
    new("amr", "市场监管:标准", 20)
    done = new("customs", "海关:已办结", 5)
    for action, who in (("start", "liaison-customs"), ("submit", "liaison-customs"), ("approve", "supervisor")):
        done = milestone_transition(milestone=done, action=action, by=demo_accounts[who])
    return {"customs": customs, "customs_sip": customs_sip}


def _feed_url(user):
    page = _client(user).get(reverse("tasks_app:calendar_feed_page"))
    assert page.status_code == 200
    return page.context["url"].split("testserver", 1)[1]


def test_the_feed_parses_and_holds_exactly_the_owners_deadlines(demo_accounts, deadlines):
    url = _feed_url(demo_accounts["liaison-customs"])
    response = _client().get(url)  # a calendar client: not signed in
    assert response.status_code == 200 and response["Content-Type"].startswith("text/calendar")

    parsed = icalendar.Calendar.from_ical(response.content)
    events = list(parsed.walk("VEVENT"))
    summaries = sorted(str(e["SUMMARY"]) for e in events)
    assert any("海关:品牌名单" in s for s in summaries)
    assert any("海关:园区节点" in s for s in summaries)
    assert not any("市场监管" in s or "已办结" in s for s in summaries)
    due = {str(e["UID"]): e.decoded("DTSTART") for e in events}
    assert due[f"milestone-{deadlines['customs'].pk}@cbec-tracker"] == deadlines["customs"].due_date
    assert any("RRULE" in e for e in events)  # the monthly reporting day

    second = vobject.readOne(response.content.decode())
    assert len(second.vevent_list) == len(events)
    assert {v.uid.value for v in second.vevent_list} == {str(e["UID"]) for e in events}


def test_a_district_sees_its_districts_deadlines_only(demo_accounts, deadlines):
    body = _client().get(_feed_url(demo_accounts["district-sip"])).content
    summaries = [str(e["SUMMARY"]) for e in icalendar.Calendar.from_ical(body).walk("VEVENT")]
    assert len(summaries) == 1 and "海关:园区节点" in summaries[0]
    other = _client().get(_feed_url(demo_accounts["district-gusu"])).content
    assert icalendar.Calendar.from_ical(other).walk("VEVENT") == []


def test_a_reset_makes_the_old_address_404(demo_accounts, deadlines):
    user = demo_accounts["liaison-customs"]
    old = _feed_url(user)
    assert _client().get(old).status_code == 200
    reset = _client(user).post(reverse("tasks_app:calendar_feed_reset"))
    assert reset.status_code == 302
    new = _feed_url(user)
    assert new != old
    assert _client().get(old).status_code == 404
    assert _client().get(new).status_code == 200


def test_an_unknown_or_deactivated_feed_is_404(demo_accounts, deadlines):
    assert _client().get("/feeds/not-a-token.ics").status_code == 404
    user = demo_accounts["liaison-customs"]
    url = _feed_url(user)
    user.is_active = False
    user.save()
    assert _client().get(url).status_code == 404


def test_a_notice_awaiting_an_answer_puts_its_reply_date_in_the_receivers_feed(demo_accounts, deadlines):
    from tasks_app.reminders.services import notice_acknowledge, notice_reply, supervision_notice_issue

    started = milestone_transition(milestone=deadlines["customs"], action="start", by=demo_accounts["liaison-customs"])
    reply_due = timezone.localdate() + dt.timedelta(days=4)
    notice = supervision_notice_issue(
        milestone=started, by=demo_accounts["supervisor"], message="请说明进展", reply_due=reply_due
    ).notice

    def notice_events(username):
        feed = _client().get(_feed_url(demo_accounts[username])).content
        return {
            str(e["UID"]): e.decoded("DTSTART")
            for e in icalendar.Calendar.from_ical(feed).walk("VEVENT")
            if str(e["UID"]).startswith("notice-")
        }

    uid = f"notice-{notice.pk}@cbec-tracker"
    assert notice_events("liaison-customs") == {uid: reply_due}
    assert notice_events("liaison-amr") == {}  # not the receiving department
    notice_acknowledge(notice=notice, by=demo_accounts["liaison-customs"])
    assert uid in notice_events("liaison-customs")  # signed for, not yet answered
    notice_reply(notice=notice, by=demo_accounts["liaison-customs"], text="已整改")
    assert notice_events("liaison-customs") == {}  # answered: nothing left to do by that date
