"""Details of the workflow the matrix does not show: versions, baselines, history, attachments,
and list queries that do not grow with the number of milestones."""

import datetime as dt

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from departments.models import Department
from tasks_app.plan.models import KeyTask
from tasks_app.workflow.models import Milestone
from tasks_app.workflow.services import milestone_create, milestone_transition, milestone_update

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
EXE = b"MZ\x90\x00\x03" + b"\x00" * 200


@pytest.fixture
def api(demo_accounts):
    def client_for(username):
        client = APIClient()
        client.force_authenticate(demo_accounts[username])
        return client

    return client_for


@pytest.fixture
def milestone(demo_accounts):
    return milestone_create(
        task=KeyTask.objects.get(number=11),
        owner=Department.objects.get(code="hrss"),
        title="服务中心人员配备",
        due_date=timezone.localdate() + dt.timedelta(days=20),
        by=demo_accounts["liaison-commerce"],
    )


def test_patch_needs_the_version_and_a_stale_one_changes_nothing(api, milestone):
    lead = api("liaison-commerce")
    response = lead.patch(f"/api/v1/milestones/{milestone.pk}/", {"title": "甲"}, format="json")
    assert response.status_code == 400
    assert "version" in response.json()
    ok = lead.patch(f"/api/v1/milestones/{milestone.pk}/", {"title": "甲", "version": 1}, format="json")
    assert ok.status_code == 200 and ok.json()["version"] == 2
    stale = api("liaison-hrss").patch(
        f"/api/v1/milestones/{milestone.pk}/", {"title": "乙", "version": 1}, format="json"
    )
    assert stale.status_code == 409
    assert Milestone.objects.get(pk=milestone.pk).title == "甲"


def test_bad_input_is_400_with_field_errors_never_500(api, milestone):
    lead = api("liaison-commerce")
    cases = [
        {"task": 99, "owner": "hrss", "title": "x", "due_date": "2026-12-01"},
        {"task": 11, "owner": "nobody", "title": "x", "due_date": "2026-12-01"},
        {"task": 11, "owner": "qiaolian", "title": "x", "due_date": "2026-12-01"},  # not on task 11
        {"task": 11, "owner": "hrss", "title": "x", "due_date": "31/12/2026"},
        {"task": 11, "owner": "hrss", "title": "", "due_date": "2026-12-01"},
        {"task": 11, "owner": "hrss", "title": "x", "due_date": "2026-12-01", "district": "mars"},
    ]
    for body in cases:
        response = lead.post("/api/v1/milestones/", body, format="json")
        assert response.status_code == 400, (body, response.content)
        assert isinstance(response.json(), dict) and response.json()
    update = api("liaison-hrss").post(
        "/api/v1/progress-updates/", {"milestone": milestone.pk, "percent": 140, "summary": "x"}, format="json"
    )
    assert update.status_code == 400
    assert "percent" in update.json()


def test_extension_keeps_the_baseline_and_the_history_says_who_and_why(demo_accounts, milestone):
    milestone_transition(milestone=milestone, action="start", by=demo_accounts["liaison-hrss"])
    original = milestone.due_date
    current = Milestone.objects.get(pk=milestone.pk)
    milestone_update(
        milestone=current,
        by=demo_accounts["supervisor"],
        version=current.version,
        changes={"due_date": original + dt.timedelta(days=30)},
        reason="需协调编制",
    )
    current.refresh_from_db()
    assert current.baseline_due_date == original
    assert current.due_date == original + dt.timedelta(days=30)
    client = Client()
    client.force_login(demo_accounts["leader"])
    page = client.get(reverse("tasks_app:milestone_detail", kwargs={"pk": milestone.pk}))
    newest = page.context["history"][0]
    assert newest["record"].history_user.username == "supervisor"
    assert "需协调编制" in newest["record"].history_change_reason
    assert any(c["old"] == original and c["new"] == current.due_date for c in newest["changes"])
    assert "需协调编制" in page.content.decode()


