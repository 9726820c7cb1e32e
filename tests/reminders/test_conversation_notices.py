"""督办 notices answered in the product (issue 16): signed for, replied to, closed, escalated when
not answered in time — over the API and the pages, each step told to those involved once."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from departments.models import Department
from tasks_app.plan.models import KeyTask
from tasks_app.reminders.models import Notice, NoticeStatus, Notification, Reminder
from tasks_app.reminders.services import notices_overdue_escalate
from tasks_app.workflow.services import milestone_create, milestone_transition

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def milestone(demo_accounts):
    created = milestone_create(
        task=KeyTask.objects.get(number=5),
        owner=Department.objects.get(code="customs"),
        title="品牌出海清单",
        due_date=timezone.localdate() + dt.timedelta(days=20),
        by=demo_accounts["liaison-customs"],
    )
    return milestone_transition(milestone=created, action="start", by=demo_accounts["liaison-customs"])


def api(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


def told(event):
    return sorted(
        Notification.objects.filter(reminder__occurrence__startswith=f"{event}@").values_list(
            "recipient__username", flat=True
        )
    )


def test_the_whole_notice_conversation_over_the_api(milestone, demo_accounts, settings):
    settings.CBEC_NOTICE_REPLY_DAYS = 3
    office, customs = api(demo_accounts["supervisor"]), api(demo_accounts["liaison-customs"])
    answer = office.post("/api/v1/notices/", {"milestone": milestone.pk, "message": "请说明进度"}, format="json")
    assert answer.status_code == 201, answer.content
    notice = answer.json()
    assert notice["status"] == "open"
    assert notice["reply_due"] == (timezone.localdate() + dt.timedelta(days=3)).isoformat()
    # The notice reaches the owner, the lead and the office (the existing fan-out).
    assert set(Reminder.objects.get(pk=notice["id"]).notifications.values_list("recipient__username", flat=True)) == {
        "liaison-customs",
        "liaison-commerce",
        "supervisor",
    }
    # The office sees who has not signed.
    rows = office.get("/api/v1/notices/?state=open").json()
    assert [r["id"] for r in rows] == [notice["id"]] and rows[0]["acknowledged_by"] is None

    assert customs.post(f"/api/v1/notices/{notice['id']}/acknowledge/").status_code == 200
    assert told("notice_acknowledged") == ["supervisor"]
    assert customs.post(f"/api/v1/notices/{notice['id']}/acknowledge/").status_code == 409
    assert told("notice_acknowledged") == ["supervisor"]  # once
    signed = office.get(f"/api/v1/notices/{notice['id']}/").json()
    assert signed["status"] == "acknowledged" and "苏州海关" in signed["acknowledged_by"]

    answer = customs.post(f"/api/v1/notices/{notice['id']}/reply/", {"text": "已完成80%，下周报送"}, format="json")
    assert answer.status_code == 201
    assert told("notice_replied") == ["supervisor"]
    assert office.post(f"/api/v1/notices/{notice['id']}/reply/", {"text": "x"}, format="json").status_code == 403

    answer = office.post(
        f"/api/v1/notices/{notice['id']}/close/", {"note": "已阅", "follow_up": "月底前报送终稿"}, format="json"
    )
    assert answer.status_code == 200 and answer.json()["status"] == "closed"
    assert told("notice_closed") == ["liaison-customs"]
    follow_up = Notice.objects.get(follow_up_of_id=notice["id"])
    assert follow_up.status == NoticeStatus.OPEN and follow_up.reminder.message == "月底前报送终稿"
    # Outsiders see nothing.
    assert api(demo_accounts["liaison-qiaolian"]).get(f"/api/v1/notices/{notice['id']}/").status_code == 404
    assert api(demo_accounts["liaison-qiaolian"]).get("/api/v1/notices/").json() == []


def test_a_reply_with_an_attachment_on_the_page(milestone, demo_accounts, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    office = Client()
    office.force_login(demo_accounts["supervisor"])
    url = reverse("tasks_app:supervision_notice", kwargs={"pk": milestone.pk})
    due = (timezone.localdate() + dt.timedelta(days=2)).isoformat()
    assert office.post(url, {"message": "请报送佐证", "reply_due": due}).status_code == 302
    notice = Notice.objects.get()
    assert notice.reply_due.isoformat() == due
    customs = Client()
    customs.force_login(demo_accounts["liaison-customs"])
    page = customs.get(reverse("tasks_app:notice_detail", kwargs={"pk": notice.pk}))
    assert page.status_code == 200 and "签收" in page.content.decode()
    upload = SimpleUploadedFile("佐证.pdf", PDF, content_type="application/pdf")
    answer = customs.post(
        reverse("tasks_app:notice_reply", kwargs={"pk": notice.pk}), {"text": "见附件", "attachment": upload}
    )
    assert answer.status_code == 302
    reply = notice.replies.get()
    assert reply.attachment_name == "佐证.pdf"
    download = office.get(reverse("tasks_app:notice_reply_attachment", kwargs={"pk": reply.pk}))
    assert download.status_code == 200
    outsider = Client()
    outsider.force_login(demo_accounts["liaison-qiaolian"])
    assert outsider.get(reverse("tasks_app:notice_reply_attachment", kwargs={"pk": reply.pk})).status_code == 404
    # The board: filtered, and exported.
    board = office.get(reverse("tasks_app:notice_board") + "?state=replied")
    assert "品牌出海清单" in board.content.decode()
    exported = office.get(reverse("tasks_app:notice_board") + "?format=csv")
    csv = b"".join(exported.streaming_content).decode("utf-8-sig")
    assert "品牌出海清单" in csv and "苏州海关" in csv
    # The same list as a workbook through the export layer: title row, headers, dates as dates.
    import io

    import openpyxl

    workbook = office.get(reverse("tasks_app:notice_board") + "?format=xlsx&state=replied")
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(workbook.streaming_content))).active
    rows = list(sheet.iter_rows(min_row=3, values_only=True))
    assert [row[2] for row in rows] == ["品牌出海清单"]
    assert isinstance(rows[0][5], dt.date)  # the reply date


def test_an_unanswered_notice_escalates_once_past_its_reply_date(milestone, demo_accounts):
    from tasks_app.reminders.services import supervision_notice_issue

    reminder = supervision_notice_issue(milestone=milestone, by=demo_accounts["supervisor"], message="请反馈")
    notice = reminder.notice
    late = notice.reply_due + dt.timedelta(days=1)
    assert notices_overdue_escalate(notice.reply_due) == 0  # not yet
    assert notices_overdue_escalate(late) == 1
    assert notices_overdue_escalate(late + dt.timedelta(days=1)) == 0  # once per reply date
    assert told("notice_overdue") == ["liaison-commerce", "liaison-customs", "supervisor"]
    board = Client()
    board.force_login(demo_accounts["supervisor"])
    # A replied notice does not escalate.
    other = supervision_notice_issue(milestone=milestone, by=demo_accounts["supervisor"], message="再请反馈").notice
    from tasks_app.reminders.services import notice_reply

    notice_reply(notice=other, by=demo_accounts["liaison-customs"], text="已反馈")
    assert notices_overdue_escalate(other.reply_due + dt.timedelta(days=5)) == 0


def test_home_shows_what_is_new_for_me(milestone, demo_accounts):
    office = Client()
    office.force_login(demo_accounts["supervisor"])
    milestone_transition(milestone=milestone, action="submit", by=demo_accounts["liaison-customs"], note="完成")
    home = office.get(reverse("tasks_app:home"))
    items = home.context["new_for_me"]
    assert [n.reminder.occurrence.split("@")[0] for n in items] == ["submitted"]
    outsider = Client()
    outsider.force_login(demo_accounts["liaison-qiaolian"])
    assert outsider.get(reverse("tasks_app:home")).context["new_for_me"] == []
