"""Large exports run in the background: progress on "My exports", a notification when ready, the
file as the page showed it (filters, sort), only for whoever asked; failures are reported too."""

import datetime as dt
import io

import openpyxl
import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from departments.models import Department
from tasks_app.exports.models import ExportJob, ExportStatus
from tasks_app.exports.services import export_job_run, export_jobs_queued_run
from tasks_app.plan.models import KeyTask
from tasks_app.reminders.models import Notification
from tasks_app.workflow.services import milestone_create


@pytest.fixture
def overdue(suzhou_plan, demo_accounts):
    task = KeyTask.objects.get(number=2)
    for owner, days in (("drc", 3), ("finance", 30), ("finance", 12)):
        milestone_create(
            task=task,
            owner=Department.objects.get(code=owner),
            title=f"{owner}逾期{days}天",
            due_date=dt.date.today() - dt.timedelta(days=days),
            by=demo_accounts["supervisor"],
        )


def client_for(user):
    client = Client()
    client.force_login(user)
    return client


def test_a_large_export_is_made_in_the_background_and_its_owner_notified(overdue, demo_accounts, settings):
    settings.CBEC_EXPORT_INLINE_ROWS = 1
    supervisor = client_for(demo_accounts["supervisor"])
    response = supervisor.get(
        reverse("tasks_app:overdue_board"), {"_export": "xlsx", "owner": "finance", "sort": "-days_overdue"}
    )
    assert response.status_code == 302 and response.url == reverse("tasks_app:export_list")
    job = ExportJob.objects.get()
    assert (job.status, job.format, job.params["owner"]) == (ExportStatus.QUEUED, "xlsx", "finance")
    waiting = supervisor.get(reverse("tasks_app:export_list")).content.decode()
    assert 'http-equiv="refresh"' in waiting and "排队中" in waiting

    assert export_job_run(job.pk).status == ExportStatus.DONE
    assert export_job_run(job.pk) is None  # taken once: a duplicated message does nothing
    job.refresh_from_db()
    assert (job.rows_total, job.rows_done, job.percent) == (2, 2, 100)
    notification = Notification.objects.get(recipient=demo_accounts["supervisor"], export_job=job)
    with translation.override("zh-hans"):
        assert job.filename in notification.text and "已生成" in notification.text

    ready = supervisor.get(reverse("tasks_app:export_list")).content.decode()
    assert 'http-equiv="refresh"' not in ready
    download = supervisor.get(reverse("tasks_app:export_download", args=[job.pk]))
    assert download.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(download.streaming_content))).active
    # A title row, the header, then the rows, each with its number first.
    assert [row[:2] for row in sheet.iter_rows(min_row=3, values_only=True)] == [
        (1, "finance逾期30天"),
        (2, "finance逾期12天"),
    ]
    assert sheet.cell(2, 7).value == "逾期（自然日）" and sheet.cell(2, 8).value == "逾期（工作日）"
    assert sheet.title == "逾期节点"
    assert job.filename.startswith("逾期节点_") and "财政局" in sheet.cell(1, 1).value

    other = client_for(demo_accounts["leader"])
    assert other.get(reverse("tasks_app:export_download", args=[job.pk])).status_code == 404
    assert "finance" not in other.get(reverse("tasks_app:export_list")).content.decode()


def test_the_file_is_in_the_language_of_whoever_asked(overdue, demo_accounts, settings):
    settings.CBEC_EXPORT_INLINE_ROWS = 1
    supervisor = client_for(demo_accounts["supervisor"])
    supervisor.post(reverse("set_language"), {"language": "en", "next": "/"})
    supervisor.get(reverse("tasks_app:overdue_board"), {"_export": "csv"})
    job = export_job_run(ExportJob.objects.get().pk)
    content = job.file.open("rb").read().decode("utf-8-sig")
    assert content.splitlines()[0].startswith("Milestone,Key task,Owner department")
    assert len(content.splitlines()) == 4


def test_a_failed_export_is_reported_and_has_no_file(demo_accounts, suzhou_plan):
    job = ExportJob.objects.create(requested_by=demo_accounts["supervisor"], board="no-such-table", format="csv")
    export_job_run(job.pk)
    job.refresh_from_db()
    assert job.status == ExportStatus.FAILED and "no-such-table" in job.error
    with translation.override("zh-hans"):
        assert "失败" in Notification.objects.get(export_job=job).text
    supervisor = client_for(demo_accounts["supervisor"])
    assert supervisor.get(reverse("tasks_app:export_download", args=[job.pk])).status_code == 404


def test_a_file_gone_from_storage_is_404_not_500(overdue, demo_accounts, settings):
    settings.CBEC_EXPORT_INLINE_ROWS = 1
    supervisor = client_for(demo_accounts["supervisor"])
    supervisor.get(reverse("tasks_app:overdue_board"), {"_export": "csv"})
    job = export_job_run(ExportJob.objects.get().pk)
    job.file.storage.delete(job.file.name)
    assert supervisor.get(reverse("tasks_app:export_download", args=[job.pk])).status_code == 404


def test_exports_left_queued_are_run_by_the_periodic_task(overdue, demo_accounts):
    for fmt in ("csv", "xlsx"):
        ExportJob.objects.create(requested_by=demo_accounts["supervisor"], board="overdue", format=fmt)
    assert export_jobs_queued_run() == 2
    assert set(ExportJob.objects.values_list("status", "rows_total")) == {(ExportStatus.DONE, 3)}


def test_the_ready_export_appears_in_the_notifications_api_and_list(overdue, demo_accounts, settings):
    from rest_framework.test import APIClient

    settings.CBEC_EXPORT_INLINE_ROWS = 1
    supervisor = client_for(demo_accounts["supervisor"])
    supervisor.get(reverse("tasks_app:overdue_board"), {"_export": "csv"})
    job = export_job_run(ExportJob.objects.get().pk)
    api = APIClient()
    api.force_authenticate(demo_accounts["supervisor"])
    rows = [row for row in api.get("/api/v1/notifications/").json()["results"] if row["kind"] == "export"]
    assert len(rows) == 1 and rows[0]["milestone"] is None and job.filename in rows[0]["message"]
    page = supervisor.get(reverse("tasks_app:notification_list")).content.decode()
    assert job.filename in page
    opened = supervisor.post(reverse("tasks_app:notification_read", args=[rows[0]["id"]]), {"open": "1"})
    assert opened.status_code == 302 and opened.url == reverse("tasks_app:export_list")
    other = APIClient()
    other.force_authenticate(demo_accounts["leader"])
    assert other.get(f"/api/v1/notifications/{rows[0]['id']}/").status_code == 404