def test_attachment_is_checked_by_content_and_served_only_to_those_involved(
    demo_accounts, milestone, tmp_path, settings
):
    settings.MEDIA_ROOT = tmp_path
    milestone_transition(milestone=milestone, action="start", by=demo_accounts["liaison-hrss"])
    owner = Client()
    owner.force_login(demo_accounts["liaison-hrss"])
    url = reverse("tasks_app:progress_update_create", kwargs={"pk": milestone.pk})

    disguised = SimpleUploadedFile("报告.pdf", EXE, content_type="application/pdf")
    response = owner.post(url, {"percent": 30, "summary": "附件", "attachment": disguised})
    assert response.status_code == 400
    assert "不接受此类文件" in response.content.decode()

    settings.CBEC_MAX_UPLOAD_BYTES = 20
    response = owner.post(url, {"percent": 30, "summary": "附件", "attachment": SimpleUploadedFile("a.pdf", PDF)})
    assert response.status_code == 400
    settings.CBEC_MAX_UPLOAD_BYTES = 10 * 1024 * 1024

    response = owner.post(url, {"percent": 30, "summary": "附件", "attachment": SimpleUploadedFile("进展.pdf", PDF)})
    assert response.status_code == 302
    update = milestone.progress_updates.get()
    assert update.attachment.path.startswith(str(tmp_path))
    assert not update.attachment.name.endswith(".pdf")  # stored under a random name
    download = reverse("tasks_app:progress_update_attachment", kwargs={"pk": update.pk})
    response = owner.get(download)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert "attachment" in response["Content-Disposition"]
    outsider = Client()
    outsider.force_login(demo_accounts["liaison-qiaoban"])
    assert outsider.get(download).status_code == 404


def _bulk_milestones(creator, count):
    task = KeyTask.objects.get(number=11)
    owners = list(Department.objects.filter(code__in=["hrss", "commerce", "tax", "customs"]))
    today = timezone.localdate()
    Milestone.objects.bulk_create(
        [
            Milestone(
                task=task,
                owner=owners[i % len(owners)],
                title=f"节点{i}",
                due_date=today + dt.timedelta(days=i % 90 - 30),
                baseline_due_date=today,
                created_by=creator,
            )
            for i in range(count)
        ],
        batch_size=2000,
    )
    from tasks_app.core.changes import ASSESSMENT, counter_bump

    counter_bump(ASSESSMENT)  # bulk inserts send no signals; a committed one moves the counter (load.py does)


def _queries(callable_):
    cache.clear()  # each visit counts its list again (the count is kept until the data changes)
    with CaptureQueriesContext(connection) as captured:
        response = callable_()
    assert response.status_code == 200
    return len(captured)


def test_a_liaisons_list_runs_the_same_queries_for_10_or_10000_milestones(demo_accounts):
    user = demo_accounts["liaison-hrss"]
    web, rest = Client(), APIClient()
    web.force_login(user)
    rest.force_login(user)
    _bulk_milestones(demo_accounts["supervisor"], 10)
    # A first visit fills the per-process caches (content types, …) as on a running site: run alone,
    # this test would otherwise count those reads against the small list.
    web.get(reverse("tasks_app:milestone_list"))
    rest.get("/api/v1/milestones/")
    small = (
        _queries(lambda: web.get(reverse("tasks_app:milestone_list"))),
        _queries(lambda: rest.get("/api/v1/milestones/")),
    )
    _bulk_milestones(demo_accounts["supervisor"], 9990)
    assert Milestone.objects.count() == 10000
    large = (
        _queries(lambda: web.get(reverse("tasks_app:milestone_list"))),
        _queries(lambda: rest.get("/api/v1/milestones/")),
    )
    assert large == small
    seen, url = 0, "/api/v1/milestones/?page_size=500"
    while url:  # the cursor walks every row once
        page = rest.get(url).json()
        seen += len(page["results"])
        url = page["next"]
    assert seen == 10000
